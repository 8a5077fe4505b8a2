"""Comment feeds parse as a feed reader parses them and show only published comments of public posts."""

import feedparser
import pytest
from django.utils import timezone

from comments.models import State

from .factories import DraftFactory, PostFactory, ScheduledFactory, comment, comments

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    post = PostFactory(title="Networking & you", slug="networking-and-you")
    shown = comment(post, name="Ann", email="ann@secret.example", text="Published **one**")
    comment(post, name="Held", email="held@example.com", text="Held one", state=State.HELD)
    comment(post, name="Spammer", email="spam@example.com", text="Spam one", state=State.SPAM)
    comment(post, name="Gone", email="gone@example.com", text="Removed one", state=State.REMOVED)
    comment(post, parent=shown, name="Bo", email="bo@secret.example", text="A published reply")
    comment(DraftFactory(), name="Draft", text="On a draft")
    comment(ScheduledFactory(), name="Later", text="On a scheduled post")
    return post


def feed_urls(post):
    url = post.get_absolute_url()
    return ["/comments/feed/", "/comments/feed/atom/", f"{url}comments/feed/", f"{url}comments/feed/atom/"]


def test_comment_feeds_parse_and_hold_only_published_comments_of_public_posts(client, thread):
    for url in feed_urls(thread):
        response = client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        assert [entry.title for entry in feed.entries] == ["Bo on “Networking & you”", "Ann on “Networking & you”"]
        assert [entry.author for entry in feed.entries] == ["Bo", "Ann"]
        body = response.content.decode()
        for hidden in ("Held", "Spam", "Removed", "On a draft", "scheduled", "secret.example", "@example.com"):
            assert hidden not in body, (url, hidden)
        assert "<strong>one</strong>" in feed.entries[1].summary


def test_each_item_links_to_the_comments_permalink(client, thread):
    feed = feedparser.parse(client.get("/comments/feed/").content)
    link = feed.entries[0].link
    assert "/comments/c/" in link
    landed = client.get(link.replace("http://testserver", ""))
    assert landed.status_code == 302 and landed["Location"].startswith(thread.get_absolute_url())


def test_a_drafts_or_unknown_posts_comment_feed_is_a_404(client):
    draft = DraftFactory(published_at=timezone.now())
    assert client.get(f"{draft.get_absolute_url()}comments/feed/").status_code == 404
    assert client.get("/2020/01/no-such-post/comments/feed/").status_code == 404


def test_comment_feeds_are_cached_and_a_new_comment_shows_at_once(client, thread):
    for url in feed_urls(thread):
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
    from comments import moderation

    comment(thread, name="Cy", text="Newest")
    moderation.pages_changed("test")
    for url in feed_urls(thread):
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss" and "Cy on" in response.content.decode()


def test_the_post_page_links_its_comment_feeds_in_head_and_body(client, thread):
    page = client.get(thread.get_absolute_url()).content.decode()
    head = page.split("</head>")[0]
    assert f'href="{thread.get_absolute_url()}comments/feed/"' in head
    assert 'href="/comments/feed/"' in head
    body = page.split("</head>")[1]
    assert f'href="{thread.get_absolute_url()}comments/feed/atom/"' in body


def test_the_comment_feed_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    post = PostFactory()
    comments(post, 60)
    with django_assert_max_num_queries(4):
        assert client.get("/comments/feed/").status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(f"{post.get_absolute_url()}comments/feed/").status_code == 200
