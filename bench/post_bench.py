"""Posting a comment, side by side: this blog against WordPress 6.1, on this machine.

Run: .venv/bin/python bench/post_bench.py   (from the project root, as root; 5-6 minutes, the first
     time a minute more for apt-get)
     --keep: leave the databases and the run directory (logs, WordPress copy) in place.
     --only ours: skip WordPress (the exit status is then 0 when ours ran).
     --worktree: measure our working tree as it is at the start (default: the HEAD commit).
     Our code is measured from a snapshot in the run directory (`git archive HEAD`, or a copy of
     the working tree), so commits and edits made in the checkout meanwhile do not change the
     code, or its migrations, halfway through a run; the report names the commit.

Checks the target "posting costs less than WordPress's". Markdown on stdout, progress on stderr.
Exit status 0 when both sides ran, 1 when one could not (the other is still measured and
printed), 2 when nothing could run.

What each side runs (the same machine, 2 cores here; the same client, the same load)
---------------------------------------------------------------------------------------
ours       gunicorn with config/gunicorn.conf.py and GUNICORN_WORKERS=5 (5 sync workers, the
           app preloaded), the settings `make serve` runs with (DEBUG off, hashed static files)
           as bench/load_bench.py starts them: PostgreSQL 15 on 127.0.0.1 (its own database
           `post_bench`, created and dropped here), Redis db 7 as cache (page cache, rate-limit
           counters; emptied before and after), mail as tasks in the database queue
           (DJANGO_TASKS_BACKEND=django_tasks_db.DatabaseBackend, as in production; no
           db_worker runs, so no mail is sent), https redirect off (plain http locally).
           Clients talk to gunicorn directly (no proxy in front).
WordPress  Debian 12's `wordpress` package (6.1.x), its files copied to a private document root
           with bench/wordpress/wp-config.php (Debian's own wp-config.php reads
           /etc/wordpress/config-<host>.php: nothing under /etc is written); php-fpm 8.2 with
           Debian's production php.ini (OPcache on) and the pool bench/wordpress/php-fpm.conf
           (`pm = static`, `pm.max_children = 5`); nginx (bench/wordpress/nginx.conf, its own
           port, the usual WordPress site: *.php to php-fpm over a unix socket; Debian's
           FastCGI parameters but for HTTP_HOST, which Debian's security update sets to $host,
           without the port: WordPress on port != 80 then redirects to itself forever). MariaDB 10.11
           on 127.0.0.1 (its own database `post_bench_wp`, created and dropped here), no
           persistent object cache (WordPress's default), the twentytwentythree theme (6.1's
           default). Installed by bench/wordpress/setup.php calling wp_install() (what
           wp-admin/install.php does), default options, pretty permalinks. WP-Cron off
           (DISABLE_WP_CRON, with a system cron in production) and external HTTP blocked (no
           internet here): neither takes part in posting a comment. WordPress mails the post's
           author (new published comment) and the admin (held comment) inside the request
           through PHP's mail(); the pool's sendmail_path pipes it to `cat >/dev/null` (this
           machine has no MTA): WordPress still builds the mail and forks the pipe.
           The packages are installed with apt-get by this script when missing and when run as
           root (no service is started by the install: policy-rc.d).

Data (not timed), the same on both sides: one published post with the body of the demo blog's
first post and 1,000 published threaded comments (250 comments with 3 replies each, from
"Reader n" <readern@example.com> and "Replier k"; ours with tests.factories.bulk_thread, the
seeder bench/load_bench.py uses; WordPress with wp_insert_comment()). Ours also has the demo
blog (seed_demo); WordPress its "Hello world!" post.

The client (Python threads, http.client, a new connection per request, as bench/load_bench.py)
------------------------------------------------------------------------------------------------
A comment is posted through the real public form: GET the post's page, read the form's
fields from it (ours: the signed hidden fields of the comment form; WordPress:
comment_post_ID and comment_parent), POST them with name, email, empty url and the text
(ours: to /comments/post/ with an Origin header, exactly as bench/load_bench.py's posters
do; WordPress: to wp-comments-post.php). Every comment's text is unique. Every second comment
is from a reader with published comments ("Reader k" <readerk@example.com>, published at once
on both sides: ours' first-comment rule and WordPress's comment_previously_approved both let
them through), the others from a new, unique email (held for moderation on both sides: first
comment). Every third comment is a reply to one of the 1,000 seeded comments.

1. Sequential: 5 warm-up comments, then 60, one at a time; the POST's latency (client-side:
   connect, send, whole response) gives p50 and p90, also per outcome (published / held);
   "server" is the POST's time in the server's access log (gunicorn; nginx's $request_time).
2. 10 concurrent posters for 30 s, two ways:
   page + POST: each poster loops GET page, read form, POST (a reader's whole visit). Ours
   shows the newest page of 50 threads and serves it from the page cache until a published
   comment renews it; WordPress renders the page every time, with all its comments
   (page_comments is off by default: some 1.7 MB and 2 s of PHP for this post), so this run
   mostly measures WordPress's page, not its posting.
   POST only: each poster reads the form once, before the clock starts, then POSTs comment
   after comment (ours' signed fields stay valid for 2 hours; WordPress's form has no
   per-page token). This isolates the cost of posting.
   accepted/s = comments stored in the database during the run (rows counted before and
   after, published or held) / elapsed time (until the last poster's last answer); refused =
   HTTP 4xx answers, errors = 5xx and connection failures.
   server CPU ms per comment = user + system CPU time of the side's processes during the run
   (from /proc, sampled 4 times a second) / comments stored: app (gunicorn's workers; nginx and
   php-fpm) and db (the PostgreSQL backends connected to post_bench, plus redis-server;
   mariadbd, all its threads, background ones included; PostgreSQL's WAL writer and
   checkpointer are shared with other databases and left out). This machine is shared with
   other work (test suites, browsers): latencies and rates move with its load (the load
   average is printed for each run), CPU per comment less (still some 20% between runs, for
   both sides alike: compare the sides within one run).

Queries per POST: ours, Django's CaptureQueriesContext around one POST through the test client
(`manage.py shell`, the same settings and database, after a warm-up POST; the test client skips
only the Origin check, which runs no query; transaction statements, BEGIN, COMMIT and
savepoints, are left out and shown apart in the raw figures); WordPress,
$wpdb->num_queries at wp-comments-post.php's redirect, sent as X-Bench-Queries by the
mu-plugin (median over the sequential POSTs). pg_stat_statements is not loaded on this
machine's PostgreSQL (shared_preload_libraries is empty), so no server-side count for ours.

Neutralised for the bench only, the same way on both sides
----------------------------------------------------------
Anti-flood: every comment comes from 127.0.0.1. WordPress refuses a comment from the same
address or email less than 15 s after the last one (429): bench/wordpress/mu-plugins/ post-
bench.php removes wp_throttle_comment_flood from 'comment_flood_filter', so
wp_check_comment_flood()'s lookup query still runs but never refuses. Ours refuses more than
COMMENTS_RATE_LIMIT comments per address per 10 minutes (429): set to 1,000,000 through the
environment, so its Redis counter still runs but never refuses. (bench/load_bench.py keeps the
default limit and spreads its posters over X-Forwarded-For addresses with
COMMENTS_TRUSTED_PROXIES=127.0.0.1; here the limit is raised instead, since WordPress has no trusted-
proxy setting to mirror that.) Ours also holds a form sent within COMMENTS_MIN_SECONDS of its
page (a bot's); the posters send at once, so that rule is off (0). Duplicates: both refuse the
same text twice (ours from the same email on the same post within a day, WordPress from the
same author on the same post); every text is unique, so both run their duplicate query and
never refuse. Nothing else is changed: first-comment holding, link and word rules,
notifications stay as shipped.

Why it is fair: the same machine, client, post, thread, comment mix and worker count (5 processes
each, one request at a time per process); both databases local, durable (PostgreSQL
synchronous_commit on; InnoDB flush_log_at_trx_commit = 1), reached over TCP; both sides keep
the cost of their flood and duplicate checks. Differences that remain, each against one side:
WordPress's requests pass through nginx (one more local hop; ours has no proxy in front here,
production would have one), WordPress sends its notices inside the request (ours queues them),
ours keeps a page cache in Redis (WordPress has none by default). The sides run one after the
other in each phase (ours, then WordPress), the other side idle.
"""

import argparse
import contextlib
import glob
import http.client
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "wordpress"
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python" if (BIN / "python").exists() else Path(sys.executable)
GUNICORN = BIN / "gunicorn" if (BIN / "gunicorn").exists() else Path(sys.executable).with_name("gunicorn")

PG_DATABASE = "post_bench"
PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_DSN = f"host=127.0.0.1 port=5432 user=postgres dbname={PG_DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/7"
MARIADB_DATABASE = "post_bench_wp"
MARIADB = ["mysql", "--protocol=TCP", "-h", "127.0.0.1", "-P", "3306", "-u", "root", "-N", "-B"]

WORKERS = 5
ROOTS, REPLIES_PER_ROOT = 250, 3  # 1,000 comments
WARMUP_POSTS = 5
SEQUENTIAL_POSTS = 60
POSTERS = 10
CONCURRENT_SECONDS = 30
REPLY_EVERY = 3
RATE_LIMIT = 1_000_000
HTTP_TIMEOUT = 60

WORDPRESS_SRC = Path("/usr/share/wordpress")
APT_PACKAGES = ["nginx", "php-fpm", "php", "php-mysql", "wordpress", "wordpress-theme-twentytwentythree"]

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
WP_HIDDEN = re.compile(
    r"""<input type=['"]hidden['"] name=['"](comment_post_ID|comment_parent)['"] value=['"](\d+)['"]"""
)
ERROR_NOTICE = re.compile(r'<p class="notice notice-error" role="alert">(.*?)</p>', re.S)
WP_DIE = re.compile(r'<div class="wp-die-message">(.*?)</div>', re.S)
TOKEN = re.compile(r"\[pb (\w+)\]")
GUNICORN_ACCESS = re.compile(r'"(GET|POST|HEAD) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+)ms')
NGINX_ACCESS = re.compile(r'"(GET|POST|HEAD) (\S+) HTTP/[\d.]+" (\d{3}) \d+ ([\d.]+) ')

PREPARE = """
import json
from blog.models import Post, Tag, Theme
from tests.factories import PostFactory, bulk_thread

theme = Theme.objects.order_by("pk").first()
tag = Tag.objects.order_by("pk").first()
source = Post.objects.published().order_by("pk").first()
post = PostFactory(title="A post with 1,000 comments", theme=theme, tags=[tag], body=source.body)
roots, replies = bulk_thread(post, @@ROOTS@@, replies_per_root=@@REPLIES@@)
post.refresh_from_db()
print("RESULT " + json.dumps({
    "url": post.get_absolute_url(),
    "title": post.title,
    "body_html": post.body_html,
    "comment_ids": [c.pk for c in [*roots, *replies]],
}))
""".replace("@@ROOTS@@", str(ROOTS)).replace("@@REPLIES@@", str(REPLIES_PER_ROOT))

# Queries of one POST through the test client: a warm-up of each kind, then one of each counted.
COUNT_QUERIES = """
import json, re, secrets
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

HIDDEN = re.compile(r'<input type="hidden" name="(\\w+)" value="([^"]*)"')
url = @@URL@@

def one(email, name, counted):
    client = Client(HTTP_HOST="127.0.0.1")
    page = client.get(url).content.decode()
    form = page.split('class="comment-form"', 1)[1].split("</form>", 1)[0]
    fields = dict(HIDDEN.findall(form))
    fields.update(name=name, email=email, url="", honeypot="", post="post",
                  comment=f"Counting queries, one comment [pb q{secrets.token_hex(6)}]")
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/comments/post/", fields, HTTP_ORIGIN="http://127.0.0.1")
    assert response.status_code == 302, (response.status_code, response.content[:500])
    sqls = [query["sql"].strip().upper() for query in queries.captured_queries]
    control = sum(1 for sql in sqls if sql.split(" ", 1)[0] in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"))
    return [len(sqls) - control, control]

result = {}
for kind, email, name in (("published", "reader7@example.com", "Reader 7"),
                          ("held", None, "New reader")):
    counts = [one(email or f"count-{secrets.token_hex(4)}@example.org", name, n) for n in range(3)]
    result[kind] = counts
print("RESULT " + json.dumps(result))
"""


from benchlib import log, percentile  # noqa: E402 - bench/ is the scripts' own path


class BenchError(Exception):
    """A side could not run: reported, the script exits non-zero."""


def fmt(value, digits=1):
    return "n/a" if value is None or value != value else f"{value:.{digits}f}"  # noqa: PLR0124 - NaN


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(template, **values):
    text = Path(template).read_text()
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", str(value))
    left = re.findall(r"@@\w+@@", text)
    if left:
        raise BenchError(f"{template}: unfilled {sorted(set(left))}")
    return text


def wait_http(url, process, describe, timeout=60):
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{describe} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
                last = f"status {response.status}"
        except urllib.error.HTTPError as error:
            last = f"status {error.code}: {error.read()[:300]!r}"
        except (OSError, http.client.HTTPException) as error:
            last = str(error)
        time.sleep(0.25)
    raise BenchError(f"{describe} did not answer {url} with 200 within {timeout} s ({last})")


class Managed:
    """A server process in its own process group, its output in a file; stop() ends the group."""

    def __init__(self, name, command, log_path, **popen):
        self.name = name
        self.log_path = Path(log_path)
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True, **popen
        )

    def poll(self):
        return self.process.poll()

    @property
    def returncode(self):
        return self.process.returncode

    def stop(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        # Children left in the group (php-fpm or nginx workers, gunicorn workers) go too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log_file.close()

    def tail(self, chars=2000):
        self.log_file.flush()
        return self.log_path.read_text(errors="replace")[-chars:]


# HTTP client ----------------------------------------------------------------------------


def request(port, method, path, body=None, headers=None):
    """(status, headers, text, ms): a new connection per request, the whole response read."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        ms = (time.perf_counter() - started) * 1000
        return response.status, dict(response.getheaders()), data.decode(errors="replace"), ms
    finally:
        conn.close()


class Commenter:
    """The comments a side's posters write: unique text, alternately known and new readers."""

    def __init__(self, side, run_tag, seed_ids):
        self.side = side
        self.run_tag = run_tag
        self.seed_ids = seed_ids

    def comment(self, poster, n, rng):
        """(token, name, email, text, parent id or None) of poster's n-th comment."""
        token = f"{self.side}{self.run_tag}p{poster}n{n}x{secrets.token_hex(3)}"
        if n % 2 == 0:
            k = rng.randrange(ROOTS)
            name, email = f"Reader {k}", f"reader{k}@example.com"
        else:
            name, email = f"New reader {poster}-{n}", f"new-{token}@example.org"
        text = f"Bench comment {n} from poster {poster}: thanks for this post. [pb {token}]"
        parent = rng.choice(self.seed_ids) if n % REPLY_EVERY == REPLY_EVERY - 1 else None
        return token, name, email, text, parent


# The two sides ----------------------------------------------------------------------------


class Side:
    label = ""
    port = 0

    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def read_form(self, page):
        raise NotImplementedError

    def post_fields(self, form, name, email, text, parent):
        raise NotImplementedError

    post_path = ""

    def get_form(self):
        """(form fields, GET ms, page bytes, X-Page-Cache header or "-")."""
        status, headers, page, ms = request(self.port, "GET", self.page_path, headers={"User-Agent": "post_bench"})
        if status != 200:
            raise ValueError(f"GET {self.page_path} answered {status}")
        return self.read_form(page), ms, len(page.encode()), headers.get("X-Page-Cache", "-")

    def submit(self, form, name, email, text, parent):
        body = urlencode(self.post_fields(form, name, email, text, parent))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.base(),
            "User-Agent": "post_bench",
        }
        return request(self.port, "POST", self.post_path, body, headers)

    def accepted_answer(self, status, headers):
        return status == 302

    def refusal_text(self, page):
        return page[:150]


class Ours(Side):
    label = "ours (Django, gunicorn 5 workers, PostgreSQL + Redis)"
    short = "ours"
    post_path = "/comments/post/"

    def __init__(self, run_dir, code_dir):
        self.run_dir = run_dir
        self.code_dir = code_dir
        self.server = None
        self.static_root = run_dir / "ours-static"
        self.static_root.mkdir()
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}",
            "REDIS_URL": REDIS_URL,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_MANIFEST": "1",
            "DJANGO_STATIC_ROOT": str(self.static_root),
            "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "DJANGO_LOG_LEVEL": "WARNING",
            "GUNICORN_LOG_LEVEL": "warning",
            "GUNICORN_WORKERS": str(WORKERS),
            "COMMENTS_RATE_LIMIT": str(RATE_LIMIT),
            # The posters send a form the moment they read it, which the rules hold as a bot's
            # (COMMENTS_MIN_SECONDS); WordPress has no such rule: off, so the mix stays half
            # published, half held, as on WordPress.
            "COMMENTS_MIN_SECONDS": "0",
        }
        for name in ("COMMENTS_TRUSTED_PROXIES", "GUNICORN_MAX_REQUESTS", "DJANGO_CONN_MAX_AGE"):
            self.env.pop(name, None)

    # setup and teardown
    def manage(self, *args):
        result = subprocess.run(
            [str(PYTHON), "manage.py", *args],
            cwd=self.code_dir,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise BenchError(f"manage.py {args[0]} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
        return result.stdout

    def setup(self):
        if not GUNICORN.exists():
            raise BenchError(f"gunicorn not found at {GUNICORN} (make install)")
        log(f"ours: PostgreSQL database {PG_DATABASE}, Redis {REDIS_URL}")
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DATABASE}")
        self.flush_redis()
        for args in (("migrate", "--no-input"), ("seed_demo",), ("collectstatic", "--no-input")):
            log(f"ours: manage.py {' '.join(args)}")
            self.manage(*args)
        log(f"ours: the post with {ROOTS * (1 + REPLIES_PER_ROOT)} comments")
        out = self.manage("shell", "-c", PREPARE)
        line = next((line for line in out.splitlines() if line.startswith("RESULT ")), None)
        if line is None:
            raise BenchError(f"ours: the data preparation printed no result:\n{out[-2000:]}")
        self.data = json.loads(line.removeprefix("RESULT "))
        self.page_path = self.data["url"]
        self.seed_ids = self.data["comment_ids"]
        self.flush_redis()  # gunicorn starts with a cold page cache
        self.port = free_port()
        self.server = Managed(
            "gunicorn",
            [str(GUNICORN), "config.wsgi", "-c", "config/gunicorn.conf.py"],
            self.run_dir / "gunicorn.log",
            cwd=self.code_dir,
            env={**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"},
        )
        try:
            wait_http(self.base() + self.page_path, self.server, "gunicorn")
        except BenchError as error:
            raise BenchError(f"{error}\n{self.server.tail()}") from None
        self.versions = self.describe()

    def describe(self):
        out = subprocess.run(
            [str(PYTHON), "-c", "import django, gunicorn; print(django.get_version(), gunicorn.__version__)"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        pg = self.query("SELECT current_setting('server_version'), current_setting('synchronous_commit')")[0]
        return (
            f"Django {out[0] if out else '?'}, gunicorn {out[1] if len(out) > 1 else '?'} ({WORKERS} sync workers), "
            f"PostgreSQL {pg[0]} (synchronous_commit {pg[1]}), Redis"
        )

    def flush_redis(self):
        client = redis.Redis.from_url(REDIS_URL)
        try:
            client.flushdb()  # database 7 only
        finally:
            client.close()

    def stop(self):
        if self.server:
            self.server.stop()
            self.server = None

    def drop(self):
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        self.flush_redis()

    # the form
    def read_form(self, page):
        form = page.split('class="comment-form"', 1)[1].split("</form>", 1)[0]
        return dict(HIDDEN.findall(form))

    def post_fields(self, form, name, email, text, parent):
        fields = dict(form)
        if parent:
            fields["reply_to"] = str(parent)
        fields.update(name=name, email=email, url="", comment=text, honeypot="", post="post")
        return fields

    def accepted_answer(self, status, headers):
        return status == 302 and headers.get("Location", "").startswith(self.page_path)

    def refusal_text(self, page):
        found = ERROR_NOTICE.search(page)
        return found.group(1).strip() if found else page[:150]

    # the database
    def query(self, sql, params=()):
        with psycopg.connect(PG_DSN) as conn:
            return conn.execute(sql, params).fetchall()

    def max_comment_id(self):
        return self.query("SELECT coalesce(max(id), 0) FROM django_comments")[0][0]

    def stored_since(self, max_id):
        """{token: state} of the comments stored after max_id (no moderation row: 'none')."""
        rows = self.query(
            "SELECT c.comment, coalesce(m.state, 'none') FROM django_comments c "
            "LEFT JOIN comments_moderation m ON m.comment_id = c.id WHERE c.id > %s",
            (max_id,),
        )
        return {(TOKEN.search(text) or [None, f"untagged{i}"])[1]: state for i, (text, state) in enumerate(rows)}

    # the server
    def log_offset(self):
        self.server.log_file.flush()
        return self.server.log_path.stat().st_size

    def server_post_ms(self, offset):
        self.server.log_file.flush()
        with open(self.server.log_path, "rb") as file:
            file.seek(offset)
            text = file.read().decode(errors="replace")
        return [int(ms) for method, path, _, ms in GUNICORN_ACCESS.findall(text) if method == "POST"]

    def problems(self):
        self.server.log_file.flush()
        text = self.server.log_path.read_text(errors="replace")
        return [line for line in text.splitlines() if re.search(r"\bERROR\b|CRITICAL|Traceback", line)]

    def cpu_pids(self, procs, state):
        if "pg" not in state:
            state["pg"] = psycopg.connect(PG_ADMIN_DSN, autocommit=True)  # on `postgres`: not counted
        rows = state["pg"].execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (PG_DATABASE,))
        backends = {row[0] for row in rows}
        group = self.server.process.pid
        return {
            "app": {pid for pid, (pgrp, _, _) in procs.items() if pgrp == group},
            "db": backends | {pid for pid, (_, name, _) in procs.items() if name == "redis-server"},
        }

    def queries_per_post(self, _sequential):
        out = self.manage("shell", "-c", COUNT_QUERIES.replace("@@URL@@", repr(self.page_path)))
        line = next((line for line in out.splitlines() if line.startswith("RESULT ")), None)
        if line is None:
            raise BenchError(f"ours: the query count printed no result:\n{out[-2000:]}")
        counts = json.loads(line.removeprefix("RESULT "))
        # The first POST of each kind warms the shell process (content types, site); the others count.
        queries = {
            kind: statistics.median(statements for statements, _ in values[1:]) for kind, values in counts.items()
        }
        detail = {
            kind: [f"{statements} + {control} transaction statements" for statements, control in values]
            for kind, values in counts.items()
        }
        return queries, detail


class WordPress(Side):
    label = "WordPress (nginx, php-fpm 5 workers, MariaDB)"
    short = "WordPress"
    post_path = "/wp-comments-post.php"

    def __init__(self, run_dir):
        self.run_dir = run_dir
        self.docroot = run_dir / "wordpress"
        self.socket = run_dir / "php-fpm.sock"
        self.fpm = None
        self.nginx = None
        self.created_db = False

    # setup and teardown
    @staticmethod
    def missing_packages():
        missing = []
        for package in APT_PACKAGES:
            result = subprocess.run(
                ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
            )
            if "install ok installed" not in result.stdout:
                missing.append(package)
        return missing

    def install_packages(self):
        missing = self.missing_packages()
        if not missing:
            return
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            raise BenchError(
                f"Debian packages missing: {' '.join(missing)}; run as root (installed then) or "
                f"apt-get install --no-install-recommends {' '.join(APT_PACKAGES)}"
            )
        log(f"WordPress: apt-get install {' '.join(APT_PACKAGES)}")
        # No service may start on install (the system nginx would take port 80): a temporary
        # policy-rc.d when the machine has none (Docker images have one already).
        policy = Path("/usr/sbin/policy-rc.d")
        made_policy = not policy.exists()
        if made_policy:
            policy.write_text("#!/bin/sh\n# post_bench.py: no service starts during its apt-get install\nexit 101\n")
            policy.chmod(0o755)
        try:
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            for command in (
                ["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *APT_PACKAGES],
            ):
                result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
                if result.returncode:
                    raise BenchError(f"{' '.join(command)} failed:\n{result.stdout[-1500:]}{result.stderr[-1500:]}")
        finally:
            if made_policy:
                policy.unlink(missing_ok=True)

    def mariadb(self, sql, database=None):
        command = [*MARIADB, *([database] if database else []), "-e", sql]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode:
            raise BenchError(f"mysql failed ({sql[:80]}): {result.stderr.strip()}")
        return [line.split("\t") for line in result.stdout.splitlines()]

    def setup(self, ours_data):
        self.install_packages()
        fpm_binaries = sorted(glob.glob("/usr/sbin/php-fpm[0-9]*"))
        for needed in (shutil.which("nginx"), shutil.which("php"), shutil.which("mysql"), *fpm_binaries[-1:]):
            if not needed:
                raise BenchError("nginx, php, php-fpm or the mysql client is missing after the install")
        if not fpm_binaries:
            raise BenchError("no /usr/sbin/php-fpm* binary")
        if not (WORDPRESS_SRC / "wp-comments-post.php").exists():
            raise BenchError(f"{WORDPRESS_SRC} has no WordPress")
        self.fpm_binary = fpm_binaries[-1]
        log(f"WordPress: MariaDB database {MARIADB_DATABASE}")
        self.mariadb(
            f"DROP DATABASE IF EXISTS {MARIADB_DATABASE}; "
            f"CREATE DATABASE {MARIADB_DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci"
        )
        self.created_db = True
        self.port = free_port()
        # A private copy of Debian's WordPress, with our wp-config.php and mu-plugin.
        shutil.copytree(WORDPRESS_SRC, self.docroot, symlinks=True)
        (self.docroot / "wp-config.php").unlink()
        (self.docroot / "wp-config.php").write_text(
            fill(
                HERE / "wp-config.php",
                DB_NAME=MARIADB_DATABASE,
                DB_USER="root",
                DB_PASSWORD="",
                DB_HOST="127.0.0.1:3306",
                URL=self.base(),
                **{f"KEY_{n}": secrets.token_urlsafe(48) for n in range(1, 9)},
            )
        )
        mu = self.docroot / "wp-content" / "mu-plugins"
        mu.mkdir(parents=True, exist_ok=True)
        shutil.copy(HERE / "mu-plugins" / "post-bench.php", mu / "post-bench.php")
        log("WordPress: wp_install(), the post and its comments (bench/wordpress/setup.php)")
        spec = self.run_dir / "wp-spec.json"
        spec.write_text(
            json.dumps(
                {
                    "title": ours_data["title"],
                    "content": ours_data["body_html"],
                    "roots": ROOTS,
                    "replies_per_root": REPLIES_PER_ROOT,
                }
            )
        )
        result = subprocess.run(
            [
                "php",
                "-d",
                "sendmail_path=/bin/cat > /dev/null",
                "-d",
                "memory_limit=512M",
                str(HERE / "setup.php"),
                str(self.docroot),
                str(spec),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        line = next((line for line in result.stdout.splitlines() if line.startswith("RESULT ")), None)
        if result.returncode or line is None:
            raise BenchError(f"bench/wordpress/setup.php failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
        self.data = json.loads(line.removeprefix("RESULT "))
        self.page_path = urlsplit(self.data["url"]).path or "/"
        self.seed_ids = self.data["comment_ids"]
        # php-fpm, then nginx, each with its own config in the run directory.
        (self.run_dir / "nginx-tmp").mkdir()
        php_errors = self.run_dir / "php-errors.log"  # written by the pool's workers (www-data)
        php_errors.touch()
        shutil.chown(php_errors, "www-data", "www-data")
        fpm_conf = self.run_dir / "php-fpm.conf"
        fpm_conf.write_text(fill(HERE / "php-fpm.conf", RUN=self.run_dir, FPM_SOCKET=self.socket))
        nginx_conf = self.run_dir / "nginx.conf"
        nginx_conf.write_text(
            fill(HERE / "nginx.conf", RUN=self.run_dir, PORT=self.port, DOCROOT=self.docroot, FPM_SOCKET=self.socket)
        )
        test = subprocess.run(
            [self.fpm_binary, "--test", "--fpm-config", str(fpm_conf)], capture_output=True, text=True, check=False
        )
        if test.returncode:
            raise BenchError(f"php-fpm --test failed:\n{test.stdout}{test.stderr}")
        self.fpm = Managed(
            "php-fpm", [self.fpm_binary, "--nodaemonize", "--fpm-config", str(fpm_conf)], self.run_dir / "php-fpm.out"
        )
        deadline = time.monotonic() + 20
        while not self.socket.exists():
            if self.fpm.poll() is not None or time.monotonic() > deadline:
                raise BenchError(f"php-fpm did not start:\n{self.fpm.tail()}{self.log_text('php-fpm.log')}")
            time.sleep(0.1)
        nginx_command = ["nginx", "-p", str(self.run_dir), "-e", str(self.run_dir / "nginx-error.log")]
        test = subprocess.run(
            [*nginx_command, "-t", "-c", str(nginx_conf)], capture_output=True, text=True, check=False
        )
        if test.returncode:
            raise BenchError(f"nginx -t failed:\n{test.stdout}{test.stderr}")
        self.nginx = Managed("nginx", [*nginx_command, "-c", str(nginx_conf)], self.run_dir / "nginx.out")
        try:
            wait_http(self.base() + self.page_path, self.nginx, "nginx")
        except BenchError as error:
            raise BenchError(
                f"{error}\n{self.log_text('nginx-error.log')}{self.log_text('php-errors.log')}{self.fpm.tail()}"
            ) from None
        self.versions = self.describe()

    def log_text(self, name, chars=2000):
        path = self.run_dir / name
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def describe(self):
        def first_line(command):
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            return (result.stdout or result.stderr).splitlines()[0] if (result.stdout or result.stderr) else "?"

        php = first_line([self.fpm_binary, "-v"]).split(" (")[0]
        opcache = subprocess.run([self.fpm_binary, "-i"], capture_output=True, text=True, check=False).stdout
        opcache_on = re.search(r"^opcache\.enable => (\w+)", opcache, re.M)
        nginx = first_line(["nginx", "-v"]).split(": ")[-1]
        version, flush = self.mariadb("SELECT version(), @@innodb_flush_log_at_trx_commit")[0]
        return (
            f"WordPress {self.data.get('version', '?')}, {php} (OPcache {opcache_on.group(1) if opcache_on else '?'}), "
            f"{nginx}, MariaDB {version} (innodb_flush_log_at_trx_commit {flush})"
        )

    def stop(self):
        for managed in (self.nginx, self.fpm):
            if managed:
                managed.stop()
        self.nginx = self.fpm = None

    def drop(self):
        if self.created_db:
            self.mariadb(f"DROP DATABASE IF EXISTS {MARIADB_DATABASE}")

    # the form
    def read_form(self, page):
        fields = dict(WP_HIDDEN.findall(page))
        if "comment_post_ID" not in fields:
            raise ValueError("no comment form on the WordPress page")
        return fields

    def post_fields(self, form, name, email, text, parent):
        fields = dict(form)
        if parent:
            fields["comment_parent"] = str(parent)
        fields.update(author=name, email=email, url="", comment=text, submit="Post Comment")
        return fields

    def refusal_text(self, page):
        found = WP_DIE.search(page)
        return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else page[:150]

    # the database
    def max_comment_id(self):
        return int(self.mariadb("SELECT coalesce(max(comment_ID), 0) FROM wp_comments", MARIADB_DATABASE)[0][0])

    def stored_since(self, max_id):
        rows = self.mariadb(
            f"SELECT comment_approved, comment_content FROM wp_comments WHERE comment_ID > {int(max_id)}",
            MARIADB_DATABASE,
        )
        names = {"1": "published", "0": "held", "spam": "spam", "trash": "removed"}
        return {
            (TOKEN.search(text) or [None, f"untagged{i}"])[1]: names.get(state, state)
            for i, (state, text) in enumerate(rows)
        }

    # the server
    def log_offset(self):
        path = self.run_dir / "nginx-access.log"
        return path.stat().st_size if path.exists() else 0

    def server_post_ms(self, offset):
        time.sleep(0.2)  # nginx writes its access log unbuffered, but after the response
        with open(self.run_dir / "nginx-access.log", "rb") as file:
            file.seek(offset)
            text = file.read().decode(errors="replace")
        return [float(s) * 1000 for method, path, _, s in NGINX_ACCESS.findall(text) if method == "POST"]

    def problems(self):
        lines = []
        for name in ("php-errors.log", "php-fpm.log", "nginx-error.log"):
            lines += [
                line for line in self.log_text(name, 200_000).splitlines() if re.search(r"error|fatal", line, re.I)
            ]
        return lines

    def cpu_pids(self, procs, state):
        groups = {self.nginx.process.pid, self.fpm.process.pid}
        return {
            "app": {pid for pid, (pgrp, _, _) in procs.items() if pgrp in groups},
            "db": {pid for pid, (_, name, _) in procs.items() if name == "mariadbd"},
        }

    def queries_per_post(self, sequential):
        by_kind = {}
        for kind in ("published", "held"):
            values = [q for q, state in zip(sequential["queries"], sequential["states"], strict=True) if state == kind]
            by_kind[kind] = statistics.median(values) if values else None
        return by_kind, {"from X-Bench-Queries": sequential["queries"][:10]}


# Phases ---------------------------------------------------------------------------------


def sequential(side, run_tag):
    commenter = Commenter(side.short[:2].lower(), run_tag, side.seed_ids)
    rng = random.Random(1)
    before = side.max_comment_id()
    offset = None
    records = []  # (token, ms, status, queries header)
    refusals = Counter()
    gets = []  # (ms, bytes, X-Page-Cache)
    for n in range(WARMUP_POSTS + SEQUENTIAL_POSTS):
        if n == WARMUP_POSTS:
            offset = side.log_offset()
        token, name, email, text, parent = commenter.comment(0, n, rng)
        form, get_ms, size, cache = side.get_form()
        if n >= WARMUP_POSTS:
            gets.append((get_ms, size, cache))
        status, headers, page, ms = side.submit(form, name, email, text, parent)
        if not side.accepted_answer(status, headers):
            refusals[f"{status} {side.refusal_text(page)}"] += 1
        if n >= WARMUP_POSTS:
            records.append((token, ms, status, headers.get("X-Bench-Queries")))
    stored = side.stored_since(before)
    server = side.server_post_ms(offset)
    states = [stored.get(token, "not stored") for token, *_ in records]
    return {
        "ms": [ms for _, ms, _, _ in records],
        "states": states,
        "queries": [int(q) if q else None for *_, q in records],
        "server_ms": server,
        "refusals": refusals,
        "stored": sum(1 for state in states if state != "not stored"),
        "get_ms": [ms for ms, _, _ in gets],
        "page_bytes": statistics.median(size for _, size, _ in gets),
        "page_cache": Counter(cache for _, _, cache in gets),
        "load": os.getloadavg()[0],
    }


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def processes():
    """{pid: (process group, name, CPU seconds used so far)} of every process on the machine."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as file:
                raw = file.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()  # fields[0] is stat's 3rd field (state)
        found[int(entry.name)] = (int(fields[2]), name, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return found


class CpuMeter:
    """CPU time used by a side's server processes while a run lasts, sampled 4 times a second.

    Groups come from side.cpu_pids(): "app" (gunicorn's workers; nginx and php-fpm) and "db"
    (ours: the PostgreSQL backends connected to the bench database, and redis-server;
    WordPress: mariadbd, all its threads). A process's share is its last sample minus its first
    (0 for a process born during the run), so one that exits loses at most its last 0.25 s.
    """

    def __init__(self, side):
        self.side = side
        self.first, self.last = {}, {}
        self.state = {}
        self._stop = threading.Event()
        self.started = False
        self._sample()
        self.started = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _sample(self):
        procs = processes()
        for group, pids in self.side.cpu_pids(procs, self.state).items():
            for pid in pids:
                if pid not in procs:
                    continue
                key = (group, pid)
                if key not in self.first:
                    self.first[key] = 0.0 if self.started else procs[pid][2]
                self.last[key] = procs[pid][2]

    def _run(self):
        while not self._stop.wait(0.25):
            try:
                self._sample()
            except Exception as error:  # noqa: BLE001 - a failed sample must not stop the run
                log(f"cpu meter: {type(error).__name__}: {error}")

    def stop(self):
        self._stop.set()
        self.thread.join()
        self._sample()
        conn = self.state.pop("pg", None)
        if conn is not None:
            conn.close()
        totals = Counter()
        for (group, pid), last in self.last.items():
            totals[group] += last - self.first[(group, pid)]
        return {"app": totals["app"], "db": totals["db"]}


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.notes = Counter()
        self.post_ms = []
        self.get_ms = []
        self.page_cache = Counter()

    def add(self, counter, note=None, post_ms=None, get_ms=None, cache=None):
        with self.lock:
            if counter:
                self.counts[counter] += 1
            if note:
                self.notes[note] += 1
            if post_ms is not None:
                self.post_ms.append(post_ms)
            if get_ms is not None:
                self.get_ms.append(get_ms)
            if cache is not None:
                self.page_cache[cache] += 1


def poster(side, commenter, number, deadline, stats, read_every_time, form=None):
    rng = random.Random(number)
    n = 0
    while time.monotonic() < deadline:
        try:
            if form is None or read_every_time:
                form, get_ms, _, cache = side.get_form()
                stats.add(None, get_ms=get_ms, cache=cache)
            _, name, email, text, parent = commenter.comment(number, n, rng)
            status, headers, page, ms = side.submit(form, name, email, text, parent)
        except (OSError, http.client.HTTPException, ValueError, IndexError) as error:
            stats.add("errors", f"client: {type(error).__name__}: {str(error)[:120]}")
            time.sleep(0.05)
            continue
        finally:
            n += 1
        stats.add(None, post_ms=ms)
        if side.accepted_answer(status, headers):
            stats.add("302")
        elif 400 <= status < 500:
            stats.add("refused", f"{status} {side.refusal_text(page)[:150]}")
        elif status >= 500:
            stats.add("errors", f"{status} {page[:150]!r}")
        else:
            stats.add("other", f"{status} {headers.get('Location', '')[:100]}")


def concurrent(side, run_tag, read_every_time):
    commenter = Commenter(side.short[:2].lower() + ("g" if read_every_time else "p"), run_tag, side.seed_ids)
    # POST only: each poster's form is read before the clock and the CPU meter start.
    forms = [None if read_every_time else side.get_form()[0] for _ in range(POSTERS)]
    before = side.max_comment_id()
    stats = Stats()
    meter = CpuMeter(side)
    started = time.monotonic()
    deadline = started + CONCURRENT_SECONDS
    threads = [
        threading.Thread(
            target=poster, args=(side, commenter, n, deadline, stats, read_every_time, forms[n]), daemon=True
        )
        for n in range(POSTERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=CONCURRENT_SECONDS + HTTP_TIMEOUT + 30)
    elapsed = time.monotonic() - started
    cpu = meter.stop()
    stored = Counter(side.stored_since(before).values())
    total = sum(stored.values())
    return {
        "cpu": cpu,
        "cpu_ms_per_comment": {group: seconds * 1000 / total if total else None for group, seconds in cpu.items()},
        "load": os.getloadavg()[0],
        "accepted": total,
        "per_s": total / elapsed,
        "states": dict(stored),
        "elapsed": elapsed,
        "counts": stats.counts,
        "notes": stats.notes,
        "post_p50": percentile(stats.post_ms, 0.5),
        "post_p90": percentile(stats.post_ms, 0.9),
        "get_p50": percentile(stats.get_ms, 0.5) if read_every_time else None,
        "page_cache": stats.page_cache,
        "posts": len(stats.post_ms),
    }


# Report ---------------------------------------------------------------------------------


def state_p50(result, state):
    values = [ms for ms, s in zip(result["ms"], result["states"], strict=True) if s == state]
    return percentile(values, 0.5)


def cpu_text(run):
    """ "total (app + db)" CPU ms per stored comment of a concurrent run."""
    if not run or not run["accepted"]:
        return "n/a"
    app, db = run["cpu_ms_per_comment"]["app"], run["cpu_ms_per_comment"]["db"]
    return f"{app + db:.1f} ({app:.1f} + {db:.1f})"


def git(*args):
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=False)
    if result.returncode:
        raise BenchError(f"git {' '.join(args)} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def snapshot_code(code_dir, worktree):
    """Our code, frozen for the run: HEAD (git archive), or the working tree as it is now.

    Other people edit and commit in this checkout while the bench runs; a snapshot keeps the
    code under test (and its migrations) from changing halfway. Returns a description.
    """
    head = git("rev-parse", "--short", "HEAD").decode().strip()
    if not worktree:
        archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, capture_output=True, check=False)
        if archive.returncode:
            raise BenchError(f"git archive failed: {archive.stderr.decode(errors='replace')}")
        code_dir.mkdir()
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(code_dir, filter="data")
        return f"commit {head} (HEAD, from git archive; uncommitted changes in the checkout not included)"
    ignore = shutil.ignore_patterns(".git", ".venv", "node_modules", "staticfiles", "db.sqlite3", "__pycache__")
    shutil.copytree(ROOT, code_dir, ignore=ignore, symlinks=True)
    changed = [line[3:] for line in git("status", "--porcelain").decode().splitlines() if line[3:]]
    return f"the working tree at the start, commit {head}" + (
        f" with uncommitted changes in {', '.join(changed)}" if changed else " (clean)"
    )


def report(sides, results, failures, context):
    print("### Posting a comment: ours against WordPress 6.1\n")
    print(
        f"Our code: {context['code']}. Load average (1 min) before / after the run: "
        f"{context['load_before']:.2f} / {context['load_after']:.2f}.\n"
    )
    print(
        f"One post with {ROOTS * (1 + REPLIES_PER_ROOT):,} threaded comments on each side, {WORKERS} worker "
        f"processes each, databases on this machine ({os.cpu_count()} cores). Sequential: {SEQUENTIAL_POSTS} "
        f"comments one at a time after {WARMUP_POSTS} warm-up ones (POST latency seen by the client). "
        f"Concurrent: {POSTERS} posters for {CONCURRENT_SECONDS} s; accepted = rows stored in the database "
        "(published or held) per second. Half the comments from readers with published comments "
        "(published), half from new emails (held), every third a reply. Flood checks neutralised and "
        "every text unique on both sides (bench/post_bench.py's docstring says how and why).\n"
    )
    print(
        "| side | POST p50 ms | POST p90 ms | p50 published / held ms | server p50 ms | queries per POST "
        "(published / held) | accepted/s, page + POST | refused / errors | accepted/s, POST only "
        "| refused / errors | server CPU ms per comment, POST only (app + db) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for side in sides:
        r = results.get(side.short, {})
        if side.short in failures and not r.get("sequential"):
            print(f"| {side.short} | did not run: {failures[side.short][:200]} | | | | | | | | | |")
            continue
        seq = r["sequential"]
        queries = r.get("queries")
        queries_text = f"{fmt(queries.get('published'), 0)} / {fmt(queries.get('held'), 0)}" if queries else "n/a"
        cells = [
            side.short,
            fmt(percentile(seq["ms"], 0.5)),
            fmt(percentile(seq["ms"], 0.9)),
            f"{fmt(state_p50(seq, 'published'))} / {fmt(state_p50(seq, 'held'))}",
            fmt(percentile(seq["server_ms"], 0.5)),
            queries_text,
        ]
        for key in ("page", "post"):
            c = r.get(key)
            if c is None:
                cells += ["n/a", "n/a"]
            else:
                cells += [fmt(c["per_s"]), f"{c['counts']['refused']} / {c['counts']['errors']}"]
        cells.append(cpu_text(r.get("post")))
        print("| " + " | ".join(cells) + " |")

    print("\nDetails of the runs:\n")
    print(
        "| side | run | POSTs sent | answered 302 | stored | published / held / other | POST p50 / p90 ms "
        "| elapsed s | server CPU s (app / db) | CPU ms per comment (app + db) | load avg |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for side in sides:
        r = results.get(side.short, {})
        seq = r.get("sequential")
        if not seq:
            continue
        states = Counter(seq["states"])
        print(
            f"| {side.short} | sequential | {len(seq['ms'])} | {len(seq['ms']) - sum(seq['refusals'].values())} "
            f"| {seq['stored']} | {states['published']} / {states['held']} / "
            f"{seq['stored'] - states['published'] - states['held']} "
            f"| {fmt(percentile(seq['ms'], 0.5))} / {fmt(percentile(seq['ms'], 0.9))} | - | - | - "
            f"| {seq['load']:.2f} |"
        )
        for key, name in (("page", "10 posters, page + POST"), ("post", "10 posters, POST only")):
            c = r.get(key)
            if c is None:
                continue
            published, held = c["states"].get("published", 0), c["states"].get("held", 0)
            print(
                f"| {side.short} | {name} | {c['posts']} | {c['counts']['302']} | {c['accepted']} "
                f"| {published} / {held} / {c['accepted'] - published - held} "
                f"| {fmt(c['post_p50'])} / {fmt(c['post_p90'])} | {c['elapsed']:.1f} "
                f"| {c['cpu']['app']:.1f} / {c['cpu']['db']:.1f} | {cpu_text(c)} | {c['load']:.2f} |"
            )
    print("\nThe post's page (GET, not part of the POST latency):\n")
    print(
        "| side | page bytes (median) | GET p50 ms, one at a time | GET p50 ms, 10 posters page + POST "
        "| X-Page-Cache, one at a time | X-Page-Cache, 10 posters |"
    )
    print("|---|---:|---:|---:|---|---|")
    for side in sides:
        r = results.get(side.short, {})
        seq = r.get("sequential")
        if not seq:
            continue
        page = r.get("page") or {}

        def caches(counter):
            return ", ".join(f"{k} {v}" for k, v in counter.most_common()) if counter else "-"

        print(
            f"| {side.short} | {seq['page_bytes']:,.0f} | {fmt(percentile(seq['get_ms'], 0.5))} "
            f"| {fmt(page.get('get_p50'))} | {caches(seq['page_cache'])} | {caches(page.get('page_cache'))} |"
        )
    print()
    for side in sides:
        r = results.get(side.short, {})
        if getattr(side, "versions", None):
            print(f"- {side.short}: {side.versions}.")
        if r.get("queries_detail"):
            print(f"  Queries per POST, raw: {json.dumps(r['queries_detail'])}.")
        notes = Counter()
        if r.get("sequential"):
            notes.update(r["sequential"]["refusals"])
        for key in ("page", "post"):
            if r.get(key):
                notes.update(r[key]["notes"])
        if notes:
            print("  Refusals and errors: " + "; ".join(f"{text} (x{n})" for text, n in notes.most_common(4)) + ".")
        if r.get("problems"):
            print(f"  Server log: {len(r['problems'])} error lines; first: `{r['problems'][0][:300]}`.")
        if side.short in failures:
            print(f"  Failed: {failures[side.short][:1500]}")
    print(
        "\nqueries per POST: ours, Django's CaptureQueriesContext around one test-client POST (same settings "
        "and database; BEGIN/COMMIT/savepoints left out, see the raw figures); WordPress, $wpdb->num_queries "
        "(no transactions) at the redirect (mu-plugin "
        "header), median of the sequential POSTs. server p50: gunicorn's access log (whole ms) / nginx's "
        "$request_time (nginx + php-fpm). server CPU: user + system time of the side's processes during the "
        "run (/proc, sampled 4 times a second), divided by the comments stored; app = gunicorn's workers / "
        "nginx + php-fpm; db = the PostgreSQL backends of the bench database and redis-server / mariadbd. "
        "It moves less than latency and rates when other work shares the machine (load avg column), but "
        "still by some 20% between runs: compare sides within one run."
    )
    ours, wp = results.get("ours", {}), results.get("WordPress", {})
    if all(side.get(key) for side in (ours, wp) for key in ("sequential", "page", "post")):
        p50_o, p50_w = percentile(ours["sequential"]["ms"], 0.5), percentile(wp["sequential"]["ms"], 0.5)
        rate_o, rate_w = ours["post"]["per_s"], wp["post"]["per_s"]
        page_o, page_w = ours["page"]["per_s"], wp["page"]["per_s"]
        cpu_o = sum(ours["post"]["cpu_ms_per_comment"].values()) if ours["post"]["accepted"] else float("nan")
        cpu_w = sum(wp["post"]["cpu_ms_per_comment"].values()) if wp["post"]["accepted"] else float("nan")
        checks = {"POST p50": p50_o < p50_w, "accepted/s POST only": rate_o > rate_w, "CPU per comment": cpu_o < cpu_w}
        failed = [name for name, ok in checks.items() if not ok]
        print(
            f'\nTarget "posting costs less than WordPress\'s": POST p50 {p50_o:.1f} ms against {p50_w:.1f} ms '
            f"({p50_o / p50_w:.2f}x); server CPU per comment {cpu_o:.1f} ms against {cpu_w:.1f} ms "
            f"({cpu_o / cpu_w:.2f}x); accepted/s POST only {rate_o:.1f} against {rate_w:.1f} "
            f"({rate_o / rate_w:.2f}x); page + POST {page_o:.1f} against {page_w:.1f} "
            f"({page_o / page_w if page_w else float('inf'):.2f}x). "
            + ("Met on all three posting measures." if not failed else f"Not met: {', '.join(failed)}.")
        )


# Main -----------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the databases and the run directory")
    parser.add_argument("--only", choices=["ours"], help="run our side only")
    parser.add_argument(
        "--worktree", action="store_true", help="measure the working tree as it is (default: the HEAD commit)"
    )
    args = parser.parse_args()
    started = time.monotonic()
    run_dir = Path(tempfile.mkdtemp(prefix="post-bench-"))
    run_dir.chmod(0o755)  # php-fpm and nginx workers (www-data) read the WordPress copy and the socket
    try:
        context = {"code": snapshot_code(run_dir / "app", args.worktree), "load_before": os.getloadavg()[0]}
    except (BenchError, OSError, tarfile.TarError) as error:
        shutil.rmtree(run_dir, ignore_errors=True)
        log(f"post_bench: could not take a snapshot of our code: {error}")
        return 2
    run_tag = secrets.token_hex(2)
    ours = Ours(run_dir, run_dir / "app")
    wp = None if args.only else WordPress(run_dir)
    sides = [s for s in (ours, wp) if s]
    running, failures, results = [], {}, {}
    try:
        try:
            ours.setup()
            running.append(ours)
        except (BenchError, OSError, psycopg.Error, redis.RedisError) as error:
            failures["ours"] = str(error)
            log(f"ours: failed: {error}")
        if wp:
            try:
                if "ours" in failures:
                    raise BenchError("WordPress copies its post from ours' data preparation, which failed")
                wp.setup(ours.data)
                running.append(wp)
            except (BenchError, OSError) as error:
                failures["WordPress"] = str(error)
                log(f"WordPress: failed: {error}")
        phases = [
            ("sequential", lambda side: sequential(side, run_tag)),
            ("page", lambda side: concurrent(side, run_tag, read_every_time=True)),
            ("post", lambda side: concurrent(side, run_tag, read_every_time=False)),
        ]
        for key, phase in phases:
            for side in list(running):
                log(f"{side.short}: {key} phase")
                try:
                    results.setdefault(side.short, {})[key] = phase(side)
                except (BenchError, OSError, http.client.HTTPException, ValueError, IndexError) as error:
                    failures[side.short] = f"{key} phase: {type(error).__name__}: {error}"
                    log(f"{side.short}: failed: {failures[side.short]}")
                    running.remove(side)
        for side in running:
            try:
                queries, detail = side.queries_per_post(results[side.short]["sequential"])
                results[side.short]["queries"] = queries
                results[side.short]["queries_detail"] = detail
            except (BenchError, OSError) as error:
                log(f"{side.short}: query count failed: {error}")
                results[side.short]["queries_detail"] = {"failed": str(error)[:300]}
            results[side.short]["problems"] = side.problems()
    finally:
        for side in sides:
            side.stop()
        if not args.keep:
            for side in sides:
                try:
                    side.drop()
                except (BenchError, OSError, psycopg.Error, redis.RedisError) as error:
                    log(f"{side.short}: dropping its database failed: {error}")
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            kept = [str(run_dir), f"PostgreSQL {PG_DATABASE}", f"Redis {REDIS_URL}"]
            if wp and wp.created_db:
                kept.append(f"MariaDB {MARIADB_DATABASE}")
            log(f"kept: {', '.join(kept)}")
    context["load_after"] = os.getloadavg()[0]
    report(sides, results, failures, context)
    log(f"post_bench: done in {time.monotonic() - started:.0f} s")
    if not results:
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
