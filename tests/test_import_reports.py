"""What an import reports: protected posts, items and comments not imported, sums that add up."""

import pytest

from blog.models import Page, Post

from .factories import UserFactory
from .importing import FIXTURES, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(db):
    return UserFactory(username="dana", email="dana@example.com")


def test_a_password_protected_post_is_imported_as_a_draft_and_named(dana, client):
    output = run(FIXTURES / "wordpress-protected.xml")
    assert "   posts: 2 created, 0 updated, 0 unchanged, 0 skipped" in output
    assert "  1 post password-protected on WordPress: imported as a draft" in output
    assert "    post entry 1 (id 7): password-protected on WordPress: imported as a draft" in output
    assert "entry 2 (id 8): password" not in output
    protected = Post.objects.get(slug="members-only")
    assert protected.status == Post.Status.DRAFT and not protected.is_public
    assert Post.objects.get(slug="open-post").is_public
    home = client.get("/").content.decode()
    assert "Open Post" in home and "Members Only" not in home
    assert "confidential" not in client.get("/feed/").content.decode()
    assert client.get("/2023/05/04/members-only/").status_code == 404  # the old address does not lead to it
    assert client.get("/?p=7").status_code == 200  # the home page, not a redirect
    # Said again on every run, while the post is in the export.
    assert "post entry 1 (id 7): password-protected on WordPress" in run(FIXTURES / "wordpress-protected.xml")


def summary_counts(output):
    """{kind: {outcome: n}} from the summary's count lines."""
    counts = {}
    for line in output.splitlines():
        kind, sep, rest = line.strip().partition(": ")
        if sep and kind in ("posts", "pages", "comments") and rest[:1].isdigit():
            counts[kind] = {outcome: int(n) for n, outcome in (part.split(" ", 1) for part in rest.split(", "))}
    return counts


def test_every_item_and_comment_of_the_file_is_counted_once(dana, settings):
    settings.BLOG_POST_MAX_LENGTH = 200  # entry 7 ("Too Long") is longer; the others are short
    export = FIXTURES / "wordpress-every-item-counted.xml"
    output = run(export)
    counts = summary_counts(output)
    # Counted by hand in the fixture: 7 post items, 1 page, 10 comments.
    assert counts["posts"] == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 4}
    assert counts["pages"] == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0}
    assert counts["comments"] == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 7}
    for reason in (
        "skipped 2 comments: on a page: pages on this blog take no comments",
        "    comment 120 on entry 3 (id 12): on a page: pages on this blog take no comments",
        "skipped 1 comment: on a post with status 'private', which is not imported",
        "skipped 2 comments: its post was not imported (body refused)",
        "skipped 1 comment: in WordPress's trash",
        "skipped 1 comment: pingbacks are not imported",
        "skipped 1 post: post type 'nav_menu_item' is not imported",
        "skipped 1 post: post type 'attachment' is not imported",
        "skipped 1 post: status 'private' is not imported",
    ):
        assert reason in output, reason
    assert "    post entry 7 (id 16): body refused" in output
    again = summary_counts(run(export))
    assert again["posts"] == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 4}
    assert again["pages"] == {"created": 0, "updated": 0, "unchanged": 1, "skipped": 0}
    assert again["comments"] == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 7}


def test_blogger_pages_and_their_comments_are_counted(dana, tmp_path):
    export = tmp_path / "with-page.xml"
    page = """<entry>
    <id>tag:blogger.com,1999:blog-777.page-9</id>
    <published>2019-01-01T00:00:00.000Z</published>
    <category scheme="http://schemas.google.com/g/2005#kind" term="http://schemas.google.com/blogger/2008/kind#page"/>
    <title type="text">About</title><content type="html">About me.</content>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-777.post-9001</id>
    <published>2019-01-02T00:00:00.000Z</published>
    <category scheme="http://schemas.google.com/g/2005#kind" term="http://schemas.google.com/blogger/2008/kind#comment"/>
    <content type="html">Nice page.</content>
    <thr:in-reply-to ref="tag:blogger.com,1999:blog-777.page-9"/>
  </entry>
  <entry>"""
    export.write_text((FIXTURES / "blogger-export.xml").read_text().replace("<entry>", page, 1))
    output = run(export, "import_blogger")
    counts = summary_counts(output)
    assert counts["pages"] == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0}
    assert counts["comments"] == {"created": 6, "updated": 0, "unchanged": 0, "skipped": 3}  # 2 deleted on Blogger
    assert "skipped 1 comment: on a page: pages on this blog take no comments" in output
    about = Page.objects.get()
    assert (about.title, about.body_format, about.body_html.strip()) == ("About", "html", "About me.")


def test_the_progress_bar_shows_the_rate_and_the_time_left():
    import io

    from content.importers.common import Progress

    now = [100.0]
    progress = Progress(io.StringIO(), 14_600, enabled=True, clock=lambda: now[0])
    now[0] += 10
    assert progress.line(1_200) == "[##............................] 1,200/14,600 posts, 120 posts/s, 1 min 52 s left"
    now[0] += 100
    assert progress.line(14_000).endswith("14,000/14,600 posts, 127 posts/s, 5 s left")
