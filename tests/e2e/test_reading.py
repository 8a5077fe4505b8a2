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
    # The pinned post first, then the post sharing a tag.
    expect(discussions.locator(".discussion-list > li > a")).to_have_text(
        ["Thank-you notes that get answers", "Coffee with strangers"]
    )

    discussions.get_by_role("link", name="Coffee with strangers").click()
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
