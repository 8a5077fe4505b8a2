"""A Redis cache that the site survives: Redis down means cache misses, never errors.

Django's RedisCache raises on every connection error, so a dead Redis turns every page
into a 500. ResilientRedisCache catches redis' errors in every operation and answers as
a cache that holds nothing would:

    get -> default        get_many -> {}           has_key / touch / delete -> False
    add -> False          set -> None (dropped)    set_many -> every key (all failed)
    incr / decr -> ValueError, as for a missing key (Django's API), so callers that
                   handle a missing key (comments.rules.count_for_rate_limit) go on
    delete_many -> None   clear -> False

get_or_set, incr_version, decr and `in` are built from these by BaseCache, and the async
methods call them, so they behave the same way.

One WARNING line per Redis location and process at most every 30 seconds
(OPTIONS["WARN_EVERY"]) says Redis is unavailable and how many errors were not logged;
an INFO line says when it answers again. Short socket timeouts (set in settings, 0.25 s
by default here) keep a Redis that does not answer from holding each request. After a
connection error or timeout the cache is skipped (every call is a miss, without touching
the network) for OPTIONS["BACKOFF_AFTER_ERROR"] seconds (default 5; 0 turns it off), so
a Redis that drops packets costs one timeout per process every few seconds instead of
one per cache call. The next call after that reconnects by itself.

Errors that are not redis' (a value that cannot be pickled, an invalid key) still raise:
they are bugs, not outages.
"""

import logging
import threading
import time
from urllib.parse import urlsplit, urlunsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DEFAULT_SOCKET_TIMEOUT = 0.25
DEFAULT_BACKOFF = 5.0
DEFAULT_WARN_EVERY = 30.0

# Errors after which Redis is skipped for a while (the next call would most likely wait
# for the same timeout); other RedisErrors (e.g. OOM, READONLY) only make that call a miss.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)


def redacted(location):
    """A Redis URL without its password, for the log."""
    parts = urlsplit(location)
    if parts.password is None:
        return location
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


class _Health:
    """What one process knows about one Redis location (shared by the per-thread backends)."""

    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.down_since = None  # time.monotonic() of the first error of the current outage
        self.skip_until = 0.0  # no network call before this time
        self.last_warning = float("-inf")
        self.unlogged = 0  # errors since the last warning

    def failed(self, operation, error, *, backoff, warn_every):
        now = time.monotonic()
        with self.lock:
            if self.down_since is None:
                self.down_since = now
            if backoff and isinstance(error, OUTAGE_ERRORS):
                self.skip_until = now + backoff
            if now - self.last_warning < warn_every:
                self.unlogged += 1
                return
            self.last_warning, unlogged, self.unlogged = now, self.unlogged, 0
        message = " ".join(str(error).split())  # one line, whatever redis put in it
        logger.warning(
            "cache unavailable, serving without it: %s on %s failed (%s: %s)%s",
            operation,
            self.name,
            type(error).__name__,
            message,
            f"; {unlogged} more errors since the last warning" if unlogged else "",
        )

    def recovered(self):
        with self.lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            warned = self.last_warning >= self.down_since
            self.down_since, self.skip_until, self.unlogged = None, 0.0, 0
        if warned:
            logger.info("cache available again: %s answers after %.1f s", self.name, seconds)

    def skipping(self):
        return self.skip_until and time.monotonic() < self.skip_until


_health = {}
_health_lock = threading.Lock()


def health_for(location):
    with _health_lock:
        if location not in _health:
            _health[location] = _Health(redacted(location))
        return _health[location]


_MISS = object()  # incr's answer when Redis fails: raise ValueError as for a missing key


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client makes a new redis.Redis (~50 us) for every cache call; one per
    connection pool does (redis.Redis is thread-safe: each command takes a pooled connection)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        # Ours, not redis-py's: take them out before RedisCache hands OPTIONS to the pool.
        self.backoff = float(options.pop("BACKOFF_AFTER_ERROR", DEFAULT_BACKOFF))
        self.warn_every = float(options.pop("WARN_EVERY", DEFAULT_WARN_EVERY))
        options.setdefault("socket_connect_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self.health = health_for(";".join(self._servers))

    def _safely(self, operation, fallback, call, *args, **kwargs):
        health = self.health
        if health.skipping():
            result = fallback
        else:
            try:
                result = call(*args, **kwargs)
            except RedisError as error:
                health.failed(operation, error, backoff=self.backoff, warn_every=self.warn_every)
                result = fallback
            else:
                if health.down_since is not None:
                    health.recovered()
        if result is _MISS:
            raise ValueError(f"Key {args[0]!r} not found (cache unavailable).")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safely("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._safely("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safely("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safely("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._safely("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._safely("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._safely("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        return self._safely("incr", _MISS, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safely("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._safely("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._safely("clear", False, super().clear)
