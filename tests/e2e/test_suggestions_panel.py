"""The editor's suggestions panel in a real browser: suggestions for the unsaved text, with their
reasons; one click adds a tag to the tags box or a post to the pins, and only saving keeps it."""

import pytest

from blog.models import Post

from ..factories import DraftFactory, PostFactory, TagFactory
from .support import expect
from .test_post_form import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Most people I know were hired by referral. Personal connections open doors: a former colleague "
    "passes your name on, and the hiring manager calls."
)


@pytest.fixture
def similar(site):
    referrals = TagFactory(name="referrals", slug="referrals")
    # Saved the normal way: the task queue (immediate in the tests) indexes them after commit.
    public = PostFactory(title="Hired by referral", author=site["author"], body=TEXT, tags=[referrals])
    DraftFactory(title="A draft about referrals", author=site["author"], body=TEXT, tags=[referrals])
    return {"tag": referrals, "public": public}


def test_a_click_adds_a_suggested_tag_and_pin_to_the_unsaved_post(page, site, similar):
    post = site["post"]
    log_in(page, f"/admin/blog/post/{post.pk}/change/")
    page.locator("textarea[name=body]").fill(f"{post.body}\n\nI was hired by referral, through personal connections.")
    panel = page.locator("#suggestions-panel")
    page.get_by_role("button", name="Refresh").click()
    suggestion = panel.locator("[data-posts] li", has_text="Hired by referral")
    expect(suggestion).to_contain_text("similar text: ‘hired by referral’")
    expect(panel.locator("[data-posts]")).not_to_contain_text("A draft about referrals")
    tag = panel.locator("[data-tags] li", has_text="referrals")
    expect(tag).to_contain_text("on 1 similar post: “Hired by referral”")

    tag.get_by_role("button", name="Add tag referrals").click()
    expect(page.locator(".field-tags .select2-selection__choice", has_text="referrals")).to_be_visible()
    suggestion.get_by_role("button", name="Pin “Hired by referral”").click()
    expect(page.locator("#pins-group tr.form-row:not(.empty-form)").last).to_contain_text("Hired by referral")
    assert not Post.objects.get(pk=post.pk).tags.filter(name="referrals").exists()  # nothing saved yet

    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("is saved")
    saved = Post.objects.get(pk=post.pk)
    assert saved.tags.filter(name="referrals").exists()
    assert [p.target.title for p in saved.pins.order_by("position")] == [site["pinned"].title, "Hired by referral"]
