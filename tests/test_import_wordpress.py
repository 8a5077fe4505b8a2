"""`manage.py import_wordpress`: posts, tags, comment states and threads, redirects, idempotency."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_comments_xtd.models import XtdComment

from blog.models import LegacyLink, Post, Tag
from comments.models import State

from .factories import UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = FIXTURES / "wordpress-export.xml"


def run(path=EXPORT, *args):
    out = io.StringIO()
    call_command("import_wordpress", str(path), "--author", "dana", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def dana(db):
    return UserFactory(username="dana", email="dana@example.com", first_name="Dana", last_name="Reyes")


@pytest.fixture
def imported(dana):
    return run()


def post(wp_id):
    return Post.objects.get(legacy_links__source="wordpress", legacy_links__kind="post", legacy_links__source_id=wp_id)


def comment(wp_id):
    link = LegacyLink.objects.get(source="wordpress", kind="comment", source_id=str(wp_id))
    return XtdComment.objects.select_related("moderation").get(pk=link.comment_id)


def test_posts_statuses_and_tags(imported):
    assert Post.objects.count() == 4
    first = post("101")
    assert first.slug == "preparing-for-interviews" and first.is_public
    assert first.published_at.isoformat() == "2020-03-15T09:00:00+00:00"
    assert sorted(first.tags.values_list("name", flat=True)) == ["Café Networking", "Career Advice", "interviews"]
    assert list(post("102").tags.values_list("name", flat=True)) == ["interviews"]  # "Interviews" reused
    draft = post("103")
    assert draft.status == Post.Status.DRAFT and draft.published_at is None and draft.slug == "a-draft"
    scheduled = post("104")
    assert scheduled.is_scheduled and not scheduled.is_public
    assert "   posts: 4 created, 0 updated, 0 unchanged, 1 skipped" in imported
    assert "   pages: 1 created, 0 updated, 0 unchanged, 0 skipped" in imported
    assert "skipped 1 post: post type 'attachment' is not imported" in imported
    assert "    tags: 3 created, 0 existing" in imported


def test_comment_states_follow_wordpress(imported):
    assert comment(1001).moderation.state == State.PUBLISHED and comment(1001).is_public
    held = comment(1005)
    assert held.moderation.state == State.HELD and not held.is_public and not held.is_removed
    spam = comment(1006)
    assert spam.moderation.state == State.SPAM and not spam.is_public and spam.is_removed
    assert not LegacyLink.objects.filter(source_id__in=["1007", "1009"]).exists()
    assert XtdComment.objects.count() == 7
    assert "comments: 7 created, 0 updated, 0 unchanged, 2 skipped" in imported
    assert "skipped 1 comment: in WordPress's trash" in imported
    assert "skipped 1 comment: pingbacks are not imported" in imported


def test_threads_three_levels_deep(imported):
    alice, dana_reply, bob, fourth = (comment(n) for n in (1001, 1002, 1003, 1004))
    assert (alice.level, dana_reply.level, bob.level) == (0, 1, 2)
    assert (dana_reply.parent_id, bob.parent_id) == (alice.pk, dana_reply.pk)
    assert (fourth.level, fourth.parent_id) == (2, dana_reply.pk)  # clipped to the deepest level
    assert [c.pk for c in XtdComment.objects.filter(thread_id=alice.pk).order_by("order")] == [
        alice.pk,
        dana_reply.pk,
        bob.pk,
        fourth.pk,
    ]
    assert bob.user_url == "https://bob.example.com" and bob.ip_address == "192.0.2.3"
    mallory = comment(1008)
    assert mallory.user_url == "" and mallory.ip_address is None  # javascript: URL and bad IP dropped


def test_author_badge_and_inert_html_on_the_page(imported, client, dana):
    reply = comment(1002)
    assert reply.user_id == dana.pk and comment(1003).user_id is None
    html = client.get(post("101").get_absolute_url()).content.decode()
    item = html.split(f'id="c{reply.pk}"', 1)[1].split("</article>", 1)[0]
    assert '<span class="badge">Author</span>' in item
    assert "<strong>practise</strong>" in html and "Research the company first." in html
    for marker in ("wp-post-script", "wp-post-onerror", "wp-post-js", "wp-comment", "wp-url"):
        assert marker not in html, marker
    assert "javascript:" not in html and "onerror" not in html
    assert "Waiting for approval." not in html and "casino" not in html  # held and spam are not shown


def test_rerun_is_idempotent(imported):
    counts = (Post.objects.count(), XtdComment.objects.count(), Tag.objects.count(), LegacyLink.objects.count())
    again = run()
    assert (Post.objects.count(), XtdComment.objects.count(), Tag.objects.count(), LegacyLink.objects.count()) == counts
    assert "   posts: 0 created, 0 updated, 4 unchanged, 1 skipped" in again
    assert "comments: 0 created, 0 updated, 7 unchanged, 2 skipped" in again


def test_a_new_reply_in_a_later_export_joins_its_thread(imported, tmp_path):
    extra = """<wp:comment>
            <wp:comment_id>1010</wp:comment_id>
            <wp:comment_author>Alice Moreau</wp:comment_author>
            <wp:comment_author_email>alice@example.com</wp:comment_author_email>
            <wp:comment_date_gmt>2020-04-01 09:00:00</wp:comment_date_gmt>
            <wp:comment_content>Back again.</wp:comment_content>
            <wp:comment_approved>1</wp:comment_approved>
            <wp:comment_parent>1002</wp:comment_parent>
        </wp:comment>
        <wp:comment>"""
    later = tmp_path / "later.xml"
    later.write_text(EXPORT.read_text().replace("<wp:comment>", extra, 1))
    output = run(later)
    assert "comments: 1 created, 0 updated, 7 unchanged" in output
    new = comment(1010)
    assert (new.level, new.parent_id, new.thread_id) == (2, comment(1002).pk, comment(1001).pk)


def test_dry_run_writes_nothing(dana):
    output = run(EXPORT, "--dry-run")
    assert "comments: 7 created" in output and "Dry run: nothing was written." in output
    assert not Post.objects.exists() and not XtdComment.objects.exists() and not LegacyLink.objects.exists()
    assert not Tag.objects.exists()


def test_a_broken_entry_is_named_and_nothing_is_written(dana):
    with pytest.raises(CommandError) as error:
        run(FIXTURES / "wordpress-broken.xml")
    assert str(error.value) == "entry 2 (id 2), comment 1 (id 7): <wp:comment_date_gmt> is not a date: 'yesterday'."
    assert not Post.objects.exists() and not LegacyLink.objects.exists()


def test_a_post_that_cannot_be_saved_leaves_nothing_behind(dana, settings):
    settings.BLOG_POST_MAX_LENGTH = 100  # the first post (with its comments) is longer than this
    output = run()
    assert not Post.objects.filter(title="Preparing for Interviews").exists()
    assert not XtdComment.objects.exists()
    assert not LegacyLink.objects.filter(source_id__in=["101", "1001"]).exists()
    assert not Tag.objects.filter(name="Career Advice").exists()
    assert "   posts: 3 created, 0 updated, 0 unchanged, 2 skipped" in output
    assert "body refused" in output
    # Its 9 comments are counted as skipped with it (2 would have been skipped anyway).
    assert "comments: 0 created, 0 updated, 0 unchanged, 9 skipped" in output
    assert "skipped 7 comments: its post was not imported (body refused)" in output


def test_foreign_files_are_refused(dana):
    with pytest.raises(CommandError, match="not a WordPress export: the root element is <feed>"):
        run(FIXTURES / "blogger-export.xml")
    with pytest.raises(CommandError, match="not a well-formed XML file"):
        run(FIXTURES / "not-xml.txt")
    assert not Post.objects.exists()


def test_old_addresses_redirect_permanently(imported, client):
    first = post("101")
    response = client.get("/?p=101")
    assert response.status_code == 301 and response["Location"] == first.get_absolute_url()
    response = client.get("/2020/03/15/preparing-for-interviews/")
    assert response.status_code == 301 and response["Location"] == first.get_absolute_url()
    assert client.get("/2020/03/15/not-imported/").status_code == 404
    # Drafts, scheduled posts and unknown ids: the home page, as before.
    for query in ("/?p=103", "/?p=104", "/?p=999", "/?p=abc"):
        response = client.get(query)
        assert response.status_code == 200, query
        assert b"Preparing for Interviews" in response.content


def test_the_cached_home_page_does_not_answer_p(imported, client):
    assert client.get("/").status_code == 200
    assert client.get("/")["X-Page-Cache"] == "hit"  # the home page is cached now
    response = client.get("/?p=101")  # "p" is part of the page-cache key
    assert response.status_code == 301 and response["Location"] == post("101").get_absolute_url()
    assert client.get("/?p=999").status_code == 200


def _wxr(comments):
    items = "".join(
        f"<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_author>R{cid}</wp:comment_author>"
        f"<wp:comment_date_gmt>{date}</wp:comment_date_gmt><wp:comment_content>Text {cid}</wp:comment_content>"
        f"<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
        for cid, parent, date in comments
    )
    return (
        '<?xml version="1.0"?><rss xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'
        "<item><title>T</title><content:encoded>Body</content:encoded><wp:post_id>1</wp:post_id>"
        "<wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt><wp:status>publish</wp:status>"
        f"<wp:post_type>post</wp:post_type>{items}</item></channel></rss>"
    )


def test_replies_dated_before_their_parent_and_parent_loops(dana, tmp_path):
    export = tmp_path / "odd.xml"
    export.write_text(
        _wxr(
            [
                (1, 0, "2020-01-02 00:00:00"),
                (2, 3, "2020-01-03 00:00:00"),  # a reply dated before its parent (clock skew)
                (3, 1, "2020-01-04 00:00:00"),
                (4, 5, "2020-01-05 00:00:00"),  # 4 and 5 answer each other
                (5, 4, "2020-01-06 00:00:00"),
                (6, 6, "2020-01-07 00:00:00"),  # answers itself
                (7, 99, "2020-01-08 00:00:00"),  # answers a comment not in the export
            ]
        )
    )
    output = run(export)
    assert "comments: 7 created" in output
    assert (comment(3).parent_id, comment(2).parent_id) == (comment(1).pk, comment(3).pk)
    assert comment(2).level == 2
    assert sorted(XtdComment.objects.filter(level=0).values_list("user_name", flat=True)) == [
        "R1",
        "R5",
        "R6",
        "R7",
    ]
    assert comment(4).parent_id == comment(5).pk


def _threads():
    """Every comment's thread data, in source ids (pks differ between runs)."""
    source_of = dict(LegacyLink.objects.filter(kind="comment").values_list("comment_id", "source_id"))
    return {
        source_of[c.pk]: (
            source_of[c.thread_id],
            source_of[c.parent_id],
            c.level,
            c.order,
            c.nested_count,
            c.is_public,
            c.is_removed,
            c.user_id,
            c.user_name,
            c.submit_date,
            c.moderation.state,
            c.moderation.body_html,
        )
        for c in XtdComment.objects.select_related("moderation")
    }


@pytest.mark.parametrize("export", ["fixture", "random"])
def test_bulk_and_one_by_one_paths_build_the_same_threads(dana, tmp_path, monkeypatch, export):
    import random

    from content.importers import common

    path = EXPORT
    if export == "random":
        rng = random.Random(7)
        rows = []
        for cid in range(1, 80):
            parent = rng.choice([0, 0, *range(1, cid)]) if cid > 1 else 0
            rows.append((cid, parent, f"2020-01-{1 + rng.randrange(28):02d} {rng.randrange(24):02d}:00:00"))
        path = tmp_path / "random.xml"
        path.write_text(_wxr(rows))
    run(path)
    bulk = _threads()
    XtdComment.objects.all().delete()
    Post.objects.all().delete()
    LegacyLink.objects.all().delete()
    monkeypatch.setattr(common, "BULK_COMMENTS", False)
    run(path)
    assert _threads() == bulk
    assert len(bulk) > 6
