"""The site stays up when Redis or the database is down, and comes back by itself.

Redis down: config.cache_backends.ResilientRedisCache answers as an empty cache (pages
come from the database, the comment rate limit cannot count and lets comments through),
logs one warning, and uses Redis again as soon as it answers.

Database down: config.resilience.DatabaseUnavailableMiddleware answers 503 with
Retry-After and a friendly page (cached pages are still served by the page cache), and
the next request after the database is back is answered normally.
"""

import json
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache, caches
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse
from django_comments_xtd.models import XtdComment

from comments import rules
from config import cache_backends
from config.cache_backends import ResilientRedisCache
from config.resilience import OneLineFormatter

from .commenting import form_fields, post_comment
from .factories import PostFactory

BASE_DIR = Path(__file__).resolve().parent.parent
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused
REAL_REDIS = "redis://127.0.0.1:6379/2"  # db 2: .ci/run's suite uses db 1
FRIENDLY = "Back in a moment"


def redis_caches(location, **options):
    return {
        "default": {
            "BACKEND": "config.cache_backends.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "resilience-test",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, **options},
        }
    }


def require_real_redis():
    """The "Redis is back" checks need a real Redis: on CI (which starts one) its absence fails
    the test; on a laptop without Redis the check is skipped, saying so."""
    try:
        redis.Redis.from_url(REAL_REDIS, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
    except redis.exceptions.RedisError as error:
        message = f"Redis is not reachable at {REAL_REDIS} ({error})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; .ci/run starts one, so CI must have it")
        pytest.skip(f"{message}; start redis-server to run this check (CI always does)")


@pytest.fixture(autouse=True)
def _fresh_redis_health(monkeypatch):
    """Each test starts with no remembered outage (and so logs its own first warning)."""
    monkeypatch.setattr(cache_backends, "_health", {})


@pytest.fixture
def redis_down(settings):
    settings.CACHES = redis_caches(UNREACHABLE_REDIS)  # setting_changed resets django.core.cache.caches
    assert isinstance(caches["default"], ResilientRedisCache)


@pytest.fixture
def real_redis(settings):
    require_real_redis()
    settings.CACHES = redis_caches(REAL_REDIS)
    cache.clear()
    yield cache
    cache.clear()


def cache_warnings(caplog):
    return [r for r in caplog.records if r.name == "config.cache_backends" and r.levelno == logging.WARNING]


# Redis down ----------------------------------------------------------------------------


def test_every_cache_operation_is_a_miss_when_redis_is_unreachable(caplog):
    backend = ResilientRedisCache(UNREACHABLE_REDIS, {"OPTIONS": {"BACKOFF_AFTER_ERROR": 0}})
    with caplog.at_level(logging.WARNING, logger="config.cache_backends"):
        assert backend.get("k") is None
        assert backend.get("k", "fallback") == "fallback"
        assert backend.get_many(["a", "b"]) == {}
        assert backend.add("k", 1) is False
        assert backend.set("k", 1) is None
        assert backend.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert backend.touch("k") is False
        assert backend.has_key("k") is False
        assert "k" not in backend
        assert backend.delete("k") is False
        assert backend.delete_many(["a", "b"]) is None
        assert backend.clear() is False
        assert backend.get_or_set("k", lambda: "computed") == "computed"
        with pytest.raises(ValueError):  # as for a missing key: Django's incr/decr contract
            backend.incr("k")
        with pytest.raises(ValueError):
            backend.decr("k")
    warnings = cache_warnings(caplog)
    assert len(warnings) == 1, "one warning per 30 s, not one per failed call"
    line = warnings[0].getMessage()
    assert "cache unavailable" in line and "127.0.0.1:1" in line and "ConnectionError" in line
    assert "\n" not in line


def test_short_timeouts_and_backoff_keep_a_dead_redis_cheap():
    backend = ResilientRedisCache(UNREACHABLE_REDIS, {})
    assert backend._options["socket_connect_timeout"] == 0.25
    assert backend._options["socket_timeout"] == 0.25
    assert "BACKOFF_AFTER_ERROR" not in backend._options  # ours, never handed to redis-py
    calls = []
    real_get = backend._cache.get
    backend._cache.get = lambda *args: calls.append(args) or real_get(*args)
    assert backend.get("a") is None
    assert backend.get("b") is None
    assert len(calls) == 1, "after a connection error Redis is skipped for BACKOFF_AFTER_ERROR seconds"


def test_the_log_hides_a_redis_password():
    assert cache_backends.redacted("redis://:s3cret@cache.internal:6380/1") == "redis://:***@cache.internal:6380/1"
    assert cache_backends.redacted("redis://user:s3cret@cache/0") == "redis://user:***@cache/0"
    assert cache_backends.redacted(UNREACHABLE_REDIS) == UNREACHABLE_REDIS


def test_the_comment_rate_limit_does_not_crash_without_redis(redis_down):
    rules.count_for_rate_limit("192.0.2.1")  # add fails, incr raises ValueError, add again
    assert rules.rate_limited("192.0.2.1") is False


@pytest.mark.django_db
def test_pages_and_comments_work_with_redis_down(redis_down, settings, caplog):
    settings.COMMENTS_RATE_LIMIT = 2
    post = PostFactory(title="Still here")
    client = Client()
    with caplog.at_level(logging.WARNING):
        home = client.get("/")
        assert home.status_code == 200
        assert "Still here" in home.content.decode()
        assert client.get(post.get_absolute_url()).status_code == 200
        assert client.get(reverse("blog:tag_list")).status_code == 200
        # The limit (2) cannot be counted without the cache: comments go through (fail open).
        for n in range(4):
            response = post_comment(client, post, comment=f"Comment {n} while Redis is down.")
            assert response.status_code == 302, response.content.decode()[:500]
    assert XtdComment.norel_objects.count() == 4
    assert len(cache_warnings(caplog)) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.django_db
def test_redis_is_used_again_when_it_answers(real_redis, settings):
    real_redis.set("answer", 42)
    assert real_redis.get("answer") == 42
    assert real_redis.add("counter", 1) is True
    assert real_redis.incr("counter") == 2
    assert real_redis.get_many(["answer", "counter"]) == {"answer": 42, "counter": 2}
    # The rate limit counts again: the third comment from one address within the window is refused.
    settings.COMMENTS_RATE_LIMIT = 2
    post = PostFactory()
    client = Client()
    statuses = [post_comment(client, post, comment=f"Comment {n}.").status_code for n in range(3)]
    assert statuses == [302, 302, 429]


class TcpProxy:
    """127.0.0.1:<port> -> upstream, which a test can stop and start again on the same port."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = 0
        self.sockets = []
        self.running = threading.Event()

    def start(self):
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen()
        server.settimeout(0.05)
        self.port = server.getsockname()[1]
        self.running.set()
        self.thread = threading.Thread(target=self._accept, args=(server,), daemon=True)
        self.thread.start()

    def stop(self):
        self.running.clear()
        self.thread.join(timeout=5)
        for sock in self.sockets:
            self._close(sock)
        self.sockets = []

    def _accept(self, server):
        with server:
            while self.running.is_set():
                try:
                    client, _ = server.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                upstream = socket.create_connection(self.upstream)
                self.sockets += [client, upstream]
                for source, target in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    def _pipe(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            self._close(source)
            self._close(target)

    @staticmethod
    def _close(sock):
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


def test_the_same_cache_recovers_when_redis_comes_back(caplog):
    require_real_redis()
    proxy = TcpProxy(("127.0.0.1", 6379))
    proxy.start()
    backend = ResilientRedisCache(f"redis://127.0.0.1:{proxy.port}/2", {"OPTIONS": {"BACKOFF_AFTER_ERROR": 0}})
    try:
        with caplog.at_level(logging.INFO, logger="config.cache_backends"):
            backend.set("before", "up", 60)
            assert backend.get("before") == "up"

            proxy.stop()  # Redis "goes down": open connections are cut, new ones refused
            assert backend.get("before", "miss") == "miss"
            assert backend.add("during", 1) is False
            assert backend.set("during", 1) is None

            proxy.start()  # ... and comes back, on the same address
            assert backend.get("before") == "up", "the same backend reconnects by itself"
            backend.set("after", "up again", 60)
            assert backend.get("after") == "up again"
    finally:
        backend.delete_many(["before", "after", "during"])
        proxy.stop()
    messages = [r.getMessage() for r in caplog.records if r.name == "config.cache_backends"]
    assert len([m for m in messages if m.startswith("cache unavailable")]) == 1
    assert len([m for m in messages if m.startswith("cache available again")]) == 1


# Database down -------------------------------------------------------------------------


@contextmanager
def database_down(error=OperationalError):
    """Every database access fails as with PostgreSQL stopped (Django opens or reuses a
    connection through ensure_connection before each query, transaction and savepoint)."""
    failure = error('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=failure):
        yield


def assert_friendly_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert FRIENDLY in body
    for leak in ("Traceback", "OperationalError", "InterfaceError", "Connection refused", "5432"):
        assert leak not in body


@pytest.mark.django_db
def test_a_page_that_needs_the_database_answers_503_then_recovers(caplog):
    post = PostFactory()
    client = Client()
    with database_down(), caplog.at_level(logging.INFO):
        assert_friendly_503(client.get(post.get_absolute_url()))
    lines = [r for r in caplog.records if r.name in ("config.resilience", "django.request")]
    assert len(lines) == 1, "one log line per failed request"
    assert lines[0].name == "config.resilience"
    assert post.get_absolute_url() in lines[0].getMessage() and "503" in lines[0].getMessage()
    # The database is back: the very next request is answered normally.
    assert client.get(post.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_cached_pages_are_still_served_while_the_database_is_down():
    post = PostFactory(title="Cached before the outage")
    client = Client()
    assert client.get("/").status_code == 200  # stored by the page cache
    with database_down():
        home = client.get("/")
        assert home.status_code == 200
        assert "Cached before the outage" in home.content.decode()
        assert_friendly_503(client.get(post.get_absolute_url()))  # never cached: 503


@pytest.mark.django_db
def test_a_logged_in_user_gets_503_not_500(staff_client):
    """The session and the user are loaded from the database during the view and its
    template (process_exception covers rendering of a TemplateResponse too)."""
    assert staff_client.get("/").status_code == 200
    with database_down():
        assert_friendly_503(staff_client.get("/"))
        assert_friendly_503(staff_client.get(reverse("admin:index")))
    with database_down(InterfaceError):  # "connection already closed"
        assert_friendly_503(staff_client.get("/"))
    assert staff_client.get("/").status_code == 200


@pytest.mark.django_db
def test_posting_a_comment_while_the_database_is_down_answers_503():
    post = PostFactory()
    client = Client()
    data = form_fields(client, post.get_absolute_url())  # the page was open before the outage
    data.update(name="Reader", email="reader@example.com", comment="Sent during the outage.", honeypot="")
    with database_down():
        response = client.post(reverse("comments:post"), data)
    assert_friendly_503(response)
    assert not XtdComment.norel_objects.exists()
    assert client.post(reverse("comments:post"), data).status_code == 302  # sent again once it is back
    assert XtdComment.norel_objects.count() == 1


@pytest.mark.django_db
def test_a_database_error_in_a_later_middleware_answers_503(caplog):
    """SessionMiddleware saves the session after the view: Django turns that exception
    into a 500 before it reaches an outer middleware; it is answered 503 all the same."""
    client = Client(raise_request_exception=False)
    failure = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(SessionMiddleware, "process_response", side_effect=failure):
        assert_friendly_503(client.get(reverse("blog:tag_list")))
    assert [r for r in caplog.records if r.name == "config.resilience"]


@pytest.mark.django_db
def test_other_errors_are_still_500(caplog):
    client = Client(raise_request_exception=False)
    with mock.patch("blog.views.PostListView.get_queryset", side_effect=RuntimeError("a bug")):
        response = client.get("/")
    assert response.status_code == 500
    assert "a bug" not in response.content.decode()
    assert not [r for r in caplog.records if r.name == "config.resilience"]


def test_the_503_page_needs_no_database_nor_inline_code():
    html = (BASE_DIR / "templates" / "503.html").read_text()
    assert "{%" not in html, "no template tags: it is rendered while the database is down"
    assert "<style" not in html and "<script" not in html and " style=" not in html


def test_a_wrong_database_port_answers_503_quickly():
    """A real connection failure: a process whose DATABASE_URL points where nothing listens."""
    code = (
        "import json, time, django\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "start = time.monotonic()\n"
        "response = Client(raise_request_exception=False).get('/', secure=True)\n"
        "body = response.content.decode()\n"
        "print('RESULT ' + json.dumps({'status': response.status_code, 'retry_after': response.get('Retry-After'),"
        " 'seconds': time.monotonic() - start, 'friendly': 'Back in a moment' in body,"
        " 'leaks': 'Traceback' in body or 'OperationalError' in body}))\n"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "x",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/test?connect_timeout=2",
    }
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    result = json.loads(next(line for line in lines if line.startswith("RESULT "))[len("RESULT ") :])
    assert result == {**result, "status": 503, "retry_after": "30", "friendly": True, "leaks": False}
    assert result["seconds"] < 5
    assert time.monotonic() - started < 30
    # The log: stdout, one line per event, with time, level, logger and message.
    log = [line for line in lines if not line.startswith("RESULT ")]
    assert log, "the failure is logged on stdout"
    for line in log:
        assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+ ", line), line
    ours = [line for line in log if " config.resilience " in line]
    assert len(ours) == 1 and "GET /" in ours[0] and "503" in ours[0]
    assert "Traceback" not in done.stdout + done.stderr


# Logs ----------------------------------------------------------------------------------


def test_log_records_are_one_line_with_an_exception_summary():
    formatter = OneLineFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        raise ValueError("bad value\non two lines")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/a/path/",), exc_info
    )
    record.status_code = 500
    line = formatter.format(record)
    assert "\n" not in line
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR django.request Internal Server Error: /a/path/", line)
    assert "status=500" in line
    assert re.search(r"ValueError: bad value on two lines @ tests/test_resilience\.py:\d+$", line), line


def test_the_configured_handlers_use_the_one_line_formatter():
    ours = [  # pytest adds its own capture handlers beside the ones LOGGING configures
        handler
        for name in ("django", "")
        for handler in logging.getLogger(name).handlers
        if type(handler) is logging.StreamHandler
    ]
    assert len(ours) == 2
    assert all(isinstance(handler.formatter, OneLineFormatter) for handler in ours)
