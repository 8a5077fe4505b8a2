"""Nobody but staff sees drafts or scheduled posts, anywhere, until their time comes."""

import datetime
import re

import feedparser
import pytest
from django.utils import timezone

from blog.models import Post

from .factories import DraftFactory, PostFactory, ScheduledFactory, TagFactory, ThemeFactory, pin

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    theme = ThemeFactory(name="Networking", slug="networking")
    tag = TagFactory(name="referrals", slug="referrals")
    live = PostFactory(title="Live post about referrals", theme=theme, tags=[tag])
    draft = DraftFactory(title="Secret draft about referrals", theme=theme, tags=[tag])
    scheduled = ScheduledFactory(title="Scheduled post about referrals", theme=theme, tags=[tag])
    pin(live, draft, 0)
    pin(live, scheduled, 1)
    return {"live": live, "draft": draft, "scheduled": scheduled, "theme": theme, "tag": tag}


def test_published_queryset_rules(world):
    assert list(Post.objects.published()) == [world["live"]]


PUBLIC_PAGES = [
    "/",
    "/tags/referrals/",
    "/themes/networking/",
    "/search/?q=referrals",
    "/feed/",
    "/feed/atom/",
    "/tags/referrals/feed/",
    "/tags/referrals/feed/atom/",
    "/themes/networking/feed/",
    "/themes/networking/feed/atom/",
    "/sitemap.xml",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_hidden_posts_appear_nowhere(client, world, path):
    body = client.get(path).content.decode()
    assert "Live post about referrals" in body or "/" + world["live"].slug in body
    assert "Secret draft" not in body and world["draft"].slug not in body
    assert "Scheduled post" not in body and world["scheduled"].slug not in body


def test_hidden_posts_are_not_in_archives_counts_or_neighbours(client, world):
    live = world["live"]
    year = live.published_at.year
    for path in (f"/archive/{year}/", f"/archive/{year}/{live.published_at.month:02d}/"):
        body = client.get(path).content.decode()
        assert "Live post" in body and "Secret draft" not in body and "Scheduled post" not in body
    for index_page in ("/tags/", "/themes/"):  # each counts its one public post, not three
        assert "1 post<" in client.get(index_page).content.decode()
    archive = client.get("/archive/").content.decode()
    live_month = f'href="/archive/{year}/{live.published_at.month:02d}/"'
    assert re.findall(r'href="/archive/\d{4}/\d{2}/"', archive) == [live_month]  # no future month listed
    page = client.get(live.get_absolute_url()).content.decode()
    assert "Secret draft" not in page and "Scheduled post" not in page  # pins and prev/next


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_hidden_post_url_is_404_for_readers(client, world, kind):
    assert client.get(world[kind].get_absolute_url()).status_code == 404


def test_staff_preview_a_draft_with_a_banner_never_cached(staff_client, world):
    response = staff_client.get(world["draft"].get_absolute_url())
    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_staff_see_the_live_post_without_banner(staff_client, world):
    response = staff_client.get(world["live"].get_absolute_url())
    assert "Draft preview" not in response.content.decode()


def test_scheduled_post_goes_live_when_its_time_comes_without_a_job(client, world):
    scheduled = world["scheduled"]
    Post.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - datetime.timedelta(minutes=1))
    scheduled.refresh_from_db()
    assert client.get(scheduled.get_absolute_url()).status_code == 200
    assert "Scheduled post about referrals" in client.get("/").content.decode()
    feed = feedparser.parse(client.get("/feed/").content)
    assert "Scheduled post about referrals" in [entry.title for entry in feed.entries]
