"""Imported WordPress HTML as WordPress shows it, pages, source dates, orphan replies (issue 16).

The fixture (tests/fixtures/wordpress-classic-html.xml), counted by hand: 4 posts, 1
attachment, 2 pages (one published with 2 comments, one draft whose slug is "feed"), 2
comments on posts (one longer than a reader may write, one answering a comment not in the file).
"""

import pytest
from django_comments_xtd.models import XtdComment

from blog.markup import Format, render
from blog.models import LegacyLink, Page, Post

from .factories import UserFactory
from .importing import FIXTURES, run

pytestmark = pytest.mark.django_db

EXPORT = FIXTURES / "wordpress-classic-html.xml"


@pytest.fixture
def dana(db):
    return UserFactory(username="dana", email="dana@example.com")


@pytest.fixture
def imported(dana, settings):
    settings.COMMENT_MAX_LENGTH = 60  # comment 100 is longer
    return run(EXPORT)


def page_html(client, post):
    return client.get(post.get_absolute_url()).content.decode()


def test_classic_content_keeps_its_lines_backslashes_stars_and_hashes(imported, client):
    post = Post.objects.get(slug="classic-editor-post")
    assert post.body_format == Format.HTML
    html = page_html(client, post)
    # Single newlines are line breaks, blank lines paragraphs (wpautop), as on the old blog.
    assert "<p>Dear reader,<br>\nthanks for reading. ¯\\_(ツ)_/¯</p>" in html
    # "*" in <code> is code, not emphasis; "# " is text, not a heading; an indented line is text.
    assert "<code>grep -r '*.py' *</code> to find the files, then keep going.<br>" in html
    assert "<em>" not in post.body_html
    assert "# not a heading, a line of text<br>" in html
    assert "an indented line, not a code block</p>" in html
    assert "&lt;" not in post.body_html  # no HTML shown as text (Markdown's indented code block)
    # <pre> is left alone (its blank line too); lists are not wrapped in <p>.
    assert "<pre>line one\n  line two\n\nline four</pre>" in html
    assert "<ul>\n<li>First</li>\n<li>Second</li>\n</ul>\n<p>Last line.</p>" in html


def test_shortcodes_become_figures_and_galleries(imported):
    body = Post.objects.get(slug="classic-editor-post").body_html
    figure = body[body.index("<figure>") : body.index("</figure>") + 9]
    src = "https://classic.example.com/wp-content/uploads/desk.jpg"
    assert figure.startswith(f'<figure><img src="{src}" alt="A desk" width="300" height="200"')
    assert figure.endswith("><figcaption>My desk in 2019</figcaption></figure>")
    # [gallery ids="10,11"]: the export has attachment 10 (11 is not in the file).
    assert '<ul><li><img src="https://classic.example.com/wp-content/uploads/desk.jpg" alt="desk"' in body
    # [gallery ids="77,78,79"]: none of them in the export, so a note instead of nothing.
    assert "<p>A gallery of 3 images was here on the old blog.</p>" in body
    assert "[caption" not in body and "[gallery" not in body


def test_embeds_and_removed_media_leave_a_link_to_their_source(imported):
    body = Post.objects.get(slug="classic-editor-post").body_html
    for url in (
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",  # a URL alone on its line (oEmbed)
        "https://vimeo.com/76979871",  # [embed]
        "https://www.google.com/maps/embed?pb=office",  # <iframe>
        "https://classic.example.com/wp-content/uploads/tour.mp4",  # <video><source>
    ):
        assert f'href="{url}"' in body, url
    assert "<iframe" not in body and "<video" not in body and "[embed]" not in body


def test_block_editor_content_is_left_as_it_is(imported):
    body = Post.objects.get(slug="block-editor-post").body_html
    assert "<p>Written in blocks,\none paragraph.</p>" in body  # no <br>: blocks are not wpautop'd
    assert "<!--" not in body  # the block comments are gone (sanitizer)
    assert 'href="https://www.youtube.com/watch?v=abc123"' in body


def test_html_never_passes_through_markdown_and_is_sanitized_the_same_way():
    hostile = '<p onclick="x()">a</p><script>alert(1)</script><a href="javascript:alert(1)">j</a>\n# h\n    code'
    html = render(hostile, Format.HTML, "post")
    assert "onclick" not in html and "<script" not in html and "javascript:" not in html
    assert "<h1" not in html and "<h2" not in html and "<pre" not in html
    assert render("# Title", Format.MARKDOWN, "post").startswith("<h2")  # Markdown stays Markdown


def test_a_comment_over_the_reader_limit_keeps_its_html(imported, client):
    link = LegacyLink.objects.get(kind="comment", source_id="100")
    body = XtdComment.objects.select_related("moderation").get(pk=link.comment_id).moderation.body_html
    assert "<strong>bold advice</strong>" in body and "&lt;strong&gt;" not in body
    assert body.count("<p>") == 2
    html = page_html(client, Post.objects.get(slug="classic-editor-post"))
    assert "<strong>bold advice</strong>" in html


def test_a_reply_whose_parent_is_missing_is_imported_at_the_top_and_reported(imported):
    assert "comments: 2 created, 0 updated, 0 unchanged, 2 skipped" in imported
    assert (
        "    comment 101 on entry 1 (id 1): answers a comment that is not in the file: "
        "imported at the top level of the thread"
    ) in imported
    orphan = XtdComment.objects.get(pk=LegacyLink.objects.get(kind="comment", source_id="101").comment_id)
    assert orphan.level == 0 and orphan.parent_id == orphan.pk and orphan.is_public


def test_pages_become_standalone_pages_and_their_comments_are_reported(imported, client):
    assert "   pages: 2 created, 0 updated, 0 unchanged, 0 skipped" in imported
    assert "skipped 2 comments: on a page: pages on this blog take no comments" in imported
    about = Page.objects.get(slug="about-me")
    assert about.is_public and about.body_format == Format.HTML
    assert "<p>I write about careers.<br>\nMostly at night.</p>" in client.get("/about-me/").content.decode()
    # A page whose slug is one of the blog's own addresses gets another; a draft stays a draft.
    feed = Page.objects.get(title="Feed")
    assert feed.slug == "feed-page" and not feed.is_public
    again = run(EXPORT)
    assert "   pages: 0 created, 0 updated, 2 unchanged, 0 skipped" in again
    assert Page.objects.count() == 2


def test_imported_posts_and_pages_keep_the_source_dates(imported, client):
    post = Post.objects.get(slug="classic-editor-post")
    assert post.updated_at.isoformat() == "2021-06-30T12:34:56+00:00"
    assert Page.objects.get(slug="about-me").updated_at.isoformat() == "2022-03-04T05:06:07+00:00"
    assert "<updated>2021-06-30T12:34:56+00:00</updated>" in client.get("/feed/atom/").content.decode()
    run(EXPORT)  # a rerun that changes nothing keeps them
    post.refresh_from_db()
    assert post.updated_at.isoformat() == "2021-06-30T12:34:56+00:00"


def test_an_html_post_stays_html_when_edited(imported):
    post = Post.objects.get(slug="custom-ending")
    post.body = "Line one\n# still text <em>here</em>"
    post.save()
    post.refresh_from_db()
    assert post.body_format == Format.HTML
    assert post.body_html == "Line one\n# still text <em>here</em>"


def test_the_editor_shows_the_format_and_previews_html_as_html(imported, admin_client):
    post = Post.objects.get(slug="classic-editor-post")
    form = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert 'data-format="html"' in form
    assert "HTML (imported)" in form and "it stays HTML when you edit it" in form
    markdown_post = Post.objects.create(
        title="Written here", body="*hi*", author=post.author, theme=post.theme, status=Post.Status.DRAFT
    )
    assert 'data-format="markdown"' in admin_client.get(f"/admin/blog/post/{markdown_post.pk}/change/").content.decode()
    preview = admin_client.post("/admin/blog/post/preview/", {"body": "a\n# b *c*", "format": "html"}).json()
    assert preview["html"] == "a\n# b *c*"
    assert "<em>c</em>" in admin_client.post("/admin/blog/post/preview/", {"body": "*c*"}).json()["html"]
    bad = admin_client.post("/admin/blog/post/preview/", {"body": "x", "format": "rst"})
    assert bad.status_code == 400 and "Unknown format" in bad.json()["error"]
