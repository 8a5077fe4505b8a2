"""Subscribing in a browser: axe finds no serious problem on the forms and on each page of the
opt-in, and "Copy link" copies."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from .support import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+")


@pytest.fixture
def outbox(settings):
    """The opt-in mail, sent by tasks in the live server's thread (immediate backend)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return mail.outbox


def check(page, axe, visible):
    expect(page.get_by_text(visible).first).to_be_visible()
    problems = axe(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 390)])
def test_subscribe_confirm_and_manage(new_context, axe, site, outbox, scheme, width):
    """The forms are plain HTML (no script of ours runs on them); axe needs JavaScript to run."""
    context = new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto("/")
    form = page.locator("form.subscribe-form")
    check(page, axe, "Get new posts by email")
    form.get_by_label("Email").fill("reader@example.com")
    form.get_by_label("Weekly digest").check()
    form.get_by_role("button", name="Subscribe").click()
    check(page, axe, "Check your inbox")
    (message,) = outbox
    confirm = next(url for url in LINK.findall(message.body) if "/subscriptions/confirm/" in url)
    page.goto(urlsplit(confirm).path)  # links in mail name the Site's domain ("testserver" here)
    check(page, axe, "Confirm your subscription")
    page.get_by_role("button", name="Yes, subscribe").click()
    check(page, axe, "You are subscribed")
    manage = page.get_by_role("link", name="Manage all your subscriptions").get_attribute("href")
    page.goto(urlsplit(manage).path)
    check(page, axe, "Every new post")
    page.get_by_role("button", name="Each post instead").click()
    check(page, axe, "Saved.")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_follow_a_discussion_from_the_post_page(page, axe, site, outbox, scheme):
    post = site["post"]
    page.emulate_media(color_scheme=scheme)
    page.goto(post.get_absolute_url())
    check(page, axe, "Email me new comments on this post")
    follow = page.locator("form.subscribe-form", has_text="Email me new comments on this post")
    follow.get_by_label("Email").fill("follower@example.com")
    follow.get_by_role("button", name="Follow").click()
    check(page, axe, "Check your inbox")
    assert outbox[0].to == ["follower@example.com"]
    assert "new comments on “Knock on doors”" in outbox[0].body


def test_copy_link_copies_the_posts_address(new_context, site, live_server):
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    post = site["post"]
    page.goto(post.get_absolute_url())
    page.get_by_role("link", name="Copy link").click()
    expect(page.get_by_text("Link copied.")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()").endswith(post.get_absolute_url())
    assert page.url.endswith(post.get_absolute_url())
