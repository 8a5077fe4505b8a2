"""Cache keys: every cached page names what it shows, and a change purges exactly those names.

How to use cache keys (for a new page or a new kind of change)
---------------------------------------------------------------
- A page registers what it read, while it renders::

      from blog import cache_keys
      cache_keys.add(request, cache_keys.COMMENTS_FEED, cache_keys.comments(post.pk))
      # or, from code that has no request (a selector, a template tag): cache_keys.add(*keys)

  Reading a Post, Tag, Theme or Page instance registers it by itself (post_init: `post-12`,
  `tag-5`, `theme-2`, `page-3`), so list items, Relevant Discussions and previous/next links
  need no code. Register what an instance does not say: the list a page is (`home`, `tag-5`
  for the tag's page, `archive-2026-11`, `feed`, ...) and derived data (comment counts:
  `comments-12`). A view can also say it with a decorator: `@cache_keys.cached_by("feed")`.
  Outside a cacheable request (staff, POST, a management command) add() does nothing.
- A change purges the keys of what it changed, once its transaction commits::

      cache_keys.purge(cache_keys.comments(post.pk), cache_keys.COMMENTS_FEED)

  purge() is the one function every write path goes through (blog.signals for posts, tags,
  themes, pages, pins and images; comments.moderation.pages_changed for every comment write).
  It drops the pages in this site's own cache (config.page_cache) at once and again after
  the commit, and, when CACHE_PURGE_URLS names HTTP caches in front (Varnish with xkey,
  deploy/varnish/blog.vcl), enqueues one task that sends them the keys (blog.tasks): after the
  commit, retried, never blocking or failing the request that made the change.

Keys are short words without spaces (they travel space-separated in the `xkey` header). The
names are decided here and nowhere else: `post(pk)`, `comments(pk)`, `tag(pk)`, ... below.

How the built-in cache uses them
--------------------------------
Each key has a *token* in the shared cache (`ck:<key>`), replaced by purge(). A stored page
keeps the tokens its keys had when it was rendered; a hit is valid only while every one is
unchanged (an evicted token counts as changed). A token carries the time it was set: a page
whose render began before one of its keys was purged may hold what the purge replaced, so it
is sent but never stored (nor cached in front: it goes out without `xkey`). Each process
remembers the tokens it read for settings.PAGE_CACHE_GENERATION_RECHECK seconds (0 with an
HTTP cache in front, which must never be handed a page older than a purge it was sent).
"""

import contextlib
import functools
import logging
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Keys of lists and of whole-site parts. Every cached page carries SITE (purge(SITE): drop all).
SITE = "site"
HOME = "home"  # the home page and its ?page=N
FEED = "feed"  # the latest-posts feeds (RSS and Atom)
COMMENTS_FEED = "comments-feed"  # feeds of comments across posts
SITEMAP = "sitemap"
MENU = "menu"  # the standalone pages in every page's header
TAGS = "tags"  # /tags/ (counts)
THEMES = "themes"  # /themes/ (counts)
ARCHIVE = "archive"  # /archive/ (months with posts)


def post(pk):
    """A post's own content: its page, and every page that shows its title or summary."""
    return f"post-{pk}"


def comments(pk):
    """A post's published comments: its thread, and every count of them."""
    return f"comments-{pk}"


def tag(pk):
    """A tag's name and its list of posts (its page, its feeds)."""
    return f"tag-{pk}"


def theme(pk):
    return f"theme-{pk}"


def page(pk):
    return f"page-{pk}"


def author(pk):
    """An author's page (name, bio, posts) and bylines."""
    return f"author-{pk}"


def archive(year, month=None):
    return f"archive-{year:04d}" if month is None else f"archive-{year:04d}-{month:02d}"


def lists_of(post_obj, tag_ids=None):
    """The lists a public post is on (its page not included): what its arrival, departure or
    move (new tags, theme, date) changes. `tag_ids`: when the caller knows them already."""
    if tag_ids is None:
        tag_ids = list(post_obj.tags.values_list("pk", flat=True)) if post_obj.pk else []
    keys = {HOME, FEED, SITEMAP, TAGS, THEMES, ARCHIVE, theme(post_obj.theme_id), author(post_obj.author_id)}
    keys.update(tag(pk) for pk in tag_ids)
    if post_obj.published_at:
        from django.utils import timezone

        when = timezone.localtime(post_obj.published_at)
        keys.update({archive(when.year), archive(when.year, when.month)})
    return keys


# -- collecting the keys of the page being rendered -------------------------------------------

_collected: ContextVar = ContextVar("cache_keys_collected", default=None)


@contextlib.contextmanager
def collecting():
    """Within: add() records keys into the set yielded (config.page_cache wraps a request)."""
    keys = {SITE}
    token = _collected.set(keys)
    try:
        yield keys
    finally:
        _collected.reset(token)


def add(*keys):
    """Register keys for the page being rendered: add(key, ...) or add(request, key, ...)."""
    collected = _collected.get()
    if collected is None:
        return
    if keys and not isinstance(keys[0], str):  # a request first
        keys = keys[1:]
    collected.update(keys)


def cached_by(*keys):
    """View decorator: the page carries `keys` (strings, or callables of the view's kwargs)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            add(*(key(**kwargs) if callable(key) else key for key in keys))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# -- tokens of the built-in cache -------------------------------------------------------------

TOKEN_PREFIX = "ck:"  # noqa: S105 - a cache key prefix, not a password
TOKEN_TIMEOUT = 7 * 24 * 3600  # longer than any stored page lives (config.page_cache)
# A page whose render started before a purge of one of its keys (by the token's wall-clock
# time, plus this margin) is not stored. Several app servers compare their clocks here: keep
# them in sync (NTP, milliseconds apart); the margin is for the test of a token's own clock.
CLOCK_MARGIN = 0.0
_memory = {}  # key -> (token, time.monotonic() when read): this process's memory


def _recheck():
    if getattr(settings, "CACHE_PURGE_URLS", None):
        return 0.0
    return settings.PAGE_CACHE_GENERATION_RECHECK


def tokens(keys):
    """{key: token} now, for `keys` (from this process's memory when fresh: no round trip).
    A key without a token gets one (marked as never purged)."""
    recheck, now = _recheck(), time.monotonic()
    found, wanted = {}, []
    for key in keys:
        remembered = _memory.get(key)
        if remembered is not None and now - remembered[1] < recheck:
            found[key] = remembered[0]
        else:
            wanted.append(key)
    if wanted:
        read = cache.get_many([TOKEN_PREFIX + key for key in wanted])
        fresh = {}
        for key in wanted:
            value = read.get(TOKEN_PREFIX + key)
            if value is None:
                value = fresh[TOKEN_PREFIX + key] = f"0:{uuid.uuid4().hex[:10]}"
            found[key] = value
            _memory[key] = (value, now)
        if fresh:
            cache.set_many(fresh, TOKEN_TIMEOUT)
    return found


def still_valid(stored):
    """Whether every key of a stored page still has the token it had (one get_many at most)."""
    current = tokens(stored)
    return all(current[key] == value for key, value in stored.items())


def purged_since(found, started):
    """Whether one of `found` (tokens) was set by a purge after wall-clock time `started`."""
    limit = started - CLOCK_MARGIN
    for value in found.values():
        at = float(value.split(":", 1)[0])
        if at and at > limit:
            return True
    return False


def _replace_tokens(keys):
    now, wall = time.monotonic(), time.time()
    new = {}
    for key in keys:
        value = f"{wall:.6f}:{uuid.uuid4().hex[:10]}"
        new[TOKEN_PREFIX + key] = value
        _memory[key] = (value, now)
    try:
        cache.set_many(new, TOKEN_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - a broken cache must not break a write
        logger.warning("cache keys: could not purge %s: %s", " ".join(keys), error)


# -- purging ----------------------------------------------------------------------------------


def purge(*keys):
    """Drop every cached page that carries one of `keys`, here and in the HTTP caches in front.

    Now (a request served before the commit must not keep the old page either) and again once
    the transaction commits; the HTTP caches are told after the commit, by a task.
    """
    from django.db import transaction

    keys = sorted({key for key in keys if key})
    if not keys:
        return
    batch = _batch.get()
    if batch is not None:  # inside purges_batched(): sent once, when the block ends
        batch.update(keys)
        return
    _replace_tokens(keys)

    def after_commit():
        _replace_tokens(keys)
        if getattr(settings, "CACHE_PURGE_URLS", None):
            _send(keys)
        logger.debug("cache keys purged: %s", " ".join(keys))

    transaction.on_commit(after_commit)


_batch = ContextVar("cache_keys_batch", default=None)
BATCH_LIMIT = 1000  # more keys than this from one batch: every page goes (one token, one purge)


@contextlib.contextmanager
def purges_batched():
    """Within it, purge() collects its keys and purges them once, when the block ends.

    For bulk writers (the importers write 250 posts and their comments per transaction, each
    of which would purge on its own): use it around whole committed transactions, so the one
    purge at the end follows the commit as each would have. Nested blocks join the outer one.
    """
    if _batch.get() is not None:
        yield
        return
    collected = set()
    token = _batch.set(collected)
    try:
        yield
    finally:
        _batch.reset(token)
        if collected:
            purge(*((SITE,) if len(collected) > BATCH_LIMIT else collected))


def _send(keys):
    """Enqueue the purge for the HTTP caches; a failure to enqueue is logged, never raised."""
    try:
        from .tasks import purge_http_caches

        purge_http_caches.enqueue(keys=list(keys))
    except Exception as error:  # noqa: BLE001 - the change is made; the caches expire on their own
        logger.warning("cache keys: could not enqueue the purge of %s: %s", " ".join(keys), error)


def purge_all(reason=""):
    """Every cached page (a change shown everywhere: the site's title, a re-render of every post)."""
    logger.debug("cache keys: purging every page%s", f" ({reason})" if reason else "")
    purge(SITE)


# -- scheduled posts --------------------------------------------------------------------------

UPCOMING_KEY = "ck:upcoming"
# Sent when a request notices that a scheduled post's time has come (its first page rendered
# after that moment): work that waits for a publication starts then, with no job of its own
# (subscriptions.receivers sweeps for posts to announce). Two processes may both send it.
publication_due = Signal()
DAY = 24 * 3600


def seconds_to_live():
    """How long a page rendered now may be kept: a day, or until the next scheduled post goes
    live (every page then renders afresh, in every cache: no job needed). No query as a rule:
    the time is kept in the cache, written when a post changes (blog.signals)."""
    from django.utils import timezone

    now = timezone.now().timestamp()
    upcoming = cache.get(UPCOMING_KEY)
    due = bool(upcoming) and upcoming <= now  # a scheduled post's time has come
    if upcoming is None or due:  # unknown, or that post is live now
        upcoming = refresh_schedule()
    if due:
        publication_due.send(sender=None)
    if not upcoming:
        return float(DAY)
    return max(0.0, min(DAY, upcoming - now))


def refresh_schedule():
    """Read and keep when the next scheduled post goes live (0: none). One query."""
    from .models import Post

    first = Post.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
    upcoming = first.timestamp() if first else 0
    with contextlib.suppress(Exception):
        cache.set(UPCOMING_KEY, upcoming, DAY)
    return upcoming
