"""The post editor in the admin (blog/editor.py): its live-preview endpoint, the frame the preview
is drawn in, and the add / change forms that carry the toolbar, the wide title and the assets."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from blog.markup import render_markdown
from blog.models import Post

from .factories import DraftFactory, PostFactory, UserFactory, pin

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/blog/post/preview/"
FRAME = "/admin/blog/post/preview/frame/"
POST_ADD = "/admin/blog/post/add/"

LONG_BODY = """Start with **thanks**.

## Why it works

| When | What |
|------|------|
| Day 1 | Thank-you note |

```python
def follow_up(days):
    return days > 7  # a week
```
"""


def change_url(post):
    return f"/admin/blog/post/{post.pk}/change/"


def writer_with(*codenames):
    """A staff user (not a superuser) with only these permissions on posts."""
    user = UserFactory(username="writer", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="blog", codename__in=codenames))
    return user


def csp_directives(response):
    return dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
    )


# --- The preview endpoint -------------------------------------------------------------------------


def test_preview_renders_headings_tables_and_highlighted_code_as_the_site_does(
    staff_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):  # session, user: nothing else
        response = staff_client.post(PREVIEW, {"body": LONG_BODY, "title": "Follow up"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    html = response.json()["html"]
    assert html == render_markdown(LONG_BODY, profile="post")
    assert re.search(r"<h2 id=\"why-it-works\">Why it works", html)
    assert "<table>" in html and "<td>Thank-you note</td>" in html
    assert '<div class="highlight"><pre>' in html and '<span class="k">def</span>' in html


def test_preview_is_sanitized_like_the_stored_body(staff_client):
    body = "Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"

    html = staff_client.post(PREVIEW, {"body": body}).json()["html"]

    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_a_too_long_body_gets_the_markup_message_not_a_500(staff_client, settings):
    settings.BLOG_POST_MAX_LENGTH = 100

    response = staff_client.post(PREVIEW, {"body": "word " * 40})

    assert response.status_code == 400
    assert response.json() == {"error": "The text is 200 characters long; the limit is 100. Please shorten it."}


def test_a_body_markdown_would_crawl_over_gets_its_message(staff_client):
    response = staff_client.post(PREVIEW, {"body": "[" * 20_000})

    assert response.status_code == 400
    assert response.json()["error"]


def test_the_preview_is_for_staff_only(client):
    assert client.post(PREVIEW, {"body": "# hi"}).status_code == 302  # to the admin's login
    reader = UserFactory(username="reader")
    client.force_login(reader)
    response = client.post(PREVIEW, {"body": "# hi"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_who_may_not_write_posts_are_refused(client):
    client.force_login(writer_with("view_post"))

    assert client.post(PREVIEW, {"body": "hi"}).status_code == 403
    assert client.get(FRAME).status_code == 403


def test_a_writer_on_the_add_form_sees_the_preview_before_the_first_save(client):
    client.force_login(writer_with("add_post"))

    page = client.get(POST_ADD)
    response = client.post(PREVIEW, {"body": "## Draft heading"})

    assert page.status_code == 200
    assert 'data-preview-url="/admin/blog/post/preview/"' in page.content.decode()
    assert response.status_code == 200
    assert response.json()["html"].startswith('<h2 id="draft-heading">Draft heading')
    assert Post.objects.count() == 0


def test_rendering_needs_a_post_not_a_get(staff_client):
    assert staff_client.get(PREVIEW, {"body": "# hi"}).status_code == 405


def test_rendering_needs_the_csrf_token(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    page = client.get(POST_ADD)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)

    refused = client.post(PREVIEW, {"body": "**hi**"})
    accepted = client.post(PREVIEW, {"body": "**hi**"}, headers={"X-CSRFToken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert accepted.json()["html"] == "<p><strong>hi</strong></p>"


# --- The frame the preview is drawn in -----------------------------------------------------------


def test_the_frame_page_uses_the_site_stylesheet_and_the_post_markup(staff_client):
    response = staff_client.get(FRAME)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert '<div class="post-body e-content" data-preview="body">' in html
    assert '<h1 class="p-name" data-preview="title">' in html
    assert "<script" not in html and "style=" not in html


def test_the_frame_may_be_framed_by_the_admin_only(staff_client):
    response = staff_client.get(FRAME)

    assert response["X-Frame-Options"] == "SAMEORIGIN"
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_other_admin_pages_still_refuse_to_be_framed(staff_client):
    response = staff_client.get(POST_ADD)

    assert response["X-Frame-Options"] == "DENY"
    assert csp_directives(response)["frame-ancestors"] == "'none'"


def test_the_frame_shows_a_saved_post_sanitized_for_the_no_javascript_preview(staff_client, theme):
    post = DraftFactory(
        title="Be bold", theme=theme, body="Be **bold**.\n\n<script>alert('x')</script>\n\n[x](javascript:alert(1))"
    )

    html = staff_client.get(FRAME, {"post": post.pk}).content.decode()

    assert "<p>Be <strong>bold</strong>.</p>" in html
    assert post.body_html in html
    assert '<h1 class="p-name" data-preview="title">Be bold</h1>' in html
    assert "<script>alert" not in html and 'href="javascript:' not in html


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999999", "123456"])
def test_a_missing_or_malformed_post_in_the_frame_is_a_404(staff_client, value):
    assert staff_client.get(FRAME, {"post": value}).status_code == 404


# --- The add and change forms --------------------------------------------------------------------


def test_the_add_form_carries_the_editor(staff_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = staff_client.get(POST_ADD)

    html = response.content.decode()
    assert '<link rel="stylesheet" href="/static/css/editor.css">' in html
    assert '<script src="/static/js/editor.js" defer></script>' in html
    title = re.search(r'<textarea name="title"[^>]*>', html).group(0)
    assert 'class="editor-title"' in title and 'rows="1"' in title
    assert '<div class="md-toolbar" role="toolbar" aria-label="Formatting" aria-controls="id_body" hidden>' in html
    for name in ["Bold", "Italic", "Link", "Heading", "Quote", "Code", "Bulleted list", "Numbered list"]:
        assert re.search(rf'<button type="button" data-md="\w+"[^>]*>(.*?<span class="visually-hidden">)?{name}<', html)
    assert re.search(r'<textarea name="body"[^>]*class="editor-body"', html)
    assert 'data-frame-url="/admin/blog/post/preview/frame/"' in html
    # Images are uploaded to the images app's endpoint, from the Image button or by dropping.
    assert 'data-upload-url="/admin/images/image/upload/"' in html
    assert re.search(r'<button type="button" data-md="image"[^>]*>(.*?<span class="visually-hidden">)?Image<', html)
    # Without JavaScript the old advice still shows; with it, <noscript> hides it.
    assert "<noscript>Save the post (as a draft, if you like) to see it rendered here.</noscript>" in html


def test_the_change_form_has_the_editor_the_pins_high_up_and_a_no_javascript_preview(
    staff_client, theme, django_assert_max_num_queries
):
    post = PostFactory(title="A " + "very long title " * 10, theme=theme, body=LONG_BODY)
    pin(post, PostFactory(theme=theme))

    with django_assert_max_num_queries(25):
        response = staff_client.get(change_url(post))

    html = response.content.decode()
    assert "editor-title" in html and "md-toolbar" in html and "/static/js/editor.js" in html
    # The whole title is in the field (a textarea: nothing cut off).
    assert f'id="id_title">\n{post.title}</textarea>' in html
    # Pins right after the writing fieldsets, before Publishing.
    assert html.index("Relevant Discussions pinned first") < html.index('class="fieldset-heading">Publishing<')
    assert html.index('name="summary"') < html.index("Relevant Discussions pinned first")
    assert f'<noscript><iframe class="editor-saved-frame" src="/admin/blog/post/preview/frame/?post={post.pk}"' in html
    # The admin-styled rendering is gone from the page itself.
    assert 'class="post-preview"' not in html and post.body_html not in html


def test_a_title_typed_over_lines_is_saved_on_one(staff_client, staff, theme):
    response = staff_client.post(
        POST_ADD,
        {
            "title": "How to ask\r\nfor a  referral ",
            "slug": "ask",
            "theme": theme.pk,
            "body": "Ask.",
            "status": Post.Status.DRAFT,
            "published_at_0": "",
            "published_at_1": "",
            "author": staff.pk,
            "pins-TOTAL_FORMS": "0",
            "pins-INITIAL_FORMS": "0",
            "pins-MIN_NUM_FORMS": "0",
            "pins-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    assert Post.objects.get().title == "How to ask for a referral"


def test_standalone_pages_are_written_in_the_same_editor(staff_client):
    html = staff_client.get("/admin/blog/page/add/").content.decode()
    assert '<script src="/static/js/editor.js" defer></script>' in html
    assert '<div class="md-toolbar" role="toolbar" aria-label="Formatting" aria-controls="id_body" hidden>' in html
    assert re.search(r'<textarea name="title"[^>]*class="editor-title"', html)
    assert 'data-preview-url="/admin/blog/post/preview/"' in html
    assert 'data-upload-url="/admin/images/image/upload/"' in html
