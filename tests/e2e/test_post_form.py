"""The post form's tags and pins in a real browser: a new tag by typing its name and Enter;
pins reordered by dragging."""

import pytest

from blog.models import PinnedPost, Post, Tag

from ..factories import pin
from .support import AUTHOR_PASSWORD, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, next_path):
    page.goto(f"/admin/login/?next={next_path}")
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(AUTHOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")  # the tags box is set up on load (static/js/tag_input.js)


def change_url(post):
    return f"/admin/blog/post/{post.pk}/change/"


def test_typing_a_new_tag_and_enter_adds_it(page, site):
    post = site["post"]
    log_in(page, change_url(post))
    search = page.locator(".field-tags .select2-search__field")
    search.click()
    search.type("Salary talks")
    expect(page.locator(".select2-results__option", has_text="Add new tag “Salary talks”")).to_be_visible()
    search.press("Enter")
    expect(page.locator(".field-tags .select2-selection__choice", has_text="Salary talks")).to_be_visible()
    # An existing tag is still found by typing part of it.
    search.type("netw")
    expect(page.locator(".select2-results__option", has_text="networking").first).to_be_visible()
    search.press("Escape")

    page.locator("input[name=_continue]").click()

    expect(page.locator(".messagelist")).to_contain_text("is saved")
    assert sorted((tag.name for tag in Post.objects.get(pk=post.pk).tags.all()), key=str.lower) == [
        "interviews",
        "networking",
        "Salary talks",
    ]
    assert Tag.objects.filter(name__iexact="salary talks").count() == 1


def test_pins_are_reordered_by_dragging(page, site):
    post, related, pinned = site["post"], site["related"], site["pinned"]
    pin(post, related, position=2)  # pinned (position 0) first, related second
    log_in(page, change_url(post))
    rows = page.locator("#pins-group tbody tr.form-row.has_original")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(pinned.title)

    rows.nth(1).drag_to(rows.nth(0), target_position={"x": 20, "y": 2})

    expect(rows.nth(0)).to_contain_text(related.title)
    assert page.locator("#pins-group input[name$='-position']").evaluate_all("els => els.map(e => e.value)")[:2] == [
        "1",
        "2",
    ]
    # From the keyboard: Playwright's synthetic drag can swallow the next mouse click.
    page.locator("input[name=_continue]").press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("is saved")
    order = list(PinnedPost.objects.filter(post=post).order_by("position").values_list("target__title", flat=True))
    assert order == [related.title, pinned.title]
