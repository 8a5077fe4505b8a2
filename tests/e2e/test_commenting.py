"""Comment, moderate, reply (with and without JavaScript), report, fix a refused comment, keyboard only."""

import re

import pytest

from .support import AUTHOR_PASSWORD, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAM = {"Name": "Sam Reader", "Email": "sam@example.com"}


def fill_fields(form, fields):
    for label, value in fields.items():
        form.get_by_label(label, exact=True).fill(value)


def log_in_to_the_admin(page, username="author"):
    page.goto("/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(AUTHOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()


def test_first_comment_is_held_approved_in_the_admin_then_public(new_context, site):
    post = site["post"]
    reader = new_context().new_page()
    reader.goto(post.get_absolute_url())
    form = reader.locator("#comments > .comment-form")
    fill_fields(form, {"Name": "Lee Newcomer", "Email": "lee@example.com", "Comment": "I tried this on *Monday*."})
    form.get_by_role("button", name="Post comment").click()

    mine = reader.locator(".comment.pending", has_text="I tried this on Monday.")
    expect(mine).to_be_visible()
    # The thank-you is beside the comment the page jumped to, announced (role=status).
    expect(mine.get_by_role("status")).to_contain_text("awaiting moderation")
    expect(mine).to_be_in_viewport()
    expect(mine.locator(".pending-note")).to_have_text(
        "Awaiting moderation: only you can see this comment. "
        "First comments are read by the author before they appear; your next ones will appear at once."
    )
    expect(mine.locator("em")).to_have_text("Monday")

    stranger = new_context().new_page()
    stranger.goto(post.get_absolute_url())
    expect(stranger.locator(".comment-thread")).to_be_visible()
    expect(stranger.get_by_text("I tried this on Monday.")).to_have_count(0)

    admin = new_context().new_page()
    log_in_to_the_admin(admin)
    admin.get_by_role("link", name="1 comment awaiting moderation").click()
    expect(admin).to_have_title(re.compile(r"^Moderation queue"))
    expect(admin.locator(".breadcrumbs")).to_contain_text("Moderation queue")
    row = admin.locator("#result_list tbody tr", has_text="I tried this on")
    expect(row).to_have_count(1)
    row.locator("input.action-select").check()
    admin.locator("select[name=action]").select_option(label="Approve selected comments")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("pprove")
    expect(admin.locator("#result_list tbody tr", has_text="I tried this on")).to_have_count(0)

    everyone = new_context().new_page()
    everyone.goto(post.get_absolute_url())
    published = everyone.locator(".comment", has_text="I tried this on Monday.")
    expect(published).to_be_visible()
    expect(published.locator(".pending-note")).to_have_count(0)
    expect(everyone.locator("#comments-heading")).to_have_text("3 comments")


def test_reply_with_javascript_opens_the_form_under_the_comment(page, site):
    answer = site["answer"]
    page.goto(site["post"].get_absolute_url())
    thread_item = page.locator(f"#c{answer.pk}")
    expect(thread_item.locator(".badge")).to_have_text("Author")
    thread_item.get_by_role("link", name="Reply to Ada Writer").click()

    inline = thread_item.locator(":scope > .comment-form")
    expect(inline).to_be_visible()
    expect(page).to_have_url(re.compile(r"/knock-on-doors/$"))  # no navigation
    expect(inline.get_by_label("Comment", exact=True)).to_be_focused()
    fill_fields(inline, {**SAM, "Comment": "I said I had read their annual report."})
    inline.get_by_role("button", name="Post comment").click()

    expect(page).to_have_url(re.compile(r"#c\d+$"))
    reply = thread_item.locator(".replies .comment", has_text="I said I had read their annual report.")
    expect(reply).to_be_visible()
    expect(reply.locator(".pending-note")).to_have_count(0)  # Sam has a published comment already


def test_reply_without_javascript_goes_to_the_reply_page(new_context, site):
    answer = site["answer"]
    page = new_context(java_script_enabled=False).new_page()
    page.goto(site["post"].get_absolute_url())
    page.locator(f"#c{answer.pk}").get_by_role("link", name="Reply to Ada Writer").click()

    expect(page).to_have_url(re.compile(rf"/comments/reply/{answer.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply to Ada Writer")
    expect(page.locator(".replying-to")).to_contain_text("Glad to hear it, Sam.")
    form = page.locator(".comment-form")
    fill_fields(form, {**SAM, "Comment": "Mostly I listened, no JavaScript needed."})
    form.get_by_role("button", name="Post comment").click()

    expect(page).to_have_url(re.compile(r"/knock-on-doors/#c\d+$"))
    reply = page.locator(f"#c{answer.pk} .replies .comment", has_text="Mostly I listened")
    expect(reply).to_be_visible()


def test_a_reader_reports_a_comment(page, site):
    first = site["first"]
    page.goto(site["post"].get_absolute_url())
    article = page.locator(f"#c{first.pk} > article")
    article.get_by_text("Report", exact=True).click()  # opens the small form: why?
    article.get_by_role("radio", name="Off-topic").check()
    article.get_by_role("button", name="Send report").click()
    notice = page.locator(f"#c{first.pk} > article").get_by_role("status")
    expect(notice).to_have_text("Thank you for the report. A moderator will look at the comment.")
    expect(notice).to_be_in_viewport()
    article.get_by_text("Report", exact=True).click()
    article.get_by_role("button", name="Send report").click()
    expect(notice).to_have_text("You have already reported this comment.")


def test_a_refused_comment_comes_back_with_the_text_and_the_reason(page, site):
    page.goto(site["post"].get_absolute_url())
    form = page.locator("#comments > .comment-form")
    fill_fields(form, {"Name": "Lee Newcomer", "Email": "lee@example.com"})
    too_long = "x" * 3001
    form.get_by_role("textbox", name="Comment").fill(too_long)
    form.get_by_role("button", name="Post comment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your comment")
    expect(page.get_by_role("alert").first).to_have_text("Please fix the marked fields.")
    expect(page.locator(".field-error")).to_contain_text("3000")
    expect(page.get_by_label("Comment", exact=True)).to_have_value(too_long)
    # A screen reader announces the error with the field.
    expect(page.get_by_label("Comment", exact=True)).to_have_accessible_description(re.compile("3000"))
    expect(page.get_by_label("Name", exact=True)).to_have_value("Lee Newcomer")


def test_a_long_comment_is_counted_near_the_limit_and_never_cut(page, site):
    page.goto(site["post"].get_absolute_url())
    box = page.locator("#comments > .comment-form textarea")
    counter = page.locator("#comments > .comment-form .char-count")
    box.fill("x" * 1000)
    expect(counter).to_be_hidden()
    box.fill("x" * 2950)
    expect(counter).to_have_text("50 characters left")
    pasted = "y" * 3960
    box.fill(pasted)
    expect(box).to_have_value(pasted)  # nothing cut
    expect(counter).to_have_text("960 characters over the limit of 3,000: please shorten it before posting")


def test_a_reader_who_asks_to_be_remembered_finds_the_form_filled_on_the_next_post(new_context, site):
    reader = new_context().new_page()
    reader.goto(site["post"].get_absolute_url())
    form = reader.locator("#comments > .comment-form")
    fill_fields(form, {"Name": "Rae Remembered", "Email": "rae@example.com", "Comment": "Remember me, please."})
    form.get_by_label("Remember my name, email and website in this browser").check()
    form.get_by_role("button", name="Post comment").click()
    expect(reader.locator(".comment.pending", has_text="Remember me, please.")).to_be_visible()

    reader.goto(site["related"].get_absolute_url())  # the next post: the same page for everyone, filled here
    form = reader.locator("#comments > .comment-form")
    expect(form.get_by_label("Name", exact=True)).to_have_value("Rae Remembered")
    expect(form.get_by_label("Email", exact=True)).to_have_value("rae@example.com")
    reader.goto(site["post"].get_absolute_url())
    reader.locator(".reply-link").first.click()
    inline = reader.locator(".comment .comment-form").first
    expect(inline.get_by_label("Name", exact=True)).to_have_value("Rae Remembered")

    stranger = new_context().new_page()
    stranger.goto(site["post"].get_absolute_url())
    expect(stranger.locator("#comments > .comment-form").get_by_label("Name", exact=True)).to_have_value("")


def test_a_writer_fixes_a_typo_in_their_comment_from_the_same_browser(new_context, site):
    writer = new_context().new_page()
    writer.goto(site["post"].get_absolute_url())
    form = writer.locator("#comments > .comment-form")
    fill_fields(form, {"Name": "Ty Typo", "Email": "ty@example.com", "Comment": "Grate advice."})
    form.get_by_role("button", name="Post comment").click()
    mine = writer.locator(".comment.pending", has_text="Grate advice.")
    mine.get_by_role("link", name="Edit").click()
    writer.get_by_role("textbox", name="Comment").fill("Great advice.")
    writer.get_by_role("button", name="Save changes").click()
    fixed = writer.locator(".comment", has_text="Great advice.")
    expect(fixed.locator(".edited")).to_have_text("(edited)")
    other = new_context().new_page()
    other.goto(site["post"].get_absolute_url())
    expect(other.get_by_role("link", name="Edit")).to_have_count(0)


def tab_to(page, selector, limit=80):
    """Press Tab until the focused element matches `selector`; the elements passed on the way."""
    passed = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return passed
        passed.append(page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)"))
    raise AssertionError(f"{selector} not reached with Tab; focus went through {passed[-10:]}")


def test_keyboard_only_comment(page, site):
    page.goto(site["post"].get_absolute_url())
    tab_to(page, "#comments > .comment-form input[name=name]")
    page.keyboard.type("Kim Keys")
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.com")
    page.keyboard.press("Tab")  # website
    page.keyboard.press("Tab")  # "Remember me" (added by comments.js)
    assert page.evaluate("() => document.activeElement.className") == "remember-me"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "comment"
    page.keyboard.type("Typed without a mouse.")
    passed = tab_to(page, "#comments > .comment-form button[name=post]")
    assert not any("honeypot" in element for element in passed), passed
    page.keyboard.press("Enter")

    typed = page.locator(".comment.pending", has_text="Typed without a mouse.")
    expect(typed).to_be_visible()
    expect(typed.get_by_role("status")).to_contain_text("awaiting moderation")
