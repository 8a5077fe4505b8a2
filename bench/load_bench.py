"""The served site under load: gunicorn + PostgreSQL + Redis with the production settings.

Run: .venv/bin/python bench/load_bench.py   (from the project root, no arguments; about 5.5 minutes)
Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust), Redis on 127.0.0.1:6379 and wrk
(apt-get install wrk). It drops and recreates its own database `blog_load` and empties Redis
database 5; nothing else is touched. The database is left in place afterwards, for inspection.

1. Data (not timed): migrate, seed_demo, collectstatic, then one post with 200 published threaded
   comments; a static file of the same size as that post's page is written to STATIC_ROOT.
2. Throughput: gunicorn with config/gunicorn.conf.py; wrk for 30 s against the home page, the
   post, a tag page, the Atom feed and the static file. The static file is measured before,
   between and after the pages (the machine is noisy): the median of its runs is the baseline.
3. Posting: 20 concurrent posters for 30 s through the real comment form (GET the post, read
   the signed form, POST it), then the comments stored are counted in the database.

Markdown on stdout (bench/run_all.py copies it into docs/benchmarks.md); progress on stderr.
"""

import http.client
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
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python" if (BIN / "python").exists() else Path(sys.executable)
GUNICORN = BIN / "gunicorn" if (BIN / "gunicorn").exists() else Path(sys.executable).with_name("gunicorn")

DATABASE = "blog_load"
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
BENCH_DSN = f"host=127.0.0.1 port=5432 user=postgres dbname={DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/5"

WRK_SECONDS = 30
WRK_THREADS = 2
# Gunicorn's default here is 5 sync workers (2 x 2 cores + 1); a sync worker serves one
# connection at a time and closes it after the response. Two connections per worker keep every
# worker busy (one request in service, one waiting in the listen queue): on 2 cores more
# connections add queueing latency, not throughput (measured: -c16 and -c32 gave the same req/s
# as -c10 with a higher p50).
WRK_CONNECTIONS = 10
WARM_REQUESTS = 5

POSTERS = 20
POST_SECONDS = 30
REPLY_EVERY = 3  # every third comment of a poster is a reply to a comment on the page

STATIC_NAME = "bench-sample.html"
STATIC_LABEL = "static file (WhiteNoise)"
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
REPLY_TO = re.compile(r'data-reply-to="(\d+)"')
ERROR_NOTICE = re.compile(r'<p class="notice notice-error" role="alert">(.*?)</p>', re.S)
# The access log format of config/gunicorn.conf.py: ... "GET /path HTTP/1.1" 200 1234 5ms ...
ACCESS = re.compile(r'"(GET|POST|HEAD) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+)ms')

# Run inside `manage.py shell -c`: the post with 200 comments, its page size, the URLs to load.
PREPARE = """
import json
from django.test import Client
from blog.models import Post, Tag, Theme
from tests.factories import PostFactory, bulk_thread

theme = Theme.objects.order_by("pk").first()
tag = Tag.objects.order_by("pk").first()
body = Post.objects.published().order_by("pk").first().body
post = PostFactory(title="A post with 200 comments", theme=theme, tags=[tag], body=body)
# 50 top-level comments with 3 replies each: all 200 on the first page (COMMENTS_PER_PAGE counts top-level).
bulk_thread(post, 50, replies_per_root=3)
response = Client(HTTP_HOST="127.0.0.1").get(post.get_absolute_url())
assert response.status_code == 200, response.status_code
print("RESULT " + json.dumps({
    "post_url": post.get_absolute_url(),
    "post_bytes": len(response.content),
    "tag_url": tag.get_absolute_url(),
    "post_urls": [p.get_absolute_url() for p in Post.objects.published().order_by("pk")],
}))
"""


from benchlib import log, percentile  # noqa: E402 - bench/ is the scripts' own path


class BenchError(Exception):
    """Something could not run: reported on stderr, the script exits non-zero."""


# Setup ---------------------------------------------------------------------------------


def flush_redis():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()  # database 5 only
    finally:
        client.close()


def reset_stores():
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    flush_redis()


def production_env(static_root):
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain http locally: no TLS proxy in front
        "DJANGO_STATIC_MANIFEST": "1",
        "DJANGO_STATIC_ROOT": str(static_root),
        # As in production (README, Deploying): mail tasks are stored for `manage.py db_worker`
        # (not run here), not sent by SMTP inside the request as the immediate backend would.
        "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_LOG_LEVEL": "warning",
    }


def manage(env, *args):
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise BenchError(f"manage.py {args[0]} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    return result.stdout


def prepare_data(env, static_root):
    started = time.perf_counter()
    for args in (("migrate", "--no-input"), ("seed_demo",), ("collectstatic", "--no-input")):
        log(f"manage.py {' '.join(args)}")
        manage(env, *args)
    log("creating the post with 200 comments")
    out = manage(env, "shell", "-c", PREPARE)
    line = next((line for line in out.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise BenchError(f"the data preparation printed no result:\n{out[-2000:]}")
    data = json.loads(line.removeprefix("RESULT "))
    # A static file as big as the post page: WhiteNoise indexes STATIC_ROOT when gunicorn starts.
    head = "<!doctype html><html><head><title>bench</title></head><body>\n"
    tail = "</body></html>\n"
    filler = "<p>" + "Static filler text for the load benchmark. " * 8 + "</p>\n"
    size = data["post_bytes"]
    body = filler * ((size - len(head) - len(tail)) // len(filler) + 1)
    (static_root / STATIC_NAME).write_text((head + body)[: size - len(tail)] + tail)
    flush_redis()  # gunicorn starts with a cold page cache
    log(f"data ready in {time.perf_counter() - started:.0f} s")
    return data


# Gunicorn ------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the project's config, in its own process group, always stopped on exit.

    Its output (access log included) goes to a file in the temporary directory. A thread
    notes the worker processes it sees, to count the workers gunicorn replaced (max_requests).
    """

    def __init__(self, env, log_dir, name, **extra_env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir) / f"gunicorn-{name}.log"
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", **extra_env}
        self.process = None
        self.log_file = None
        self.workers = set()
        self._stop = threading.Event()

    def __enter__(self):
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            [str(GUNICORN), "config.wsgi", "-c", "config/gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        threading.Thread(target=self._watch_workers, daemon=True).start()
        return self

    def _wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base}/static/{STATIC_NAME}", timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer within {timeout} s:\n{self.log_tail()}")

    def _watch_workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        while not self._stop.wait(0.1):
            try:
                self.workers.update(children.read_text().split())
            except OSError:
                return

    def __exit__(self, *exc):
        self._stop.set()
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        if self.log_file:
            self.log_file.close()

    def log_text(self, offset=0):
        self.log_file.flush()
        with open(self.log_path, "rb") as file:
            file.seek(offset)
            return file.read().decode(errors="replace")

    def log_size(self):
        self.log_file.flush()
        return self.log_path.stat().st_size

    def log_tail(self, chars=3000):
        return self.log_text()[-chars:]

    def problems(self):
        """Error lines of the gunicorn and Django logs (access log lines have no level)."""
        return [line for line in self.log_text().splitlines() if re.search(r"\bERROR\b|CRITICAL|Traceback", line)]


# Throughput ----------------------------------------------------------------------------


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers, response.read()


def duration_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(url):
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=WRK_SECONDS + 60, check=False)
    out = result.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    latency = dict(re.findall(r"^[ \t]+(50|99)%[ \t]+(\S+)", out, re.M))
    if result.returncode or not rps or len(latency) != 2:
        raise BenchError(f"wrk failed on {url}:\n{out}{result.stderr}")
    non_ok = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(rps.group(1)),
        "p50": duration_ms(latency["50"]),
        "p99": duration_ms(latency["99"]),
        "errors": (int(non_ok.group(1)) if non_ok else 0) + (sum(map(int, sockets.groups())) if sockets else 0),
        "error_detail": "; ".join(match.group(0) for match in (non_ok, sockets) if match),
    }


def throughput(server, data):
    pages = {
        STATIC_LABEL: f"/static/{STATIC_NAME}",
        "home `/`": "/",
        "post, 200 comments": data["post_url"],
        "tag page": data["tag_url"],
        "Atom feed": "/feed/atom/",
    }
    info = {}
    for name, path in pages.items():
        for _ in range(WARM_REQUESTS):
            status, headers, body = fetch(server.base + path)
        if status != 200:
            raise BenchError(f"{path} answered {status}")
        cache = "n/a" if path.startswith("/static/") else headers.get("X-Page-Cache", "none")
        info[name] = {"path": path, "bytes": len(body), "cache": cache}
    # The static file before, between and after the pages: the baseline follows the machine's drift.
    order = [STATIC_LABEL]
    for name in list(pages)[1:]:
        order += [name, STATIC_LABEL]
    runs = []
    for i, name in enumerate(order, 1):
        log(f"wrk {i}/{len(order)}: {name} ({WRK_SECONDS} s)")
        seen = len(server.workers)
        result = run_wrk(server.base + info[name]["path"])
        result["restarts"] = len(server.workers) - seen
        runs.append((name, result))
    return info, runs


def print_throughput(info, runs, workers):
    static_runs = [result for name, result in runs if name == STATIC_LABEL]
    baseline = statistics.median(r["rps"] for r in static_runs)
    print(
        f"`wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s --latency` against gunicorn "
        f"(config/gunicorn.conf.py: {workers} sync workers), PostgreSQL, Redis page cache, DEBUG off, "
        f"no compression (wrk sends no Accept-Encoding). {WRK_CONNECTIONS} connections = 2 per worker: a sync "
        "worker serves one connection at a time, so one request in service and one queued per worker keeps "
        "2 cores busy; more connections only add queueing latency. Each page was requested "
        f"{WARM_REQUESTS} times before its run (page cache filled).\n"
    )
    print(
        "| page | bytes | X-Page-Cache | req/s | p50 ms | p99 ms | errors | worker restarts "
        "| vs static (median) | vs static runs before/after |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    static_row = (
        f"| {STATIC_LABEL}, median of {len(static_runs)} | {info[STATIC_LABEL]['bytes']:,} | n/a | {baseline:,.0f} "
        f"| {statistics.median(r['p50'] for r in static_runs):.1f} "
        f"| {statistics.median(r['p99'] for r in static_runs):.1f} | {sum(r['errors'] for r in static_runs)} "
        f"| {sum(r['restarts'] for r in static_runs)} | 1.00 | - |"
    )
    print(static_row)
    below = []
    for i, (name, result) in enumerate(runs):
        if name == STATIC_LABEL:
            continue
        neighbours = statistics.mean([runs[i - 1][1]["rps"], runs[i + 1][1]["rps"]])
        ratio = result["rps"] / baseline
        if ratio < 0.8 or result["errors"] or info[name]["cache"] != "hit":
            below.append(name)
        print(
            f"| {name} | {info[name]['bytes']:,} | {info[name]['cache']} | {result['rps']:,.0f} "
            f"| {result['p50']:.1f} | {result['p99']:.1f} | {result['errors']} | {result['restarts']} "
            f"| {ratio:.2f} | {result['rps'] / neighbours:.2f} |"
        )
    print(
        "\nStatic file runs, in order: "
        + ", ".join(f"{r['rps']:,.0f} req/s (p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms)" for r in static_runs)
        + "."
    )
    print(
        "errors = non-2xx/3xx responses + socket errors (connect, read, write, timeout). X-Page-Cache: the "
        "header of the last warm-up request. worker restarts = gunicorn workers replaced during the run "
        "(config/gunicorn.conf.py: max_requests, plus jitter; the app is preloaded, so a new worker is a fork)."
    )
    for name, result in runs:
        if result["errors"]:
            print(f"Errors on {name}: {result['error_detail']}.")
    if any(r["errors"] for r in static_runs):
        below.append(f"{STATIC_LABEL} (errors)")
    print(
        "Target (each cached page a cache hit, >= 0.8 x the static file's req/s, no errors): "
        + (f"not met for {', '.join(below)}." if below else "met.")
    )


# Posting -------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.samples = {"get_ms": [], "post_ms": []}
        self.notes = {}

    def count(self, name):
        with self.lock:
            self.counts[name] += 1

    def add(self, name, value):
        with self.lock:
            self.samples[name].append(value)

    def note(self, kind, text):
        with self.lock:
            self.notes.setdefault(kind, Counter())[text] += 1


class Poster(threading.Thread):
    """A reader posting comments one after another: GET the post, read the signed form, POST it.

    Every request carries its own X-Forwarded-For address (many readers behind one proxy).
    """

    def __init__(self, number, server, post_paths, email, deadline, stats):
        super().__init__(daemon=True)
        self.number = number
        self.server = server
        self.post_paths = post_paths
        self.email = email
        self.deadline = deadline
        self.stats = stats
        self.random = random.Random(number)

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            page = response.read().decode(errors="replace")
            self.stats.add(f"{method.lower()}_ms", (time.perf_counter() - started) * 1000)
            return response.status, response.getheader("Location", ""), page
        finally:
            conn.close()

    def comment_form(self, path, address):
        _, _, page = self.request("GET", path, headers={"X-Forwarded-For": address})
        form = page.split('class="comment-form"', 1)[1].split("</form>", 1)[0]
        return dict(HIDDEN.findall(form)), REPLY_TO.findall(page)

    def run(self):
        sent = 0
        while time.monotonic() < self.deadline:
            path = self.post_paths[(self.number + sent) % len(self.post_paths)]
            address = f"10.{self.number}.{sent // 250}.{sent % 250 + 1}"
            try:
                fields, comment_ids = self.comment_form(path, address)
                if sent % REPLY_EVERY == REPLY_EVERY - 1 and comment_ids:
                    fields["reply_to"] = self.random.choice(comment_ids)
                    self.stats.count("replies")
                fields.update(
                    name=f"Load poster {self.number}",
                    email=self.email,
                    url="",
                    comment=f"Load test comment {sent} from poster {self.number} ({secrets.token_hex(6)}).",
                    honeypot="",
                    post="post",
                )
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.server.base,
                    "X-Forwarded-For": address,
                }
                status, location, page = self.request("POST", "/comments/post/", urlencode(fields), headers)
            except (OSError, http.client.HTTPException, IndexError) as error:
                self.stats.count("client errors")
                self.stats.note("client error", f"{type(error).__name__}: {error}")
                continue
            finally:
                sent += 1
            self.classify(status, location, page, path)

    def classify(self, status, location, page, path):
        self.stats.count("POSTs")
        if status == 302 and location.startswith(path):
            self.stats.count("accepted")
        elif 400 <= status < 500:
            self.stats.count("refused")
            found = ERROR_NOTICE.search(page)
            self.stats.note("refused", f"{status} {found.group(1).strip() if found else page[:120]!r}")
        elif status >= 500:
            self.stats.count("5xx")
            self.stats.note("5xx", f"{status} {page[:200]!r}")
        else:
            self.stats.count("other")
            self.stats.note("other", f"{status} {location}")


def query(sql, params=()):
    with psycopg.connect(BENCH_DSN) as conn:
        return conn.execute(sql, params).fetchall()


def posting(server, data):
    # Even-numbered posters write as a seeded reader with published comments (their comments are
    # published at once, which starts a new page-cache generation); odd ones as a new address
    # (held for moderation: first comment).
    known = query(
        "SELECT DISTINCT c.user_email FROM django_comments c JOIN comments_moderation m ON m.comment_id = c.id "
        "WHERE m.state = 'published' ORDER BY 1 LIMIT 50"
    )
    known = [row[0] for row in known]
    run_tag = secrets.token_hex(3)
    emails = [known[n % len(known)] if n % 2 == 0 else f"new-reader-{n}-{run_tag}@example.org" for n in range(POSTERS)]
    (max_id,) = query("SELECT coalesce(max(id), 0) FROM django_comments")[0]
    log_offset = server.log_size()
    stats = Stats()
    started = time.monotonic()
    deadline = started + POST_SECONDS
    posters = [Poster(n, server, data["post_urls"], emails[n], deadline, stats) for n in range(POSTERS)]
    log(f"posting: {POSTERS} posters for {POST_SECONDS} s")
    for poster in posters:
        poster.start()
    for poster in posters:
        poster.join(timeout=POST_SECONDS + 120)
    elapsed = time.monotonic() - started
    stored = query("SELECT count(*) FROM django_comments WHERE id > %s", (max_id,))[0][0]
    states = dict(query("SELECT state, count(*) FROM comments_moderation WHERE comment_id > %s GROUP BY 1", (max_id,)))
    server_ms = {"GET": [], "POST": []}
    for method, path, _, ms in ACCESS.findall(server.log_text(log_offset)):
        if method == "POST" or path in data["post_urls"]:
            server_ms[method].append(int(ms))
    return {
        "stats": stats,
        "elapsed": elapsed,
        "stored": stored,
        "states": states,
        "server_ms": server_ms,
        "posts": len(data["post_urls"]),
        "problems": server.problems(),
    }


def print_posting(result):
    stats, counts, states = result["stats"], result["stats"].counts, result["states"]
    accepted = counts["accepted"]
    print(
        f"Posting: {POSTERS} concurrent posters (Python threads, a new connection per request) for {POST_SECONDS} s, "
        f"through the real form: each GETs a post page (spread over the {result['posts']} public posts), "
        "reads the signed form's hidden fields and POSTs a unique comment to `/comments/post/` with an "
        "`Origin` header; every third is a reply to a comment of the page. Rate limit: gunicorn restarted "
        "with `COMMENTS_TRUSTED_PROXIES=127.0.0.1` and each request sends its own `X-Forwarded-For` address (many "
        "readers behind one proxy); `COMMENTS_RATE_LIMIT` keeps its default. Half the posters write as a "
        "reader with published comments (published at once, which renews the page cache), half as a new "
        "reader (held: first comment). Mail tasks go to the database task queue, as in production.\n"
    )
    print(
        "| POSTs | accepted (302) | refused 4xx | 5xx | client errors | accepted/s | POST p50 ms | POST p99 ms "
        "| GET post p50 ms | GET post p99 ms |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    posts, gets = stats.samples["post_ms"], stats.samples["get_ms"]
    print(
        f"| {counts['POSTs']} | {accepted} | {counts['refused']} | {counts['5xx']} | {counts['client errors']} "
        f"| {accepted / result['elapsed']:.1f} | {percentile(posts, 0.5):.0f} | {percentile(posts, 0.99):.0f} "
        f"| {percentile(gets, 0.5):.0f} | {percentile(gets, 0.99):.0f} |"
    )
    print(
        "\n| stored comments | published | held | spam | replies sent "
        "| server POST p50 / p99 ms | server GET p50 / p99 ms |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    server_post, server_get = result["server_ms"]["POST"], result["server_ms"]["GET"]
    print(
        f"| {result['stored']} | {states.get('published', 0)} | {states.get('held', 0)} | {states.get('spam', 0)} "
        f"| {counts['replies']} | {percentile(server_post, 0.5):.0f} / {percentile(server_post, 0.99):.0f} "
        f"| {percentile(server_get, 0.5):.0f} / {percentile(server_get, 0.99):.0f} |"
    )
    moderated = sum(states.values())
    print(
        "\nLatencies above are seen by the client (queueing for one of the workers included); "
        "server = gunicorn's access log (time inside the worker)."
    )
    print(f"\nstored == accepted: {'yes' if result['stored'] == accepted == moderated else 'no'}")
    if result["stored"] != moderated:
        print(f"Comments without a moderation row: {result['stored'] - moderated}.")
    for kind in ("refused", "5xx", "other", "client error"):
        if kind in stats.notes:
            first = "; ".join(f"{text} (x{n})" for text, n in stats.notes[kind].most_common(3))
            print(f"First {kind}: {first}")
    if result["problems"]:
        print(f"Server log: {len(result['problems'])} error lines; first: `{result['problems'][0][:300]}`")


# Main ----------------------------------------------------------------------------------


def default_workers():
    return (os.cpu_count() or 1) * 2 + 1  # config/gunicorn.conf.py's default


def main():
    if shutil.which("wrk") is None:
        log("load_bench: wrk is not installed. Install it with: apt-get install wrk")
        return 2
    if not GUNICORN.exists():
        log(f"load_bench: gunicorn not found at {GUNICORN} (make install)")
        return 2
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        static_root = Path(tmp) / "static"
        static_root.mkdir()
        log(f"resetting PostgreSQL database {DATABASE} and Redis {REDIS_URL}")
        reset_stores()
        env = production_env(static_root)
        env.pop("GUNICORN_WORKERS", None)  # the config's default worker count
        data = prepare_data(env, static_root)
        with Server(env, tmp, "pages") as server:
            info, runs = throughput(server, data)
            problems = server.problems()
        print("### Throughput of cached pages against a static file (wrk)\n")
        print_throughput(info, runs, default_workers())
        if problems:
            print(f"Server log: {len(problems)} error lines; first: `{problems[0][:300]}`")
        with Server(env, tmp, "posting", COMMENTS_TRUSTED_PROXIES="127.0.0.1") as server:
            result = posting(server, data)
        print("\n### Posting comments concurrently\n")
        print_posting(result)
    log(f"load_bench: done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"load_bench: {error}")
        sys.exit(1)
