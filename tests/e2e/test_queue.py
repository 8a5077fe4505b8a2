"""The author clears the moderation queue with the row buttons: mouse, keyboard, no JavaScript;
and axe-core finds nothing serious on it (light, dark; desktop and phone)."""

import pytest

from comments.models import Moderation, Reason, State

from ..factories import comment
from .support import AUTHOR_PASSWORD, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUEUE = "/admin/comments/moderatedcomment/"


def log_in(page):
    page.goto(f"/admin/login/?next={QUEUE}")
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(AUTHOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()


@pytest.fixture
def queue(site):
    """Ten held comments on the site's post, newest first in the queue."""
    held = [
        comment(
            site["post"],
            text=f"Held question number {n}?",
            state=State.HELD,
            reason=Reason.FIRST_COMMENT,
            name=f"Reader {n}",
            email=f"reader{n}@example.com",
        )
        for n in range(10)
    ]
    return {**site, "held": held}


def row_of(page, n):
    return page.locator("#result_list tbody tr", has_text=f"Held question number {n}?")


def tab_to(page, button, limit=80):
    """Press Tab until `button` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if button.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError("the button never got the keyboard focus")


def test_the_author_clears_a_queue_of_ten_with_the_row_buttons(page, queue):
    log_in(page)
    url = page.url
    # Keyboard only, from the top of the page (newest first): Tab to the button, Enter.
    for n, name, said in [
        (9, "Approve", "Approved"),
        (8, "Remove", "Removed"),
        (7, "Approve", "Approved"),
        (6, "Spam", "Marked as spam"),
        (5, "Approve", "Approved"),
    ]:
        row = row_of(page, n)
        button = row.get_by_role("button", name=name, exact=True)
        tab_to(page, button)
        page.keyboard.press("Enter")
        expect(row.locator(".queue-row-status")).to_have_text(f"{said}: the comment by Reader {n}.")
    # The mouse for the rest.
    for n, name, said in [
        (4, "Remove", "Removed"),
        (3, "Approve", "Approved"),
        (2, "Spam", "Marked as spam"),
        (1, "Approve", "Approved"),
        (0, "Approve", "Approved"),
    ]:
        row = row_of(page, n)
        row.get_by_role("button", name=name, exact=True).click()
        expect(row.locator(".queue-row-status")).to_have_text(f"{said}: the comment by Reader {n}.")
    assert page.url == url  # no page load
    expect(page.locator("#queue-status")).to_have_text("Approved: the comment by Reader 0.")
    # An approved row now offers Spam and Remove, not Approve.
    approved = row_of(page, 0)
    expect(approved.get_by_role("button", name="Approve", exact=True)).to_be_hidden()
    expect(approved.get_by_role("button", name="Spam", exact=True)).to_be_visible()
    expect(approved.locator(".queue-state")).to_have_text("Published")

    states = dict(Moderation.objects.filter(comment__in=queue["held"]).values_list("comment_id", "state"))
    expected = [State.PUBLISHED, State.PUBLISHED, State.SPAM, State.PUBLISHED, State.REMOVED]
    expected += [State.PUBLISHED, State.SPAM, State.PUBLISHED, State.REMOVED, State.PUBLISHED]  # 5..9
    assert [states[c.pk] for c in queue["held"]] == expected

    page.reload()
    expect(page.locator("#result_list tbody tr")).to_have_count(0)
    expect(page.get_by_text("0 comments")).to_be_visible()


def test_reply_inline_from_the_queue(page, queue):
    log_in(page)
    row = row_of(page, 3)
    row.get_by_role("link", name="Reply").click()
    box = row.get_by_label("Reply to Reader 3")
    expect(box).to_be_focused()
    row.get_by_role("button", name="Post reply").click()
    expect(row.locator(".queue-reply-error")).to_have_text("Write your reply before sending it.")
    box.fill("Yes, it does.")
    row.get_by_role("button", name="Post reply").click()
    expect(row.locator(".queue-row-status")).to_have_text("Approved the comment by Reader 3 and posted your reply.")
    expect(row.locator(".queue-state")).to_have_text("Published")
    held = queue["held"][3]
    assert Moderation.objects.get(comment_id=held.pk).state == State.PUBLISHED


def test_without_javascript_a_row_button_posts_and_comes_back(new_context, queue):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page)
    row_of(page, 2).get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Approved: the comment by Reader 2.")
    assert page.url.endswith(QUEUE)
    expect(row_of(page, 2)).to_have_count(0)
    expect(page.locator("#result_list tbody tr")).to_have_count(9)
    assert Moderation.objects.get(comment_id=queue["held"][2].pk).state == State.PUBLISHED


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_queue_has_no_serious_accessibility_problem(new_context, axe, queue, scheme, width):
    page = new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    log_in(page)
    expect(row_of(page, 1)).to_be_visible()
    problems = axe(page)
    assert not problems, f"{page.url} ({scheme}, {width} px):\n" + "\n".join(problems)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    page.goto(f"{QUEUE}{queue['held'][1].pk}/change/")
    expect(page.get_by_role("heading", name="The thread around it")).to_be_visible()
    problems = axe(page)
    assert not problems, f"{page.url} ({scheme}, {width} px):\n" + "\n".join(problems)
