"""Imports keyed by the old site: two blogs whose ids are the same numbers never overwrite each other."""

import pytest
from django_comments_xtd.models import XtdComment

from blog.models import LegacyLink, Post

from .factories import UserFactory
from .importing import FIXTURES, run

pytestmark = pytest.mark.django_db

FIRST = FIXTURES / "wordpress-export.xml"  # https://old.example.com
SECOND = FIXTURES / "wordpress-second-site.xml"  # https://sam.example.org, the same ids 101, 102, 1001
COLLIDE = FIXTURES / "wordpress-comment-ids-collide.xml"


@pytest.fixture
def dana(db):
    return UserFactory(username="dana", email="dana@example.com")


def post(site, wp_id):
    return Post.objects.get(legacy_links__site=site, legacy_links__kind="post", legacy_links__source_id=wp_id)


def comment_text(site, wp_id):
    link = LegacyLink.objects.get(source="wordpress", site=site, kind="comment", source_id=wp_id)
    return XtdComment.objects.get(pk=link.comment_id).comment


def test_a_second_site_with_the_same_ids_gets_posts_of_its_own(dana, client):
    run(FIRST)
    first = post("old.example.com", "101")
    output = run(SECOND)
    assert "   posts: 2 created, 0 updated, 0 unchanged, 0 skipped" in output
    assert "comments: 1 created, 0 updated, 0 unchanged, 0 skipped" in output
    first.refresh_from_db()
    assert first.title == "Preparing for Interviews"
    assert client.get(first.get_absolute_url()).status_code == 200
    assert comment_text("old.example.com", "1001") == "Very useful, thanks."
    second = post("sam.example.org", "101")
    assert second.pk != first.pk and second.title == "What Recruiters Read First"
    assert "reader, not Dana" in client.get(second.get_absolute_url()).content.decode()
    assert Post.objects.count() == 6
    # Running either again changes nothing.
    assert "   posts: 0 created, 0 updated, 4 unchanged" in run(FIRST)
    again = run(SECOND)
    assert "   posts: 0 created, 0 updated, 2 unchanged" in again
    assert "comments: 0 created, 0 updated, 1 unchanged" in again
    assert Post.objects.count() == 6 and XtdComment.objects.count() == 8


def test_an_import_from_before_sites_were_recorded_is_matched_by_its_rerun(dana, tmp_path):
    run(FIRST)
    counts = (Post.objects.count(), XtdComment.objects.count(), LegacyLink.objects.count())
    LegacyLink.objects.update(site="")  # as the migration leaves rows written before it
    again = run(FIRST)
    assert "   posts: 0 created, 0 updated, 4 unchanged" in again
    assert "comments: 0 created, 0 updated, 7 unchanged" in again
    assert (Post.objects.count(), XtdComment.objects.count(), LegacyLink.objects.count()) == counts
    assert set(LegacyLink.objects.values_list("site", flat=True)) == {"old.example.com"}
    # Adopted rows belong to their site now: the other blog's id 101 is a new post.
    assert "   posts: 2 created, 0 updated, 0 unchanged" in run(SECOND)


def test_a_changed_post_from_before_sites_were_recorded_is_found_by_its_old_address(dana, tmp_path):
    run(FIRST)
    LegacyLink.objects.update(site="")
    changed = tmp_path / "changed.xml"
    changed.write_text(FIRST.read_text().replace("Preparing for Interviews]]", "Preparing for Any Interview]]"))
    output = run(changed)
    assert "   posts: 0 created, 1 updated, 3 unchanged" in output
    assert post("old.example.com", "101").title == "Preparing for Any Interview"
    assert Post.objects.count() == 4


def test_a_blogger_import_from_before_sites_were_recorded_is_matched_by_its_rerun(dana):
    run(FIXTURES / "blogger-export.xml", "import_blogger")
    LegacyLink.objects.update(site="")
    again = run(FIXTURES / "blogger-export.xml", "import_blogger")
    assert "   posts: 0 created, 0 updated, 3 unchanged" in again
    assert "comments: 0 created, 0 updated, 6 unchanged" in again
    assert set(LegacyLink.objects.values_list("site", flat=True)) == {"777"}


def test_comment_ids_that_repeat_across_posts_of_one_file_are_reported_not_merged(dana):
    output = run(COLLIDE)
    assert "comments: 1 created, 0 updated, 0 unchanged, 1 skipped" in output
    assert "comment 5 on entry 2 (id 2): its id appears twice in the file (first on entry 1 (id 1))" in output
    assert comment_text("collide.example.net", "5") == "On the first post."
    assert XtdComment.objects.count() == 1
    assert "comments: 0 created, 0 updated, 1 unchanged, 1 skipped" in run(COLLIDE)
    assert comment_text("collide.example.net", "5") == "On the first post."


def test_a_comment_id_imported_on_another_post_is_not_overwritten(dana, tmp_path):
    run(COLLIDE)
    moved = tmp_path / "moved.xml"  # a later export where comment 5 hangs on the second post only
    text = COLLIDE.read_text()
    first_comment = text[text.index("<wp:comment>") : text.index("</wp:comment>") + len("</wp:comment>")]
    moved.write_text(text.replace(first_comment, "", 1))
    output = run(moved)
    assert "comments: 0 created, 0 updated, 0 unchanged, 1 skipped" in output
    assert "its id was imported before on another post of this site" in output
    assert comment_text("collide.example.net", "5") == "On the first post."


def test_blogger_entries_sharing_an_id_are_reported_and_the_first_is_kept(dana, client):
    export = FIXTURES / "blogger-duplicate-ids.xml"
    output = run(export, "import_blogger")
    assert "   posts: 1 created, 0 updated, 0 unchanged, 1 skipped" in output
    assert "comments: 1 created, 0 updated, 0 unchanged, 1 skipped" in output
    assert (
        "post entry 2 (id tag:blogger.com,1999:blog-555.post-1): its id appears twice in the file (first as entry 1)"
        in output
    )
    assert "comment entry 4 (id tag:blogger.com,1999:blog-555.post-9): its id appears twice" in output
    kept = Post.objects.get()
    assert kept.title == "Published Version" and kept.is_public
    assert "First copy." in client.get(kept.get_absolute_url()).content.decode()
    again = run(export, "import_blogger")
    assert "   posts: 0 created, 0 updated, 1 unchanged, 1 skipped" in again
    assert Post.objects.get().title == "Published Version" and XtdComment.objects.count() == 1
