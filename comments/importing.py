"""The comments app's half of blog.importers: creating and updating imported comments.

An imported comment is an XtdComment built as a new one is (save() computes xtd's thread
data: a top-level comment gets thread_id = parent_id = its own pk; a reply, given
parent_id, gets its level and order), plus its Moderation row with the state from the
export, the reason "seeded" (demo or imported content) and body_html rendered by
render_comment(), which sanitizes the exported HTML. No signal is sent and no mail leaves:
these comments were answered years ago.
"""

import ipaddress
from contextlib import contextmanager

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.signals import pre_save
from django_comments.models import Comment
from django_comments_xtd.models import XtdComment, publish_or_unpublish_on_pre_save

from blog.models import Post

from .models import Moderation, Reason, State
from .moderation import render_comment

FLAGS = {
    State.PUBLISHED: {"is_public": True, "is_removed": False},
    State.HELD: {"is_public": False, "is_removed": False},
    State.SPAM: {"is_public": False, "is_removed": True},
    State.REMOVED: {"is_public": True, "is_removed": True},
}


def _ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def _url(value):
    """Only http(s) addresses are kept as the commenter's website (the form allows no other)."""
    value = (value or "").strip()
    return value[:200] if value.lower().startswith(("http://", "https://")) else ""


def _fields(*, user, name, email, url, ip, submitted, text):
    return {
        "user": user,
        "user_name": (name or "")[:50],
        "user_email": (email or "")[:254],
        "user_url": _url(url),
        "ip_address": _ip(ip),
        "submit_date": submitted,
        "comment": text,
    }


@contextmanager
def creating():
    """Wrap a run of create_comment() calls: xtd's pre_save receiver is off meanwhile.

    On every save of an existing comment, that receiver looks for the comment's replies by
    parent_id, a column xtd does not index: a full scan of the comment table, twice, for
    each comment created (save() saves twice). For a comment just created it finds nothing
    and changes nothing (no replies yet, nested_count 0), so skipping it changes no data and
    keeps an import of thousands of comments linear.
    """
    disconnected = pre_save.disconnect(publish_or_unpublish_on_pre_save, sender=XtdComment)
    try:
        yield
    finally:
        if disconnected:
            pre_save.connect(publish_or_unpublish_on_pre_save, sender=XtdComment)


def create_comment(post, *, parent_id=None, state=State.PUBLISHED, **fields):
    """A new comment on `post` (a reply when parent_id is given) with its moderation row."""
    comment = XtdComment(
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        parent_id=parent_id or 0,
        **_fields(**fields),
        **FLAGS[state],
    )
    comment.save()
    Moderation.objects.create(  # imported or demo: never announced to followers here
        comment=comment,
        state=state,
        reason=Reason.SEEDED,
        body_html=render_comment(comment.comment),
        announced=state == State.PUBLISHED,
    )
    return comment


def bulk_create_comments(post, rows):
    """Create many comments on `post` at once: {key: pk}. Each row is (key, parent_key, state, fields).

    For new threads only: every parent_key is None or the key of an earlier row, and levels
    are already within the site's limit. The thread data xtd's save() would compute
    (thread_id, parent_id, level, order, nested_count) is computed here in memory: order is
    the position in the thread in pre-order, children in insertion order (as xtd inserts a
    reply at the end of its parent's subtree); nested_count counts all descendants. xtd's
    comment inherits django_comments' Comment through a second table, which bulk_create
    cannot fill: the base rows are bulk-created, the xtd rows inserted with one executemany
    (as tests.factories.bulk_thread does). tests/test_import_wordpress.py checks that the
    result equals the one-by-one save() path.
    """
    if not rows:
        return {}
    children, roots, parent_of = {}, [], {}
    for key, parent_key, *_ in rows:
        parent_of[key] = parent_key
        if parent_key is None:
            roots.append(key)
        else:
            children.setdefault(parent_key, []).append(key)
    thread = {}  # key -> (root key, order, level)
    for root in roots:
        order, stack = 0, [(root, 0)]
        while stack:
            key, level = stack.pop()
            order += 1
            thread[key] = (root, order, level)
            stack.extend((child, level + 1) for child in reversed(children.get(key, [])))
    nested = dict.fromkeys(parent_of, 0)
    for key, parent_key, *_ in reversed(rows):
        if parent_key is not None:
            nested[parent_key] += nested[key] + 1
    content_type = ContentType.objects.get_for_model(Post)
    base = Comment.objects.bulk_create(
        Comment(
            content_type=content_type,
            object_pk=str(post.pk),
            site_id=settings.SITE_ID,
            **_fields(**fields),
            **FLAGS[state],
        )
        for _key, _parent, state, fields in rows
    )
    pks = {row[0]: comment.pk for row, comment in zip(rows, base, strict=True)}
    table = connection.ops.quote_name(XtdComment._meta.db_table)
    values = []
    for key, parent_key, *_ in rows:
        root, order, level = thread[key]
        parent_pk = pks[parent_key] if parent_key is not None else pks[key]
        values.append((pks[key], pks[root], parent_pk, level, order, False, nested[key]))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} "  # noqa: S608 - the table name is quoted, values are parameters
            '(comment_ptr_id, thread_id, parent_id, level, "order", followup, nested_count) '
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            values,
        )
    Moderation.objects.bulk_create(
        Moderation(
            comment_id=pks[key],
            state=state,
            reason=Reason.SEEDED,
            body_html=render_comment(fields["text"]),
            announced=state == State.PUBLISHED,
        )
        for key, _parent, state, fields in rows
    )
    return pks


def update_comment(comment_id, **fields):
    """Bring an imported comment's author, date and text up to date; its state stays as it is."""
    values = _fields(**fields)
    user = values.pop("user")
    values["user_id"] = user.pk if user is not None else None
    XtdComment.norel_objects.filter(pk=comment_id).update(**values)
    Moderation.objects.filter(comment_id=comment_id).update(body_html=render_comment(values["comment"]))


def thread_positions(comment_ids):
    """{pk: (level, parent_id)} of the comments that still exist among `comment_ids`."""
    ids = list(comment_ids)
    positions = {}
    for start in range(0, len(ids), 500):
        rows = XtdComment.norel_objects.filter(pk__in=ids[start : start + 500]).values_list("pk", "level", "parent_id")
        positions.update({pk: (level, parent) for pk, level, parent in rows})
    return positions
