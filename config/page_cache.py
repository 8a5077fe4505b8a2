"""A lean path for anonymous readers: whole public pages from the cache, dropped by key.

Placed before the session and auth middleware (and before the CSP middleware: the stored
headers include the policy), so a cache hit costs no database query. Only requests that carry
nothing personal are served from or stored in the cache: GET/HEAD, no session cookie
(logged-in users and readers with a held comment or a message in their session have one), no
messages cookie. Only 200 responses without Set-Cookie and without a private/no-store
Cache-Control are stored, so a page rendered for a logged-in user or a draft preview is never
stored. Pages are keyed by scheme, host, path and the paging parameters only (so ?utm_... does
not fill the cache; deploy/varnish/blog.vcl strips the same).

While a page renders it collects the keys of what it shows (blog.cache_keys: the posts, their
comments, the lists); it is stored with each key's token and is a hit only while none of them
was purged, so a comment on one post drops that post's page and the pages counting its
comments, nothing else. A page lives a day at most, or until the next scheduled post goes live.
The stored page is gzip-compressed (it holds no secret: no CSRF token, no personal data, so
BREACH has nothing to find) and sent compressed to clients that accept gzip (`Vary:
Accept-Encoding`); pages that are not stored are never compressed. Its ETag is a hash of its
bytes (one per page); a matching If-None-Match gets a 304. Responses that may be stored carry
their keys in an `xkey` header and `s-maxage` for the HTTP cache in front (Varnish, xkey vmod);
a page that cannot be stored (its render overlapped a purge of its keys) carries none.

Each process also keeps the pages it served most recently in memory (LocalPages, at most
PAGE_CACHE_LOCAL_BYTES): a hit then needs only the tokens, which blog.cache_keys remembers for
PAGE_CACHE_GENERATION_RECHECK seconds (a 150 KB post page from Redis cost a third of a hit's
time).

Responses to requests with a session (signed-in users) get `Cache-Control: private` (issue
18): a shared cache must never keep a page rendered for a person.
"""

import gzip
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from blog import cache_keys

CACHED_PREFIXES_EXCLUDED = ("/admin/", "/comments/", "/search/", "/static/")
# Public feeds of comments (they register cache_keys.COMMENTS_FEED and the posts' comments keys).
CACHED_FEEDS_UNDER_COMMENTS = "/comments/feed/"
KEY_PARAMS = ("page", "cpage")  # short numbers only: see is_cacheable_request
# A page number as our links write it ("1" ... "99999"; not "01", "١" or "²", which int()
# and str.isdigit() accept): one stored copy per real page.
STORED_NUMBER = re.compile(r"[1-9][0-9]{0,4}")
GZIP_LEVEL = 6
logger = logging.getLogger(__name__)

# A stored page: (tokens {key: token}, expires (time.time()), status, headers, gzipped body).
BODY = -1


class LocalPages:
    """A size-bounded, least-recently-used map of key -> stored page, for one process."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.size = 0
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key, page):
        size = len(page[BODY])
        if size > self.max_bytes:
            return
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= len(old[BODY])
            self.pages[key] = page
            self.size += size
            while self.size > self.max_bytes:
                _, dropped = self.pages.popitem(last=False)
                self.size -= len(dropped[BODY])

    def drop(self, key):
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= len(old[BODY])

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.size = 0


local_pages = LocalPages(getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024))
# The uncompressed bodies of pages lately sent to clients that do not take gzip: key ->
# (ETag, body), so such a hit is not a decompression each time (0.25 ms for a 240 KB page).
local_plain = LocalPages(getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024) // 2)


def is_cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(CACHED_PREFIXES_EXCLUDED) and not request.path.startswith(CACHED_FEEDS_UNDER_COMMENTS):
        return False
    if "p" in request.GET:  # /?p=ID: an old WordPress link (blog.legacy), rare and never stored
        return False
    for name in KEY_PARAMS:  # arbitrary values must not fill the cache with copies of a page
        value = request.GET.get(name)
        if value is not None and not STORED_NUMBER.fullmatch(value):
            return False
    cookies = request.COOKIES
    # A session (signed in), a message, or held comments of one's own (comments.views): personal.
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies or "comments_pending" in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def _key(request):
    params = "&".join(f"{name}={request.GET.get(name)}" for name in KEY_PARAMS if name in request.GET)
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{params}"
    return f"page:{hashlib.sha256(raw.encode()).hexdigest()}"


def _storable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # A view that showed another page than the one asked for (?cpage=99999 shows the last
    # page of comments) says so: that copy is not stored under the number asked for.
    if getattr(request, "page_cache_store", True) is False:
        return False
    if response.has_header("Content-Encoding"):
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def accepts_gzip(request):
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower()


def _plain(key, stored):
    etag = stored[3]["ETag"]
    kept = local_plain.get(key)
    if kept is not None and kept[0] == etag:
        return kept[BODY]
    body = gzip.decompress(stored[BODY])
    local_plain.put(key, (etag, body))
    return body


def _send(request, key, stored, state):
    _, _, status, headers, body = stored
    if accepts_gzip(request):
        response = HttpResponse(body, status=status, headers=headers)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(_plain(key, stored), status=status, headers=headers)
    response["Content-Length"] = str(len(response.content))
    response["X-Page-Cache"] = state
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _private_for_people(request, response):
    """A response to a request with a session (a signed-in user, a reader with a held comment)
    is for that person only: never kept by a shared cache. Read from the cookie, not the
    session: no query (the database may be what failed)."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or getattr(response, "cookies", {}).get(
        settings.SESSION_COOKIE_NAME
    ):
        control = response.get("Cache-Control", "")
        if "private" not in control and "no-store" not in control:
            patch_cache_control(response, private=True)
    return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return _private_for_people(request, self.get_response(request))
        key = _key(request)
        try:
            stored = local_pages.get(key)
            if stored is None or not self._fresh(stored):
                stored = cache.get(key)
                if stored is not None and self._fresh(stored):
                    local_pages.put(key, stored)
                else:
                    stored = None
        except Exception:  # noqa: BLE001 - a broken cache must not break the site
            return self.get_response(request)
        if stored is not None:
            return _send(request, key, stored, "hit")
        started = time.time()
        with cache_keys.collecting() as keys:
            response = self.get_response(request)
        if not _storable(request, response):
            return _private_for_people(request, response)
        try:
            return self._store(request, response, key, keys, started)
        except Exception as error:  # noqa: BLE001 - a broken cache must not break the site
            logger.warning("page cache: could not store %s: %s", request.path, error)
            return response

    @staticmethod
    def _fresh(stored):
        return stored[1] > time.time() and cache_keys.still_valid(stored[0])

    def _store(self, request, response, key, keys, started):
        content = response.content  # one string, however it was written
        response["ETag"] = f'W/"{hashlib.sha1(content, usedforsecurity=False).hexdigest()[:20]}"'
        patch_vary_headers(response, ["Accept-Encoding"])
        found = cache_keys.tokens(sorted(keys))
        if cache_keys.purged_since(found, started):  # may show what a purge replaced: send only
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            return get_conditional_response(request, etag=response["ETag"], response=response)
        lifetime = cache_keys.seconds_to_live()
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True, s_maxage=int(lifetime))
        response["xkey"] = " ".join(sorted(keys))
        headers = {name: value for name, value in response.items() if name.lower() != "content-length"}
        page = (
            found,
            time.time() + lifetime,
            response.status_code,
            headers,
            gzip.compress(content, GZIP_LEVEL, mtime=0),
        )
        local_pages.put(key, page)
        local_plain.put(key, (response["ETag"], content))
        cache.set(key, page, max(1, int(lifetime) + 1))
        if accepts_gzip(request):
            response.content = page[BODY]
            response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(page[BODY]))
        response["X-Page-Cache"] = "miss"
        return get_conditional_response(request, etag=response["ETag"], response=response)
