"""comments.moderation, the one writer of comments: threads, flags, page invalidation, adoption,
and what a posted comment costs."""

import datetime

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog import cache_keys
from blog.models import Post
from comments import moderation
from comments.models import Moderation, Reason, State

from .commenting import form_fields, post_comment
from .factories import PostFactory, StaffFactory, comment, comments

pytestmark = pytest.mark.django_db

# A thread written out of order: replies to earlier comments arrive after later siblings,
# so new replies land in the middle of the thread (xtd shifts the orders after them).
SHAPE = [None, 0, 0, 1, None, 4, 2, 1, 0, 5, 8]  # parent index of each comment, in posting order


def thread_of(post):
    """The thread as (text, parent's text, level, order, nested_count), in tree order."""
    rows = XtdComment.norel_objects.filter(object_pk=str(post.pk)).order_by("thread_id", "order")
    text = {c.pk: c.comment for c in rows}
    return [(c.comment, text[c.parent_id], c.level, c.order, c.nested_count) for c in rows]


def test_replies_are_placed_in_the_thread_exactly_as_xtd_places_them():
    ours, stock = PostFactory(), PostFactory()
    made = {"ours": [], "stock": []}
    for n, parent in enumerate(SHAPE):
        text = f"comment {n}"
        parent_ours = made["ours"][parent] if parent is not None else None
        made["ours"].append(comment(ours, text=text, parent=parent_ours))
        stock_comment = XtdComment(
            content_type=ContentType.objects.get_for_model(Post),
            object_pk=str(stock.pk),
            site_id=settings.SITE_ID,
            comment=text,
            parent_id=made["stock"][parent].pk if parent is not None else 0,
        )
        stock_comment.save()  # xtd's own threading
        made["stock"].append(stock_comment)
    assert thread_of(ours) == thread_of(stock)
    assert {level for _text, _parent, level, _order, _nested in thread_of(ours)} == {0, 1, 2}


def test_seed_many_builds_the_thread_seed_builds_one_by_one(settings):
    settings.COMMENTS_XTD_MAX_THREAD_LEVEL_BY_APP_MODEL = {"blog.post": 1}  # a deeper reply is re-aimed
    bulk, single = PostFactory(), PostFactory()
    rows = [(n, parent, State.PUBLISHED, {"text": f"comment {n}"}) for n, parent in enumerate(SHAPE)]
    moderation.seed_many(bulk, rows)
    made = []
    for n, parent in enumerate(SHAPE):
        target = made[parent] if parent is not None else None
        target = moderation.reply_parent(
            target,
            level_of=lambda c: c.level,
            parent_of=lambda c: XtdComment.norel_objects.get(pk=c.parent_id),
        )
        made.append(comment(single, text=f"comment {n}", parent=target))
    assert thread_of(bulk) == thread_of(single)
    assert max(level for _text, _parent, level, _order, _nested in thread_of(bulk)) == 1


def flags(pk):
    row = XtdComment.norel_objects.select_related("moderation").get(pk=pk)
    return row.moderation.state, row.is_public, row.is_removed


def test_a_removed_comment_looks_the_same_whichever_path_removed_it(staff):
    post = PostFactory()
    removed_by_moderator = comment(post, text="removed later")
    moderation.remove([removed_by_moderator], by=staff)
    seeded = comment(post, text="seeded removed", state=State.REMOVED)
    (bulk,) = moderation.seed_many(post, [("k", None, State.REMOVED, {"text": "bulk removed"})]).values()
    adopted = comment(post, text="adopted")
    Moderation.objects.filter(comment_id=adopted.pk).delete()
    XtdComment.norel_objects.filter(pk=adopted.pk).update(is_public=True, is_removed=True)  # xtd's "removed"
    moderation.adopt([adopted.pk])
    looks = {flags(pk) for pk in (removed_by_moderator.pk, seeded.pk, bulk, adopted.pk)}
    assert looks == {(State.REMOVED, *moderation.FLAGS[State.REMOVED].values())}
    assert looks == {(State.REMOVED, False, True)}


@pytest.mark.parametrize("state", list(State))
def test_every_state_has_one_set_of_xtd_flags_on_every_path(state, staff):
    post = PostFactory()
    single = comment(post, state=state, text="single")
    (bulk,) = moderation.seed_many(post, [("k", None, state, {"text": "bulk"})]).values()
    expected = (state, *moderation.FLAGS[state].values())
    assert flags(single.pk) == flags(bulk) == expected


# Every write drops the cached pages ------------------------------------------------------


@pytest.fixture
def purged(django_capture_on_commit_callbacks):
    """purged(key) -> True when `key` (blog.cache_keys) was purged since the last call for it."""
    seen = {}

    def token(key):
        return cache_keys.tokens([key])[key]

    def changed(key):
        now = token(key)
        moved = key in seen and now != seen[key]
        seen[key] = now
        return moved

    return changed


def test_every_comment_write_purges_its_posts_thread_and_no_other(purged, staff, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 1
    post, other = PostFactory(), PostFactory()
    mine, theirs = cache_keys.comments(post.pk), cache_keys.comments(other.pk)
    purged(mine), purged(theirs), purged(cache_keys.COMMENTS_FEED)
    first = comment(post, text="seeded")
    assert purged(mine), "seed"
    moderation.seed_many(post, [("k", None, State.PUBLISHED, {"text": "bulk"})])
    assert purged(mine), "seed_many"
    moderation.update_seeded(first.pk, text="edited", name="Reader")
    assert purged(mine), "update_seeded"
    posted = moderation.create(post, moderation.rules.Decision("publish", Reason.CLEAN), text="posted")
    assert purged(mine) and purged(cache_keys.COMMENTS_FEED), "create"
    moderation.remove([posted], by=staff)
    assert purged(mine), "remove"
    moderation.restore([posted], by=staff)
    assert purged(mine), "restore"
    moderation.mark_spam([posted], by=staff)
    assert purged(mine), "mark_spam"
    moderation.approve([posted], by=staff)
    assert purged(mine), "approve"
    moderation.report(posted, reporter_key="someone")
    assert purged(mine), "report past the threshold"
    Moderation.objects.filter(comment_id=first.pk).delete()
    purged(mine)
    moderation.adopt([first.pk])
    assert purged(mine), "adopt"
    assert not purged(theirs), "another post's thread is never purged by these"
    assert not purged(cache_keys.post(other.pk))


def test_re_rendering_posts_purges_every_page(purged):
    post = PostFactory()
    Post.objects.filter(pk=post.pk).update(body_html="<p>stale</p>")  # as after a markup change
    purged(cache_keys.SITE)
    call_command("render_posts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert purged(cache_keys.SITE)
    post.refresh_from_db()
    assert "stale" not in post.body_html


def test_seeding_the_demo_purges_the_lists(purged):
    purged(cache_keys.HOME)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert purged(cache_keys.HOME)


# Comments made outside this engine ----------------------------------------------------------


def stock_comment(post, **fields):
    """A comment saved by django-comments-xtd itself (its save(), as its own views and admin do)."""
    values = {
        "content_type": ContentType.objects.get_for_model(Post),
        "object_pk": str(post.pk),
        "site_id": settings.SITE_ID,
        "user_name": "Old Reader",
        "user_email": "old@example.com",
        "comment": "Written before this engine.",
        "submit_date": timezone.now() - datetime.timedelta(days=1),
    }
    made = XtdComment(**{**values, **fields})
    made.save()
    return made


def test_a_comment_saved_by_xtd_itself_gets_its_moderation_row_at_once():
    post = PostFactory()
    public, hidden = stock_comment(post), stock_comment(post, is_public=False, comment="Held by xtd.")
    assert flags(public.pk) == (State.PUBLISHED, True, False)
    assert flags(hidden.pk) == (State.HELD, False, False)
    assert Moderation.objects.get(comment_id=public.pk).reason == Reason.ADOPTED


def test_a_reply_to_a_comment_without_a_moderation_row_is_posted_not_a_500(client, settings):
    settings.COMMENTS_HOLD_FIRST_COMMENT = False
    post = PostFactory()
    old = stock_comment(post)
    Moderation.objects.filter(comment_id=old.pk).delete()  # as on a site that ran xtd before
    response = post_comment(client, post, reply_to=old, comment="Answering an old comment.")
    assert response.status_code == 302
    reply = XtdComment.norel_objects.get(comment="Answering an old comment.")
    assert reply.parent_id == old.pk and flags(reply.pk)[0] == State.PUBLISHED
    assert flags(old.pk) == (State.PUBLISHED, True, False)
    assert client.get(reverse("comments:reply", args=[old.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_existing_xtd_comment_its_row():
    executor = MigrationExecutor(connection)
    executor.migrate([("comments", "0003_moderation_announced")])
    old_apps = executor.loader.project_state([("comments", "0003_moderation_announced")]).apps
    OldComment = old_apps.get_model("django_comments_xtd", "XtdComment")
    content_type = ContentType.objects.get_for_model(Post)
    post = PostFactory()
    made = {}
    for name, is_public, is_removed in [("public", True, False), ("hidden", False, False), ("removed", True, True)]:
        row = OldComment.objects.create(
            content_type_id=content_type.pk,
            object_pk=str(post.pk),
            site_id=settings.SITE_ID,
            user_name=name,
            comment=f"A *{name}* comment.",
            submit_date=timezone.now(),
            is_public=is_public,
            is_removed=is_removed,
            thread_id=0,
            parent_id=0,
        )
        made[name] = row.pk
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert flags(made["public"]) == (State.PUBLISHED, True, False)
    assert flags(made["hidden"]) == (State.HELD, False, False)
    assert flags(made["removed"]) == (State.REMOVED, False, True)
    assert Moderation.objects.get(comment_id=made["public"]).body_html == "<p>A <em>public</em> comment.</p>"


# What posting costs ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["first comment (held)", "known reader", "reply", "staff"])
def test_posting_a_comment_into_a_big_thread_costs_at_most_13_queries(
    kind, client, settings, django_assert_max_num_queries
):
    settings.COMMENTS_RATE_LIMIT = 1000
    post = PostFactory()
    roots, _ = comments(post, 500, replies_per_root=1)  # 1,000 comments
    known = roots[0].user_email
    if kind == "staff":
        client.force_login(StaffFactory())
    data = form_fields(client, post.get_absolute_url())  # a browser reads the page first
    data.update(name="Reader", email=known, url="", honeypot="", comment=f"A comment: {kind}.")
    if kind.startswith("first"):
        data["email"] = "new@example.com"
    if kind == "reply":
        data["reply_to"] = str(roots[10].pk)
    with django_assert_max_num_queries(13):
        response = client.post(reverse("comments:post"), data)
    assert response.status_code == 302
    assert XtdComment.norel_objects.filter(comment=f"A comment: {kind}.").exists()


def test_importing_purges_the_lists_and_the_threads(purged):
    StaffFactory(username="dana")
    purged(cache_keys.HOME)
    fixture = str(settings.BASE_DIR / "tests" / "fixtures" / "wordpress-export.xml")
    call_command("import_wordpress", fixture, "--author", "dana", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert purged(cache_keys.HOME)
    imported = XtdComment.norel_objects.first()
    assert imported is not None
    key = cache_keys.comments(imported.object_pk)
    purged(key)
    moderation.update_seeded(imported.pk, text="re-imported", name="Reader")
    assert purged(key)


def test_the_queues_old_address_in_sent_emails_still_leads_to_the_queue(staff_client):
    response = staff_client.get("/admin/comments/heldcomment/?state=spam")
    assert response.status_code == 302
    assert response["Location"] == "/admin/comments/moderatedcomment/?state=spam"
    assert staff_client.get(response["Location"]).status_code == 200


def test_the_queue_lists_a_comment_that_has_no_moderation_row(staff_client):
    post = PostFactory()
    orphan = stock_comment(post, comment="An orphan.")
    Moderation.objects.filter(comment_id=orphan.pk).delete()
    response = staff_client.get("/admin/comments/moderatedcomment/", {"state": "all"})
    assert response.status_code == 200
    assert "An orphan." in response.content.decode()


def test_the_post_author_replying_in_the_thread_is_never_rate_limited(client, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    post = PostFactory()
    for n in range(3):  # readers on the same address use up its limit
        post_comment(client, post, email=f"reader{n}@example.com", comment=f"Reader comment {n}")
    client.force_login(post.author)
    for n in range(6):
        response = post_comment(client, post, comment=f"The author's answer {n}.")
        assert response.status_code == 302, response.content.decode()
    assert XtdComment.norel_objects.filter(user=post.author).count() == 6


def test_every_decision_is_kept_in_the_comments_history(client, staff, django_assert_max_num_queries):
    post = PostFactory()
    post_comment(client, post, email="first@example.com", comment="Held first.")
    held = XtdComment.norel_objects.get(comment="Held first.")
    moderation.approve([held], by=staff)
    moderation.remove([held], by=staff)
    with django_assert_max_num_queries(1):
        steps = moderation.decision_history([held.pk])[held.pk]
    assert [(step.state, step.reason, step.decided_by) for step in steps] == [
        (State.HELD, Reason.FIRST_COMMENT, None),
        (State.PUBLISHED, Reason.MODERATOR, staff),
        (State.REMOVED, Reason.MODERATOR, staff),
    ]
    assert Moderation.objects.get(comment_id=held.pk).state == State.REMOVED  # the latest, as before


def test_a_removed_comment_leaves_a_placeholder_only_for_replies_still_shown(client, staff):
    post = PostFactory()
    parent = comment(post, text="A published parent.")
    reply = comment(post, parent=parent, text="A published reply.")
    alone = comment(post, text="Published, no replies.")
    held = comment(post, parent=parent, text="Never public.", state=State.HELD)
    emptied = comment(post, text="Its only reply is removed too.")
    removed_reply = comment(post, parent=emptied, text="Removed reply.")
    moderation.remove([parent, alone, held, emptied, removed_reply], by=staff)
    html = client.get(post.get_absolute_url()).content.decode()
    assert html.count("[removed]") == 1  # only the parent, which still holds its reply
    assert f'id="c{parent.pk}"' in html and "A published reply." in html
    for gone in (alone, held, emptied, removed_reply):
        assert f'id="c{gone.pk}"' not in html
    assert f'id="c{reply.pk}"' in html


def test_an_imported_comment_keeps_its_first_reason_after_a_moderators_decision(staff):
    post = PostFactory()
    seeded = comment(post, text="Imported, held.", state=State.HELD, reason=Reason.SEEDED)
    (bulk,) = moderation.seed_many(post, [("k", None, State.HELD, {"text": "bulk"})]).values()
    moderation.approve([seeded.pk, bulk], by=staff)
    history = moderation.decision_history([seeded.pk, bulk])
    for pk in (seeded.pk, bulk):
        assert [(e.state, e.reason) for e in history[pk]] == [
            (State.HELD, Reason.SEEDED),
            (State.PUBLISHED, Reason.MODERATOR),
        ]


def test_the_queue_says_why_readers_reported_a_comment(staff_client, settings):
    from comments.models import Report

    settings.COMMENTS_REPORT_THRESHOLD = 2
    post = PostFactory()
    reported = comment(post, text="Reported twice.")
    for n, why in enumerate([Report.Why.SPAM, Report.Why.SPAM, Report.Why.OFF_TOPIC]):
        moderation.report(reported, reporter_key=f"reader {n}", why=why)
    html = staff_client.get("/admin/comments/moderatedcomment/").content.decode()
    assert "Readers reported it: spam or advertising ×2, off-topic" in html
