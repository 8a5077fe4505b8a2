"""Whole-page caching for anonymous readers, and the one function that invalidates it.

Every public page is stored with the *generation* it was rendered in (config.page_cache);
any change that a public page could show (a post saved, published, unpublished or deleted,
a tag or theme renamed, a pin changed, a comment published, approved, removed or marked
spam) calls `invalidate_pages()`, which starts a new generation: the very next request in
this process renders afresh, and in every other process within
settings.PAGE_CACHE_GENERATION_RECHECK seconds (each keeps the generation it last read for
that long: a cached page then costs no network round trip). Whoever made the change does
not wait: staff and readers with a message or a held comment carry a cookie, and such
requests never come from the cache. A scheduled post needs no job: the generation also
records when the next scheduled post goes live, and the first request after that moment
starts a new generation.
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)

STATE_KEY = "pages:state"
# Sent when a request notices that a scheduled post's time has come (the moment the page
# cache starts a new generation for it): work that waits for a publication can start then,
# with no job of its own (subscriptions.receivers enqueues the subscribers' mail).
publication_due = Signal()
# A generation lasts at most this long: an invalidation lost while the cache was
# unreachable (Redis down) leaves stale pages for five minutes at most.
STATE_TIMEOUT = 300


def _next_publication():
    from .models import Post

    return Post.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()


_READ = object()


def _new_state(upcoming=_READ):
    """A new generation; `upcoming`: the next publication's timestamp, when known already."""
    if upcoming is _READ:
        upcoming = _next_publication()
        upcoming = upcoming.timestamp() if upcoming else None
    state = (uuid.uuid4().hex[:12], upcoming)
    cache.set(STATE_KEY, state, STATE_TIMEOUT)
    _remember(state)
    return state


_UNREAD = object()
_last_read = (None, float("-inf"))  # (state, time.monotonic() when read): this process's memory


def _remember(state):
    global _last_read
    _last_read = (state, time.monotonic())


def generation(state=_UNREAD):
    """The current page generation (starting a new one when a scheduled post went live).

    `state`: the value under STATE_KEY when the caller has read it already (the page cache
    reads it together with the page, in one round trip). Otherwise the state this process
    read less than settings.PAGE_CACHE_GENERATION_RECHECK seconds ago, or a fresh read.
    """
    if state is _UNREAD:
        remembered, read_at = _last_read
        if remembered is not None and time.monotonic() - read_at < settings.PAGE_CACHE_GENERATION_RECHECK:
            state = remembered
        else:
            state = cache.get(STATE_KEY)
            _remember(state)
    else:
        _remember(state)
    due = state is not None and state[1] is not None and timezone.now().timestamp() >= state[1]
    if state is None or due:
        state = _new_state()
    if due:
        publication_due.send(sender=None)
    return state[0]


def invalidate_pages(reason="", *, schedule=True):
    """Drop every cached page: the next request for each renders afresh.

    `schedule=False`: the change cannot move a post's publication (a comment, say), so the
    next scheduled publication is taken from the current generation instead of the database.
    """
    from django.db import transaction

    upcoming = _READ
    if not schedule:
        current = cache.get(STATE_KEY)
        if current is not None:
            upcoming = current[1]

    def bump():
        _new_state(upcoming)
        logger.debug("page cache invalidated%s", f" ({reason})" if reason else "")

    # Now, and again once the transaction commits: a request served in between could have
    # cached the old content again.
    bump()
    transaction.on_commit(bump)
