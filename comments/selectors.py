"""Comment reads for pages: a whole thread page from two queries, counts for a list in one."""

import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django_comments_xtd.models import XtdComment

from blog.models import Post

from .models import State

VISIBLE_STATES = (State.PUBLISHED, State.REMOVED)


def per_page():
    return getattr(settings, "COMMENTS_PER_PAGE", 50)


def post_comments(post):
    return XtdComment.norel_objects.filter(
        content_type=ContentType.objects.get_for_model(Post), object_pk=str(post.pk), site_id=settings.SITE_ID
    )


def _visible(pending_ids, moderator=False):
    """Published and removed comments; held ones for their writer, or all for a moderator."""
    condition = Q(moderation__state__in=VISIBLE_STATES)
    if moderator:
        return condition | Q(moderation__state=State.HELD)
    if pending_ids:
        condition |= Q(pk__in=list(pending_ids)[:50], moderation__state=State.HELD)
    return condition


# The columns of a thread's rows, in this order (comments.rendering reads them by position).
THREAD_COLUMNS = (
    "pk",
    "user_name",
    "user_url",
    "user_email",
    "user_id",
    "submit_date",
    "parent_id",
    "level",
    "moderation__state",
    "moderation__body_html",
    "moderation__reason",
    "moderation__edited_at",
)
PK, USER_NAME, USER_URL, USER_EMAIL, USER_ID, SUBMIT_DATE, PARENT_ID, LEVEL, STATE, BODY_HTML, REASON, EDITED = range(
    12
)


@dataclass
class ThreadPage:
    """One page of a post's thread.

    `rows` are the comments to show, in reading order (each reply right after its parent,
    inside its parent's subtree), as plain tuples of THREAD_COLUMNS: what the database
    returned, with `level` the depth on the page. `submit_date` is an aware datetime, or on
    SQLite the stored UTC text ("2026-11-03 19:26:57.799326"): comments.rendering reads both.
    """

    rows: list
    number: int
    num_pages: int
    count: int  # published comments on the post
    author_id: int | None = None  # the post's author: their comments carry the Author badge

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def is_paginated(self):
        return self.num_pages > 1


def _top_level_ids(post, pending_ids, moderator=False):
    """Thread ids of the post's visible top-level comments, oldest first (one query).

    Sorted here, not by the database: with ORDER BY, SQLite walks xtd's thread_id index
    over every comment of every post instead of looking up this post's comments.
    """
    return sorted(
        post_comments(post)
        .filter(_visible(pending_ids, moderator), level=0)
        .order_by()
        .values_list("thread_id", flat=True)
    )


def page_of(post, comment_id, *, pending_ids=()):
    """The page number on which `comment_id` appears (for permalinks), or None."""
    thread_id = post_comments(post).filter(pk=comment_id).values_list("thread_id", flat=True).first()
    if thread_id is None:
        return None
    threads = _top_level_ids(post, pending_ids)
    if thread_id not in threads:
        return None
    return threads.index(thread_id) // per_page() + 1


def _fetch(queryset):
    """The rows of a values_list() queryset as the driver returns them: no per-row converters
    (Django's SQLite datetime converter alone was a tenth of the thread's cost)."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in_tree(rows):
    """The rows to show, in reading order: a reply whose parent is hidden (spam, held,
    deleted) is hidden too, and so are its replies.

    Rows ordered by (thread_id, order) are already in tree order (xtd keeps `order` a
    pre-order walk of each thread; comments.moderation places replies under a lock), so one
    pass with the chain of open ancestors does. Should a stored order ever disagree with the
    parents, the tree is rebuilt from parent_id instead (_rebuilt).
    """
    shown = []
    seen = {}  # pk -> shown?
    chain = []  # pks of the shown ancestors of the current row, one per level
    for row in rows:
        pk, parent_id, level = row[PK], row[PARENT_ID], row[LEVEL]
        if level == 0:
            chain = [pk]
        else:
            del chain[level:]
            if len(chain) != level or chain[-1] != parent_id:
                if seen.get(parent_id):  # a shown parent, yet not where the order puts it
                    return _rebuilt(rows)
                seen[pk] = False
                continue
            chain.append(pk)
        seen[pk] = True
        shown.append(row)
    return shown


def _without_empty_placeholders(rows):
    """Drop removed comments with nothing shown below them: a "[removed]" placeholder only
    holds a place for replies that are still shown (so a comment that was never public, or
    has no replies, simply disappears). Rows are in reading order; one pass from the end."""
    kept = []
    live = [False] * (max((row[LEVEL] for row in rows), default=0) + 2)  # a shown row below, per level
    removed = State.REMOVED
    for row in reversed(rows):
        level = row[LEVEL]
        below = live[level + 1]
        for deeper in range(level + 1, len(live)):
            live[deeper] = False
        if row[STATE] != removed or below:
            live[level] = True
            kept.append(row)
    kept.reverse()
    return kept


def _rebuilt(rows):
    """Reading order from parent_id alone, with the depth on the page as `level`."""
    roots, children, known = [], {}, set()
    for row in rows:
        known.add(row[PK])
        if row[LEVEL] == 0:
            roots.append(row)
        elif row[PARENT_ID] in known:  # parent first, or hidden with it
            children.setdefault(row[PARENT_ID], []).append(row)
    shown = []

    def walk(nodes, depth):
        for row in nodes:
            shown.append((*row[:LEVEL], depth, *row[LEVEL + 1 :]))
            walk(children.get(row[PK], ()), depth + 1)

    walk(roots, 0)
    return shown


def thread_page(post, *, page=None, pending_ids=(), moderator=False):
    """Top-level comments of one page (default: the newest page), each with its replies.

    Two queries whatever the number of comments (three when paginated: the count of
    published comments is then a query of its own; on a single page it is counted from the
    rows). Comments ordered by (thread_id, order) are already in tree order; `level` tells
    the depth, so the page is drawn from the rows in one pass. Spam is never shown; a
    removed comment keeps its place (its replies stay attached) but not its text; held
    comments only for their own writer, or every one for a `moderator` (signed-in staff:
    their pages are never cached).
    """
    threads = _top_level_ids(post, pending_ids, moderator)
    num_pages = max(1, math.ceil(len(threads) / per_page()))
    number = num_pages if page is None else min(max(1, page), num_pages)
    # Plain tuples, not model instances: building 2 objects per comment was a third of the page.
    rows = post_comments(post).filter(_visible(pending_ids, moderator)).order_by("thread_id", "order")
    columns = THREAD_COLUMNS
    if connections[rows.db].vendor == "sqlite":
        # The stored UTC text itself: as a column, Python's sqlite3 module would parse every
        # date into a datetime (Django registers the converter) only for it to be formatted.
        rows = rows.annotate(submit_text=Cast("submit_date", TextField()))
        columns = tuple("submit_text" if name == "submit_date" else name for name in columns)
    rows = rows.values_list(*columns)
    if num_pages > 1:
        page_threads = threads[(number - 1) * per_page() : number * per_page()]
        rows = _fetch(rows.filter(thread_id__in=page_threads))
        count = published_count(post)
    else:
        rows = _fetch(rows)
        published = State.PUBLISHED
        count = sum(1 for row in rows if row[STATE] == published)  # every comment is in `rows`
    return ThreadPage(
        rows=_without_empty_placeholders(_in_tree(rows)),
        number=number,
        num_pages=num_pages,
        count=count,
        author_id=post.author_id,
    )


def published_count(post):
    return post_comments(post).filter(moderation__state=State.PUBLISHED).count()


def published_counts(posts):
    """{post pk: number of published comments} for a page of posts, in one query."""
    pks = [str(post.pk) for post in posts]
    if not pks:
        return {}
    rows = (
        XtdComment.norel_objects.filter(
            content_type=ContentType.objects.get_for_model(Post),
            object_pk__in=pks,
            moderation__state=State.PUBLISHED,
        )
        .values("object_pk")
        .annotate(n=Count("pk"))
    )
    return {int(row["object_pk"]): row["n"] for row in rows}
