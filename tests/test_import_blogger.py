"""`manage.py import_blogger`: posts, labels, threaded comments, redirects, idempotency."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_comments_xtd.models import XtdComment

from blog.models import LegacyLink, Post, Tag, Theme
from comments.models import Reason, State

from .factories import UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = FIXTURES / "blogger-export.xml"
POST_ID = "tag:blogger.com,1999:blog-777.post-1001"


def run(path=EXPORT, *args):
    out = io.StringIO()
    call_command("import_blogger", str(path), "--author", "dana", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def dana(db):
    return UserFactory(username="dana", email="dana@example.com", first_name="Dana", last_name="Reyes")


@pytest.fixture
def imported(dana):
    return run()


def by_source(suffix):
    link = LegacyLink.objects.get(source="blogger", kind="comment", source_id=f"tag:blogger.com,1999:blog-777.{suffix}")
    return XtdComment.objects.select_related("moderation").get(pk=link.comment_id)


def the_post():
    return Post.objects.get(legacy_links__source_id=POST_ID)


def test_posts_tags_and_comments_are_created(imported, dana):
    assert Post.objects.count() == 3
    post = the_post()
    assert post.title == "Networking for Introverts"
    assert post.slug == "networking-for-introverts"
    assert post.author == dana and post.theme.slug == "imported"
    assert post.status == Post.Status.PUBLISHED and post.published_at.isoformat() == "2019-05-04T17:00:00+00:00"
    draft = Post.objects.get(title="Unfinished Thoughts")
    assert draft.status == Post.Status.DRAFT and not draft.is_public
    # "networking" on the second post reuses "Networking" (names are unique ignoring case).
    assert sorted(Tag.objects.values_list("name", "slug")) == [
        ("Café Networking", "cafe-networking"),
        ("Networking", "networking"),
        ("job search", "job-search"),
        ("日本語", "ribenyu"),  # transliterated (anyascii reads Han characters in Mandarin)
    ]
    assert Post.objects.get(slug="follow-up-without-being-pushy").tags.get().name == "Networking"
    assert XtdComment.objects.count() == 6
    assert "   posts: 3 created, 0 updated, 0 unchanged, 0 skipped" in imported
    assert "comments: 6 created, 0 updated, 0 unchanged, 2 skipped" in imported
    assert "    tags: 4 created, 0 existing" in imported
    assert "skipped 2 comments: deleted on Blogger" in imported


def test_comments_keep_their_threads_dates_and_names(imported):
    alice, dana_reply, bob, fourth = (by_source(f"post-{n}") for n in (2001, 2002, 2003, 2004))
    assert (alice.level, alice.parent_id, alice.thread_id) == (0, alice.pk, alice.pk)
    assert (dana_reply.level, dana_reply.parent_id) == (1, alice.pk)
    assert (bob.level, bob.parent_id) == (2, dana_reply.pk)
    # A fourth level is deeper than the site allows: it answers the deepest allowed ancestor.
    assert (fourth.level, fourth.parent_id, fourth.thread_id) == (2, dana_reply.pk, alice.pk)
    assert [c.pk for c in XtdComment.objects.filter(thread_id=alice.pk).order_by("order")] == [
        alice.pk,
        dana_reply.pk,
        bob.pk,
        fourth.pk,
    ]
    # The reply to a deleted comment moves up to where the deleted one was (top level).
    carol = by_source("post-2006")
    assert (carol.level, carol.parent_id) == (0, carol.pk)
    assert alice.user_name == "Alice Moreau" and alice.user_email == ""
    assert alice.submit_date.isoformat() == "2019-05-05T01:00:00+00:00"
    assert alice.moderation.state == State.PUBLISHED and alice.moderation.reason == Reason.SEEDED
    assert alice.is_public and not alice.is_removed
    assert "<br>" in alice.moderation.body_html


def test_the_authors_comment_carries_the_author_badge(imported, client, dana):
    reply = by_source("post-2002")
    assert reply.user_id == dana.pk and by_source("post-2001").user_id is None
    html = client.get(the_post().get_absolute_url()).content.decode()
    item = html.split(f'id="c{reply.pk}"', 1)[1].split("</article>", 1)[0]
    assert '<span class="badge">Author</span>' in item
    other = html.split(f'id="c{by_source("post-2001").pk}"', 1)[1].split("</article>", 1)[0]
    assert "badge" not in other


def test_hostile_html_is_inert_on_the_page(imported, client):
    html = client.get(the_post().get_absolute_url()).content.decode()
    assert "Small talk is a *skill*, not a_trait." in html  # the HTML is not read as Markdown
    assert "a real link" in html
    for marker in ("post-script", "post-onerror", "post-js", "comment-script", "comment-onerror", "comment-js"):
        assert marker not in html, marker
    assert "javascript:" not in html and "onerror" not in html
    assert "<script>alert" not in html


def test_a_second_run_changes_nothing(imported):
    counts = (Post.objects.count(), XtdComment.objects.count(), Tag.objects.count(), LegacyLink.objects.count())
    again = run()
    assert (Post.objects.count(), XtdComment.objects.count(), Tag.objects.count(), LegacyLink.objects.count()) == counts
    assert "   posts: 0 created, 0 updated, 3 unchanged, 0 skipped" in again
    assert "comments: 0 created, 0 updated, 6 unchanged, 2 skipped" in again
    assert "    tags: 0 created, 4 existing" in again


def test_a_changed_export_updates_in_place(imported, tmp_path):
    changed = tmp_path / "changed.xml"
    text = EXPORT.read_text()
    text = text.replace("Networking for Introverts</title>", "Networking for Quiet People</title>")
    text = text.replace("Does this work online too?", "Does this work on video calls too?")
    changed.write_text(text)
    post_pk, bob_pk = the_post().pk, by_source("post-2003").pk
    output = run(changed)
    assert "   posts: 0 created, 1 updated, 2 unchanged" in output
    assert "comments: 0 created, 1 updated, 5 unchanged" in output
    post = the_post()
    assert post.pk == post_pk and post.title == "Networking for Quiet People"
    assert post.slug == "networking-for-introverts"  # the address does not move
    bob = by_source("post-2003")
    assert bob.pk == bob_pk and "video calls" in bob.comment and "video calls" in bob.moderation.body_html
    assert XtdComment.objects.count() == 6


def test_a_moderators_decision_survives_a_rerun(imported):
    from comments import moderation

    moderation.remove(by_source("post-2007"))
    run()
    assert by_source("post-2007").moderation.state == State.REMOVED


def test_dry_run_writes_nothing(dana):
    output = run(EXPORT, "--dry-run")
    assert "   posts: 3 created" in output and "Dry run: nothing was written." in output
    assert not Post.objects.exists() and not XtdComment.objects.exists()
    assert not Tag.objects.exists() and not LegacyLink.objects.exists()
    assert not Theme.objects.filter(slug="imported").exists()


def test_a_broken_entry_is_named_and_nothing_is_written(dana):
    with pytest.raises(CommandError) as error:
        run(FIXTURES / "blogger-broken.xml")
    assert str(error.value) == "entry 2 (id tag:blogger.com,1999:blog-888.post-2): missing <published>."
    assert not Post.objects.exists() and not LegacyLink.objects.exists() and not Theme.objects.exists()


def test_a_file_that_is_not_a_blogger_export_is_refused(dana):
    with pytest.raises(CommandError, match="not a well-formed XML file"):
        run(FIXTURES / "not-xml.txt")
    with pytest.raises(CommandError, match=r"not a Blogger export: the root element is <rss>"):
        run(FIXTURES / "wordpress-export.xml")
    with pytest.raises(CommandError, match="cannot read the file"):
        run(FIXTURES / "missing.xml")
    assert not Post.objects.exists()


def test_a_dtd_is_refused(dana, tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa">]><feed>&a;</feed>')
    with pytest.raises(CommandError, match="declares a DTD"):
        run(bomb)


def test_unknown_author_or_theme_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No user named 'dana'"):
        run()
    UserFactory(username="dana")
    with pytest.raises(CommandError, match="No theme with the slug 'nope'"):
        run(EXPORT, "--theme", "nope")


def test_theme_option(dana):
    Theme.objects.create(name="Networking", slug="networking")
    run(EXPORT, "--theme", "networking")
    assert set(Post.objects.values_list("theme__slug", flat=True)) == {"networking"}


def test_old_addresses_redirect_permanently(imported, client):
    post = the_post()
    response = client.get("/2019/05/networking-for-introverts.html")
    assert response.status_code == 301 and response["Location"] == post.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    response = client.get("/search/label/Caf%C3%A9%20Networking")
    assert response.status_code == 301 and response["Location"] == "/tags/cafe-networking/"
    assert client.get("/search/label/networking").status_code == 301
    assert client.get("/search/label/no-such-label").status_code == 404
    response = client.get("/feeds/posts/default")
    assert response.status_code == 301 and response["Location"] == "/feed/atom/"
    assert client.get("/feeds/posts/default?alt=rss")["Location"] == "/feed/"
    assert client.get("/2019/05/not-imported.html").status_code == 404
    # The new address of a post is not taken for an old one.
    assert client.get(post.get_absolute_url()).status_code == 200


def test_progress_bar_only_on_a_terminal(dana):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    call_command("import_blogger", str(EXPORT), "--author", "dana", stdout=out)
    assert "\r[" in out.getvalue() and "3/3 posts" in out.getvalue()
    assert "\r[" not in run()


def test_xtds_receiver_is_back_after_an_import(imported):
    from django.db.models.signals import pre_save
    from django_comments_xtd.models import publish_or_unpublish_on_pre_save

    assert publish_or_unpublish_on_pre_save in pre_save._live_receivers(XtdComment)[0]
    # And it works: removing a comment's publication unpublishes its replies (xtd's rule).
    alice = by_source("post-2001")
    alice.is_public = False
    alice.save()
    assert not by_source("post-2002").is_public
