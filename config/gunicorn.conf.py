"""Gunicorn settings for `make serve` (gunicorn config.wsgi -c config/gunicorn.conf.py).

Environment:
    GUNICORN_BIND                 address to listen on (default 127.0.0.1:8000: the TLS proxy
                                  on the same machine connects here; use 0.0.0.0:8000 only
                                  when a load balancer on another machine must reach it).
    GUNICORN_WORKERS              worker processes (default 2 * cores + 1).
    GUNICORN_TIMEOUT              seconds before a silent worker is killed and replaced (30).
    GUNICORN_MAX_REQUESTS         requests after which a worker is replaced (10,000; 0: never).
    GUNICORN_FORWARDED_ALLOW_IPS  comma-separated addresses of the proxies whose
                                  X-Forwarded-* headers gunicorn trusts (default 127.0.0.1,::1).

Logs (access and errors) go to stdout, one line per event, for the process manager
(systemd/journald, Docker, ...) to collect.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak cannot grow without bound. Not too often:
# at 1,000 a busy server replaced a worker every second (bench/load_bench.py).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 10_000)
max_requests_jitter = max_requests // 10
# Django is imported once, in the master: a new worker is a fork (milliseconds), not a
# fresh import (~0.35 s), and the workers share the imported code's memory.
preload_app = True
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Gunicorn's control socket (gunicornc) lives at one path in $HOME, shared by every instance of the
# same user; we don't use it (the process manager sends signals), so it stays off.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Also behind a proxy the access log shows the client's address, not the proxy's.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
