"""The production stack for real: nginx -> Varnish (deploy/varnish/blog.vcl) -> gunicorn, with the
task workers, started by scripts/serve.sh (what `make serve` runs) on free ports.

Run by .ci/run with BLOG_STACK_TESTS=1 (there a missing varnishd or nginx, or a stack that does
not come up, fails the tests); the ordinary suite skips them, saying so. Needs Redis (the cache
the gunicorn workers share): STACK_REDIS_URL, default redis://127.0.0.1:6379/4. The database is
STACK_DATABASE_URL (PostgreSQL in CI), default a SQLite file of the run.
"""

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENABLED = os.environ.get("BLOG_STACK_TESTS") == "1"


def pytest_collection_modifyitems(config, items):
    if ENABLED:
        return
    skip = pytest.mark.skip(reason="stack tests (Varnish, nginx): run by .ci/run with BLOG_STACK_TESTS=1")
    for item in items:
        if "tests/stack/" in item.nodeid:
            item.add_marker(skip)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    def __init__(self, tmp):
        self.tmp = tmp
        self.gunicorn_port, self.varnish_port, self.nginx_port = free_port(), free_port(), free_port()
        self.log = tmp / "serve.log"
        self.env: dict = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_", "COMMENTS_"))},
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SITE_DOMAIN": f"127.0.0.1:{self.nginx_port}",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_ROOT": str(tmp / "static"),
            "DJANGO_MEDIA_ROOT": str(tmp / "media"),
            "DATABASE_URL": os.environ.get("STACK_DATABASE_URL") or f"sqlite:///{tmp}/db.sqlite3",
            "REDIS_URL": os.environ.get("STACK_REDIS_URL", "redis://127.0.0.1:6379/4"),
            "GUNICORN_BIND": f"127.0.0.1:{self.gunicorn_port}",
            "GUNICORN_WORKERS": "2",
            "VARNISH_LISTEN": f"127.0.0.1:{self.varnish_port}",
            "VARNISH_MEMORY": "64m",
            "VARNISH_PURGERS": "127.0.0.1",
            # For manage.py run by the tests too (serve.sh sets the same for its processes).
            "CACHE_PURGE_URLS": f"http://127.0.0.1:{self.varnish_port}",
            "NGINX_LISTEN": f"127.0.0.1:{self.nginx_port}",
            # Varnish's unprivileged user reads the VCL there: not under pytest's private tmp.
            "SERVE_RUN_DIR": tempfile.mkdtemp(prefix="blog-stack-"),
            "COMMENTS_MIN_SECONDS": "0",
            "COMMENTS_HOLD_FIRST_COMMENT": "0",
            "COMMENTS_RATE_LIMIT": "1000",
        }
        self.process = None

    def manage(self, *args, code=None):
        command = (
            [sys.executable, "manage.py", *args] if code is None else [sys.executable, "manage.py", "shell", "-c", code]
        )
        result = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300)  # noqa: S603
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start(self):
        import redis

        redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        self.manage("migrate", "--no-input")
        self.manage("seed_demo")
        self.process = subprocess.Popen(  # noqa: S603
            [str(ROOT / "scripts" / "serve.sh")],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "scripts/serve.sh exited:\n" + self.log.read_text()[-3000:]
            try:
                if self.get("/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise AssertionError("the stack did not answer within 120 s:\n" + self.log.read_text()[-3000:])

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.env["SERVE_RUN_DIR"], ignore_errors=True)

    def request(self, method, path, *, port=None, headers=None, body=None, source="127.0.0.1", timeout=15):
        connection = http.client.HTTPConnection(
            "127.0.0.1", port or self.nginx_port, timeout=timeout, source_address=(source, 0)
        )
        try:
            connection.request(
                method, path, body=body, headers={"Host": f"127.0.0.1:{self.nginx_port}", **(headers or {})}
            )
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
        finally:
            connection.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def gunicorn_pids(self):
        """The gunicorn master and its workers (the master's pid is in its first log line)."""
        for line in self.log.read_text().splitlines():
            if f"Listening at: http://127.0.0.1:{self.gunicorn_port} (" in line:
                master = int(line.rsplit("(", 1)[1].rstrip(")"))
                children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True)  # noqa: S603, S607
                return [master, *(int(pid) for pid in children.stdout.split())]
        raise AssertionError("no gunicorn master in the log")


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    for program in ("varnishd", "nginx"):
        assert shutil.which(program) or Path(f"/usr/sbin/{program}").exists(), f"{program} is not installed"
    running = Stack(tmp_path_factory.mktemp("stack"))
    try:
        running.start()
        yield running
    finally:
        running.stop()
