"""A reader finds their way around the blog in a real browser."""

import re

import pytest

from .support import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_post_relevant_discussions_tag_theme_and_search(page, site):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Latest posts")
    expect(page.locator(".post-card")).to_have_count(3)

    page.get_by_role("link", name="Knock on doors").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Knock on doors")
    expect(page.locator(".post-body")).to_contain_text("People remember a face.")
    discussions = page.locator(".relevant-discussions")
    # The pinned post, said so in words; the post sharing a tag is the Previous card, so not listed twice.
    expect(discussions.locator(".discussion-list > li > a")).to_have_text(["Thank-you notes that get answers"])
    expect(discussions.locator(".discussion-why")).to_have_text(["Pinned by the author · Shares: interviews"])

    page.locator(".post-nav").get_by_role("link", name="Coffee with strangers").click()
    expect(page).to_have_url(re.compile(r"/\d{4}/\d{2}/coffee-with-strangers/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Coffee with strangers")

    page.locator(".post-header .post-meta").get_by_role("link", name="networking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("networking")
    expect(page.locator(".post-card-title")).to_have_text(["Knock on doors", "Coffee with strangers"])

    page.locator(".post-card", has_text="Coffee with strangers").get_by_role("link", name="Changing Careers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Changing Careers")
    expect(page.locator(".post-card-title")).to_have_text(["Coffee with strangers"])

    search = page.get_by_role("search").first.get_by_role("searchbox", name="Search posts")
    search.fill("doors")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=doors$"))
    expect(page.locator(".search-summary")).to_have_text("1 post found for “doors”.")
    expect(page.locator(".post-card-title mark")).to_have_text("doors")


def test_a_comment_permalink_opens_on_the_comment(page, site):
    first = site["first"]
    page.goto(f"/comments/c/{first.pk}/")
    expect(page).to_have_url(re.compile(rf"#c{first.pk}$"))
    expect(page.locator(f"#c{first.pk} .comment-body").first).to_have_text("This worked for me in 2019.")


def test_tags_reply_and_report_are_big_enough_to_tap_on_a_phone(new_context, site):
    """WCAG 2.5.5: at least 44 x 44 CSS pixels for what a finger taps."""
    phone = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    phone.goto(site["post"].get_absolute_url())
    targets = {
        "tag": phone.locator(".post-header .tag").first,
        "shared tag": phone.locator(".discussion-why a").first,
        "Reply": phone.locator(".comment-actions").first.get_by_role("link", name=re.compile("^Reply")),
        "Report": phone.locator("details.report summary").first,
    }
    for name, target in targets.items():
        box = target.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, (name, box)
    desktop = new_context(viewport={"width": 1280, "height": 900}).new_page()
    desktop.goto(site["post"].get_absolute_url())
    assert desktop.locator(".post-header .tag").first.bounding_box()["height"] < 44  # chips stay small with a mouse
