"""Comment reads for pages: a whole thread page from one query, counts for a list in one."""

import math
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


@dataclass
class Node:
    comment: XtdComment
    state: str
    body_html: str
    is_author: bool = False
    children: list = field(default_factory=list)

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
    nodes: list
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
    rows = (
        post_comments(post)
        .filter(_visible(pending_ids))
        .select_related("moderation")
        .only(
            "pk",
            "user_name",
            "user_url",
            "user_id",
            "submit_date",
            "thread_id",
            "parent_id",
            "level",
            "order",
            "comment",
            "moderation__state",
            "moderation__body_html",
            *(["user_email"] if getattr(settings, "COMMENTS_GRAVATAR", False) else []),
        )
        .order_by("thread_id", "order")
    )
    if num_pages > 1:
        rows = rows.filter(thread_id__in=page_threads)
    roots, stack = [], []
    for comment in rows:
        node = Node(
            comment=comment,
            state=comment.moderation.state,
            body_html=comment.moderation.body_html,
            is_author=comment.user_id is not None and comment.user_id == post.author_id,
        )
        while stack and stack[-1].comment.level >= comment.level:
            stack.pop()
        if comment.level == 0 or not stack:
            roots.append(node)
        else:
            stack[-1].children.append(node)
        stack.append(node)
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
