"""The author's emailed Approve link in a browser: a confirmation page (axe-clean, light and dark,
desktop and phone), its button approves, the same link afterwards says the comment has changed."""

import pytest

from comments.models import Moderation, Reason, State

from ..factories import comment
from .support import AUTHOR_PASSWORD, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def approve_path(held):
    from comments.notifications import action_url

    return "/" + action_url(held.pk, "approve", State.HELD).split("://", 1)[1].split("/", 1)[1]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_emailed_approve_link_asks_first_then_approves_once(page, axe, site, scheme, width):
    held = comment(site["post"], text="Is a cold visit rude?", state=State.HELD, reason=Reason.FIRST_COMMENT)
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    link = approve_path(held)
    page.goto(link)  # signed out: the admin's login first, then back to the link
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(AUTHOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Approve comment?")).to_be_visible()
    expect(page.get_by_text("Is a cold visit rude?")).to_be_visible()
    problems = axe(page)
    assert not problems, "\n".join(problems)
    assert Moderation.objects.get(comment_id=held.pk).state == State.HELD  # opening it changed nothing

    page.get_by_role("button", name="Approve comment").click()
    expect(page.get_by_text("Comment approved.")).to_be_visible()
    assert Moderation.objects.get(comment_id=held.pk).state == State.PUBLISHED

    page.goto(link)
    expect(page.get_by_text("This comment has changed since the email (now: published)")).to_be_visible()
    expect(page.get_by_role("button", name="Approve comment")).to_have_count(0)
    problems = axe(page)
    assert not problems, "\n".join(problems)
