"""Replies posted at the same moment into one thread keep a valid, gap-free tree order.

xtd's XtdComment._calculate_thread_data reads Max/Min("order") of the thread and shifts
the orders after the new reply, with no lock: 20 concurrent replies to one comment on
PostgreSQL got 17 duplicate positions. comments.moderation (_save_new) locks the thread's
root row first, so replies within one thread are placed one after the other.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_comments_xtd.models import XtdComment

from .commenting import form_fields, post_comment
from .factories import PostFactory, StaffFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks; .ci/run runs the suite on PostgreSQL too",
    ),
    pytest.mark.django_db(transaction=True),
]

REPLIES = 16


def assert_valid_tree_order(comments):
    """(thread_id, order) must be a pre-order walk of the tree: 1..n, each reply after its
    parent and inside its parent's subtree (what comments.selectors.thread_page relies on)."""
    ordered = sorted(comments, key=lambda c: c.order)
    orders = [c.order for c in ordered]
    assert orders == list(range(1, len(comments) + 1)), f"orders are not 1..{len(comments)}: {orders}"
    root = ordered[0]
    assert root.pk == root.thread_id and root.level == 0
    path = [root]  # the ancestors of the current position
    for comment in ordered[1:]:
        while path and path[-1].pk != comment.parent_id:
            path.pop()
        assert path, f"comment {comment.pk} (order {comment.order}) is not inside its parent {comment.parent_id}"
        assert comment.level == path[-1].level + 1
        path.append(comment)


def test_simultaneous_replies_into_one_thread_keep_distinct_ordered_positions(settings):
    settings.COMMENTS_RATE_LIMIT = 10_000
    post = PostFactory()
    author_client = Client()
    author_client.force_login(post.author)
    assert post_comment(author_client, post, comment="The root comment.").status_code == 302
    root = XtdComment.norel_objects.latest("pk")
    assert post_comment(author_client, post, reply_to=root, comment="The author's first reply.").status_code == 302
    first_reply = XtdComment.norel_objects.latest("pk")
    assert first_reply.thread_id == root.pk and first_reply.level == 1

    staff = StaffFactory(username="moderator")
    # Half reply to the root (xtd appends: Max(order) + 1), half to the first reply (xtd
    # inserts: Min(order) of what follows, and shifts the rest down).
    targets = [root if n % 2 == 0 else first_reply for n in range(REPLIES)]
    clients = [Client() for _ in range(REPLIES)]
    for client in clients:
        client.force_login(staff)
    fields = form_fields(clients[0], post.get_absolute_url())  # the same signed form for all
    fields.pop("csrfmiddlewaretoken", None)
    connection.close()  # the threads open their own connections

    barrier = threading.Barrier(REPLIES)
    results = [None] * REPLIES

    def reply(n):
        try:
            data = {**fields, "comment": f"Simultaneous reply number {n}.", "reply_to": str(targets[n].pk)}
            barrier.wait(timeout=30)
            response = clients[n].post(reverse("comments:post"), data, REMOTE_ADDR=f"10.0.0.{n + 1}")
            results[n] = response.status_code
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[n] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=reply, args=(n,)) for n in range(REPLIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results == [302] * REPLIES
    thread_comments = list(XtdComment.norel_objects.filter(thread_id=root.pk))
    assert len(thread_comments) == REPLIES + 2
    assert {c.comment for c in thread_comments} >= {f"Simultaneous reply number {n}." for n in range(REPLIES)}
    by_pk = {c.pk: c for c in thread_comments}
    assert by_pk[root.pk].order == 1
    for comment in thread_comments:
        if comment.pk != root.pk:
            assert comment.order > by_pk[comment.parent_id].order
    assert_valid_tree_order(thread_comments)
    assert by_pk[root.pk].nested_count == REPLIES + 1
