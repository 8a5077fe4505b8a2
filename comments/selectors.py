"""Comment reads for pages: a whole thread page from one query, counts for a list in one."""

import math
from collections import namedtuple
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
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


def _visible(pending_ids):
    condition = Q(moderation__state__in=VISIBLE_STATES)
    if pending_ids:
        condition |= Q(pk__in=list(pending_ids)[:50], moderation__state=State.HELD)
    return condition


CommentRow = namedtuple(
    "CommentRow", ["pk", "user_name", "user_url", "user_email", "user_id", "submit_date", "parent_id", "level"]
)


@dataclass(slots=True)
class Node:
    comment: CommentRow  # what a thread shows of an XtdComment
    state: str
    body_html: str
    is_author: bool = False
    children: list = field(default_factory=list)
    depth: int = 0
    closes: range = range(0)  # how many parent <li>s end after this one (flat rendering)

    @property
    def pk(self):
        return self.comment.pk

    @property
    def removed(self):
        return self.state == State.REMOVED

    @property
    def pending(self):
        return self.state == State.HELD


@dataclass
class ThreadPage:
    nodes: list  # the top-level comments, each with .children
    number: int
    num_pages: int
    count: int  # published comments on the post

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.num_pages

    @property
    def is_paginated(self):
        return self.num_pages > 1

    @property
    def flat(self):
        """Every node in reading order, with `depth` and `closes` set: lets a template
        draw the nested lists in one loop instead of one include per comment."""
        out = []

        def walk(nodes, depth):
            for node in nodes:
                node.depth = depth
                node.closes = range(0)
                out.append(node)
                walk(node.children, depth + 1)
            if nodes and depth:
                last = out[-1]
                last.closes = range(len(last.closes) + 1)

        walk(self.nodes, 0)
        return out


def _top_level_ids(post, pending_ids):
    """Thread ids of the post's visible top-level comments, oldest first (one query)."""
    return list(
        post_comments(post)
        .filter(_visible(pending_ids), level=0)
        .order_by("thread_id")
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


def thread_page(post, *, page=None, pending_ids=()):
    """Top-level comments of one page (default: the newest page), each with its replies.

    Two queries whatever the number of comments (three when paginated): comments ordered
    by (thread_id, order) are already in tree order; `level` tells the depth, so the tree
    is rebuilt in one pass. Spam is never shown; a removed comment keeps its place (its
    replies stay attached) but not its text; held comments only for their own writer.
    """
    threads = _top_level_ids(post, pending_ids)
    num_pages = max(1, math.ceil(len(threads) / per_page()))
    number = num_pages if page is None else min(max(1, page), num_pages)
    page_threads = threads[(number - 1) * per_page() : number * per_page()]
    fields = ["pk", "user_name", "user_url", "user_email", "user_id", "submit_date", "parent_id", "level"]
    rows = (
        post_comments(post)
        .filter(_visible(pending_ids))
        .order_by("thread_id", "order")
        # Plain rows, not model instances: building 2 objects per comment was a third of the page.
        .values_list(*fields, "moderation__state", "moderation__body_html", named=False)
    )
    if num_pages > 1:
        rows = rows.filter(thread_id__in=page_threads)
    roots, by_pk = [], {}
    for *values, state, body_html in rows:
        comment = CommentRow(*values)
        node = Node(
            comment=comment,
            state=state,
            body_html=body_html,
            is_author=comment.user_id is not None and comment.user_id == post.author_id,
        )
        by_pk[comment.pk] = node
        if comment.level == 0:
            roots.append(node)
        elif comment.parent_id in by_pk:  # rows come parent first: (thread_id, order) is tree order
            by_pk[comment.parent_id].children.append(node)
        # else: its parent is hidden (spam, held again, deleted), and so is the reply
    return ThreadPage(nodes=roots, number=number, num_pages=num_pages, count=published_count(post))


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
