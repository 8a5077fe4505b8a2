vcl 4.1;
# Varnish in front of the blog (issue 15): anonymous pages from memory, purged by key.
#
# The application decides what may be shared and says so per response: a page it would store
# itself carries `xkey` (the keys of what it shows, blog/cache_keys.py) and `s-maxage` (a day,
# or until the next scheduled post goes live). Varnish caches exactly those responses (and the
# hashed static files), and drops them when the application sends
#     PURGE /    with header   xkey-purge: post-12 comments-12 ...
# from an address in the `purgers` ACL below (blog/tasks.py, after the commit, retried).
#
# scripts/serve.sh fills in the backend and the ACL from the environment (GUNICORN_BIND,
# VARNISH_PURGERS) when it starts Varnish; edit them here for a hand-made setup. With several
# app servers, list each as a backend and put them in a directors.round_robin() (README.md,
# "Deploying").

import std;
import xkey;

backend app {
    .host = "127.0.0.1";  # BACKEND_HOST
    .port = "8000";       # BACKEND_PORT
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    .probe = {
        .url = "/robots.txt";
        .interval = 2s;
        .timeout = 3s;   # lenient: a busy or just-started worker is slow, not down
        .window = 5;
        .threshold = 2;  # sick after four failed probes of five (about 10 s)
        .initial = 2;    # healthy from the start (gunicorn is up before Varnish takes requests)
    }
}

# Who may purge: the application servers (their task workers send the purges).
acl purgers {
    "127.0.0.1";  # PURGERS
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from " + client.ip));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header"));
        }
        # Soft: purged pages are never served while the application answers (req.grace 0s
        # below), but stay as a last resort (grace) for when it does not.
        set req.http.x-purged = xkey.softpurge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-purged));
    }
    unset req.http.x-purged;
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);  # comment POSTs, the admin's forms, every write
    }
    if (req.http.Authorization) {
        return (pass);
    }
    if (req.url ~ "^/static/") {
        unset req.http.Cookie;  # hashed names, cached by their own headers (a year, immutable)
        return (hash);
    }
    if (req.url ~ "^/(admin|comments|search)(/|$)" && req.url !~ "^/comments/feed/") {
        return (pass);  # personal or never stored by the application either (config/page_cache.py)
    }
    # Signed in, a message waiting, or a held comment of one's own: personal pages.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages|comments_pending)=") {
        return (pass);
    }
    if (req.url ~ "[?&]p=") {
        return (pass);  # /?p=ID, an old WordPress link (blog/legacy.py), answered by a redirect
    }
    # Other cookies (analytics, the CSRF cookie of an old visit) say nothing personal to a
    # public page: the application ignores them, so does the cache.
    unset req.http.Cookie;
    # The page's address as the application keys it: only ?page= and ?cpage= matter, every
    # other parameter (utm_*, fbclid, gclid, ...) is dropped before the lookup.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url, "([?&])(?!(?:page|cpage)=)[^&#]*", "\1");
        set req.url = regsuball(req.url, "&{2,}", "&");
        set req.url = regsub(req.url, "\?&", "?");
        set req.url = regsub(req.url, "[?&]+$", "");
        set req.url = std.querysort(req.url);
    }
    # While the application answers, nothing stale is served (a purge is exact); when it does
    # not (probe failed, or a fetch just failed: vcl_deliver restarts), grace serves the last copy.
    if (std.healthy(req.backend_hint) && !req.http.x-stale-ok) {
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_hash {
    # http and https are two pages (the http one is a redirect, never stored): never mixed up.
    if (req.http.X-Forwarded-Proto) {
        hash_data(req.http.X-Forwarded-Proto);
    }
}

sub vcl_backend_response {
    if (bereq.url ~ "^/static/") {
        return (deliver);
    }
    # Stored only when the application marked it shareable (its xkey header).
    if (!beresp.http.xkey || beresp.status != 200 || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    set beresp.grace = 6h;  # how long a page may be served stale while the application is down
    set beresp.keep = 1h;
    # TTL: the application's s-maxage (Varnish reads it); nothing else to do.
}

sub vcl_backend_error {
    # A background refresh that failed keeps the stale copy.
    if (bereq.is_bgfetch) {
        return (abandon);
    }
}

sub vcl_deliver {
    if (resp.status >= 500 && req.restarts == 0 && (req.method == "GET" || req.method == "HEAD")
        && !req.http.x-stale-ok) {
        set req.http.x-stale-ok = "1";
        return (restart);  # once more, allowed to use grace: the last copy if there is one
    }
    unset resp.http.xkey;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "pass";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}

sub vcl_synth {
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    synthetic(resp.reason);
    return (deliver);
}
