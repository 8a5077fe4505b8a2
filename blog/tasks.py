"""Purges of the HTTP caches in front (Varnish with xkey), sent by the task worker.

blog.cache_keys.purge() enqueues purge_http_caches once the change is committed. The task sends
`PURGE /` with the keys in an `xkey-purge` header to each address of settings.CACHE_PURGE_URLS
(deploy/varnish/blog.vcl accepts it only from the addresses in its `purgers` ACL). A cache that
does not answer is tried again a few times within the task (0.2 s, 0.5 s, 1 s, 2 s apart), then,
with a backend that can defer (the database backend), by a new task 30 s later, up to
PURGE_DEFERRALS times; what is never delivered expires with the page (a day at most).
"""

import datetime
import http.client
import logging
import time
import urllib.parse

from django.conf import settings
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

PURGE_TIMEOUT = 2.0  # seconds per attempt
PURGE_PAUSES = (0.2, 0.5, 1.0, 2.0)  # between attempts within one task
PURGE_DEFERRALS = 10  # then 30 s apart
DEFER_SECONDS = 30


def send_purge(url, keys, *, timeout=PURGE_TIMEOUT):
    """One PURGE to one cache; returns the HTTP status (raises OSError when unreachable)."""
    parts = urllib.parse.urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("PURGE", parts.path or "/", headers={"xkey-purge": " ".join(keys)})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _deliver(url, keys, pauses):
    for pause in (*pauses, None):
        try:
            status = send_purge(url, keys)
            if status < 500:
                if status >= 400:  # refused (not in the ACL): trying again will not help
                    logger.error("purge refused by %s (HTTP %s): check the VCL's purgers ACL", url, status)
                return True
            logger.warning("purge to %s answered HTTP %s", url, status)
        except OSError as error:
            logger.warning("purge to %s failed: %s", url, error)
        if pause is not None:
            time.sleep(pause)
    return False


@task(queue_name="purges")
def purge_http_caches(keys, urls=None, deferrals=0):
    """Tell every HTTP cache in front to drop the pages carrying `keys`."""
    urls = list(urls if urls is not None else getattr(settings, "CACHE_PURGE_URLS", []))
    failed = [url for url in urls if not _deliver(url, keys, PURGE_PAUSES)]
    if not failed:
        return len(urls)
    if deferrals >= PURGE_DEFERRALS:
        logger.error("purge of %s never reached %s: the pages expire on their own", " ".join(keys), failed)
        return len(urls) - len(failed)
    retry = purge_http_caches
    if retry.get_backend().supports_defer:
        retry = retry.using(run_after=timezone.now() + datetime.timedelta(seconds=DEFER_SECONDS))
        retry.enqueue(keys=keys, urls=failed, deferrals=deferrals + 1)
    else:
        logger.error("purge of %s not delivered to %s (this task backend cannot retry later)", " ".join(keys), failed)
    return len(urls) - len(failed)
