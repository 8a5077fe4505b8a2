"""The post editor in the admin, in a browser: the live preview, the toolbar by keyboard, the
Write/Preview tabs on a phone, images dropped in, the form without JavaScript, and axe-core on it
in light and dark mode."""

import base64
import re

import pytest

from blog.models import Post

from .support import AUTHOR_PASSWORD, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADD = "/admin/blog/post/add/"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="  # 1x1
BODY = "Start with **thanks**.\n\n## Why it works\n\n| When | What |\n|------|------|\n| Day 1 | Thank-you note |\n"


def log_in(page, next_url=ADD):
    page.goto(f"/admin/login/?next={next_url}")
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(AUTHOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_label("Title")).to_be_visible()


def body_of(page):
    return page.locator("textarea#id_body")


def select(page, start, end):
    body_of(page).evaluate(f"el => {{ el.focus(); el.setSelectionRange({start}, {end}); }}")


def test_the_preview_follows_the_writing_with_the_site_styles(page, site):
    log_in(page)
    page.get_by_label("Title").fill("Follow up after an interview")
    body_of(page).fill(BODY)

    preview = page.frame_locator(".md-frame")
    expect(preview.locator("h1")).to_have_text("Follow up after an interview")
    expect(preview.locator("h2")).to_have_text(re.compile(r"^Why it works"))
    expect(preview.locator("table td").first).to_have_text("Day 1")
    # The site's stylesheet, not the admin's: its serif body text and its table borders.
    assert "serif" in preview.locator(".post-body p").first.evaluate("el => getComputedStyle(el).fontFamily")
    assert preview.locator("link[rel=stylesheet]").get_attribute("href").endswith("/css/site.css")

    body_of(page).press("End")
    body_of(page).press_sequentially("\n\n## A second heading")
    expect(preview.locator("h2")).to_have_count(2)


@pytest.mark.parametrize(
    ("system", "toggle", "background"), [("light", "dark", "rgb(22, 24, 28)"), ("dark", "light", "rgb(253, 252, 250)")]
)
def test_the_preview_follows_the_admin_theme_toggle(new_context, site, system, toggle, background):
    page = new_context(color_scheme=system).new_page()
    log_in(page)
    page.evaluate(f"localStorage.setItem('theme', '{toggle}')")  # what the admin's toggle button stores
    page.reload()
    body_of(page).fill(BODY)
    preview = page.frame_locator(".md-frame")
    expect(preview.locator("h2")).to_be_visible()
    expect(preview.locator("body")).to_have_css("background-color", background)  # site.css --bg


def test_a_markup_error_shows_in_the_preview_and_the_text_stays(page, site, settings):
    settings.BLOG_POST_MAX_LENGTH = 40
    log_in(page)
    body_of(page).fill("A sentence that is much too long for the limit set here.")

    expect(page.locator(".md-preview-status")).to_have_text(re.compile(r"the limit is 40\. Please shorten it\."))
    expect(body_of(page)).to_have_value("A sentence that is much too long for the limit set here.")


def test_the_toolbar_works_from_the_keyboard(page, site):
    log_in(page)
    page.get_by_label("Title").fill("Keyboard only")
    # Tab from the title to the toolbar (one tab stop), Enter on Bold: a placeholder, selected.
    page.get_by_label("Title").press("Tab")
    bold = page.get_by_role("button", name="Bold")
    expect(bold).to_be_focused()
    page.keyboard.press("Enter")
    expect(body_of(page)).to_be_focused()
    page.keyboard.type("thanks")
    expect(body_of(page)).to_have_value("**thanks**")

    # Arrow keys move along the toolbar; Enter on Bulleted list makes the line a list item.
    bold.focus()
    for _ in range(6):  # Italic, Link, Heading, Quote, Code, Bulleted list
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("button", name="Bulleted list")).to_be_focused()
    page.keyboard.press("Enter")
    expect(body_of(page)).to_have_value("- **thanks**")

    # Ctrl+B wraps the selection; Ctrl+Z takes it back (the browser's own undo).
    body_of(page).fill("make this loud")
    select(page, 10, 14)
    page.keyboard.press("Control+b")
    expect(body_of(page)).to_have_value("make this **loud**")
    page.keyboard.press("Control+z")
    expect(body_of(page)).to_have_value("make this loud")

    # Ctrl+K: a link around the selection, the URL selected for typing over.
    select(page, 10, 14)
    page.keyboard.press("Control+k")
    page.keyboard.type("https://example.com")
    expect(body_of(page)).to_have_value("make this [loud](https://example.com)")

    # Code: inline for part of a line, a fenced block when the selection spans lines.
    body_of(page).fill("x = 1\ny = 2")
    select(page, 0, 11)
    page.get_by_role("button", name="Code").click()
    expect(body_of(page)).to_have_value("```\nx = 1\ny = 2\n```")
    expect(page.frame_locator(".md-frame").locator(".post-body pre")).to_be_visible()


# The stock admin widgets the lead is replacing in blog/admin.py (select2's tag box; the tabular pins
# inline, whose inputs have only a column header): left out of this check until that change is in.
def editor_problems(page, axe):
    return axe(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_editor_has_no_serious_accessibility_problem(page, axe, site, scheme):
    page.emulate_media(color_scheme=scheme)
    log_in(page, f"/admin/blog/post/{site['post'].pk}/change/")
    expect(page.frame_locator(".md-frame").locator("h2").first).to_be_visible()
    problems = editor_problems(page, axe)
    assert not problems, f"{page.url} ({scheme}):\n" + "\n".join(problems)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(ADD)
    page.get_by_role("tab", name="Preview").click()
    problems = editor_problems(page, axe)
    assert not problems, f"{page.url} ({scheme}, phone):\n" + "\n".join(problems)


def test_a_phone_gets_write_and_preview_tabs(new_context, site):
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(page)
    body_of(page).fill(BODY)
    write, preview = page.get_by_role("tab", name="Write"), page.get_by_role("tab", name="Preview")
    expect(write).to_have_attribute("aria-selected", "true")
    expect(page.locator(".md-preview")).to_be_hidden()

    preview.click()
    expect(preview).to_have_attribute("aria-selected", "true")
    expect(body_of(page)).to_be_hidden()
    expect(page.frame_locator(".md-frame").locator("table")).to_be_visible()

    page.keyboard.press("ArrowLeft")
    expect(write).to_be_focused()
    expect(body_of(page)).to_be_visible()


def test_a_wide_screen_shows_writing_and_preview_side_by_side(page, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page)
    expect(page.get_by_role("tab", name="Preview")).to_be_hidden()
    write = body_of(page).bounding_box()
    frame = page.locator(".md-frame").bounding_box()
    assert frame["x"] > write["x"] + write["width"] - 1  # beside it, not below
    title = page.get_by_label("Title").bounding_box()
    assert title["width"] > 0.9 * (frame["x"] + frame["width"] - write["x"])


def test_without_javascript_the_form_saves_and_shows_the_last_save(new_context, site):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page)
    expect(page.locator(".md-toolbar")).to_be_hidden()
    page.get_by_label("Title").fill("Written without JavaScript")
    page.get_by_label("Slug").fill("written-without-javascript")
    page.get_by_label("Theme").select_option(label="Job Search")
    body_of(page).fill(BODY)
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("is saved. Draft: only you can see it.")
    post = Post.objects.get(slug="written-without-javascript")
    saved = page.frame_locator(".editor-saved-frame")
    expect(saved.locator("h1")).to_have_text("Written without JavaScript")
    expect(saved.locator("h2")).to_have_text(re.compile(r"^Why it works"))
    assert post.body.replace("\r\n", "\n") == BODY.strip()


def test_an_image_dropped_on_the_body_is_uploaded_with_its_alt_text(page, site):
    log_in(page)
    body_of(page).fill("Before\n")
    drop_png(page)

    dialog = page.get_by_role("dialog", name="Add an image")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Describe the image for readers who can't see it").fill("A one-pixel test image")
    dialog.get_by_role("button", name="Upload").click()

    expect(body_of(page)).to_have_value(re.compile(r"^Before\n!\[A one-pixel test image\]\(.+\)"))
    expect(page.frame_locator(".md-frame").locator(".post-body img")).to_have_attribute("alt", "A one-pixel test image")


def drop_png(page, name="photo.png"):
    data = page.evaluate_handle(
        """([b64, name]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name, {type: "image/png"}));
            return dt;
        }""",
        [PNG, name],
    )
    body_of(page).dispatch_event("drop", {"dataTransfer": data})


def test_the_upload_contract_with_a_stand_in_endpoint(page, site):
    """The editor's side of the upload contract, each answer forced by the browser (a 201 with
    markdown; a 413 with its error, which the real endpoint gives only after 10 MB): the editor
    inserts the one and shows the other. The real endpoint is tested in the test above and in
    tests/test_images.py."""
    sent = []

    def answer(route):
        sent.append(route.request)
        if len(sent) == 1:
            route.fulfill(
                status=201,
                json={"id": 1, "url": "/media/p.png", "markdown": "![Ada](/media/p.png)", "width": 1, "height": 1},
            )
        else:
            route.fulfill(status=413, json={"error": "That image is larger than 10 MB."})

    page.route("**/admin/images/image/upload/", answer)
    log_in(page)
    body_of(page).fill("Before\n")
    drop_png(page)
    dialog = page.get_by_role("dialog", name="Add an image")
    # The alt text is required: Upload with it empty keeps the dialog open.
    dialog.get_by_role("button", name="Upload").click()
    expect(dialog).to_be_visible()
    dialog.get_by_label("Describe the image for readers who can't see it").fill("Ada at her desk")
    dialog.get_by_role("button", name="Upload").click()

    expect(body_of(page)).to_have_value("Before\n![Ada](/media/p.png)\n")
    request = sent[0]
    assert request.method == "POST" and request.headers["x-csrftoken"]
    assert b'name="alt"\r\n\r\nAda at her desk' in request.post_data_buffer
    assert b'name="file"; filename="photo.png"' in request.post_data_buffer
    expect(page.frame_locator(".md-frame").locator(".post-body img")).to_have_attribute("alt", "Ada")

    # An error: its message beside the editor, the placeholder gone, the text as it was.
    drop_png(page, "huge.png")
    dialog.get_by_label("Describe the image for readers who can't see it").fill("Too big")
    dialog.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_have_text("That image is larger than 10 MB.")
    expect(body_of(page)).to_have_value("Before\n![Ada](/media/p.png)\n")

    # Cancelling the dialog uploads nothing.
    drop_png(page, "again.png")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert len(sent) == 2

    # The toolbar's Image button opens the file picker; the chosen file goes the same way.
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Image").click()
    chooser.value.set_files(files=[{"name": "chosen.png", "mimeType": "image/png", "buffer": base64.b64decode(PNG)}])
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("chosen.png")
    dialog.get_by_role("button", name="Cancel").click()
    assert len(sent) == 2
