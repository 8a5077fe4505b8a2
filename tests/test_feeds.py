"""Feeds parse as a feed reader parses them, and list only public posts."""

import xml.etree.ElementTree as ET

import feedparser
import pytest

from .factories import DraftFactory, PostFactory, ScheduledFactory, TagFactory, ThemeFactory

pytestmark = pytest.mark.django_db

FEEDS = [
    "/feed/",
    "/feed/atom/",
    "/tags/referrals/feed/",
    "/tags/referrals/feed/atom/",
    "/themes/networking/feed/",
    "/themes/networking/feed/atom/",
]


@pytest.fixture
def posts():
    theme = ThemeFactory(name="Networking", slug="networking")
    other_theme = ThemeFactory(name="Interviews", slug="interviews")
    tag = TagFactory(name="referrals", slug="referrals")
    PostFactory(title="Public & tagged", theme=theme, tags=[tag], body="Hello <script>x</script> **world**")
    PostFactory(title="Public, other theme, untagged", theme=other_theme)
    DraftFactory(title="A draft", theme=theme, tags=[tag])
    ScheduledFactory(title="A scheduled post", theme=theme, tags=[tag])


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_parse_cleanly_and_exclude_hidden_posts(client, posts, path):
    response = client.get(path)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [entry.title for entry in feed.entries]
    assert "Public & tagged" in titles
    assert "A draft" not in titles and "A scheduled post" not in titles
    if path.startswith(("/tags/", "/themes/")):
        assert titles == ["Public & tagged"]
    entry = feed.entries[titles.index("Public & tagged")]
    assert entry.link.startswith("http://testserver/")
    assert "<strong>world</strong>" in (entry.get("summary") or entry.content[0].value)
    assert "<script" not in response.content.decode()


def test_atom_feed_has_dates_authors_and_categories(client, posts):
    feed = feedparser.parse(client.get("/feed/atom/").content)
    (entry,) = [entry for entry in feed.entries if entry.title == "Public & tagged"]
    assert entry.published_parsed and entry.updated_parsed
    assert entry.author == "author"
    assert {tag.term for tag in entry.tags} == {"Networking", "referrals"}


def test_feed_of_unknown_tag_is_404(client, posts):
    assert client.get("/tags/nope/feed/").status_code == 404


def test_pages_advertise_their_feeds(client, posts):
    html = client.get("/tags/referrals/").content.decode()
    rss_link = 'rel="alternate" type="application/rss+xml" title="Tag referrals (RSS)" href="/tags/referrals/feed/"'
    assert rss_link in html
    home = client.get("/").content.decode()
    assert 'type="application/atom+xml" title="Career Conversations (Atom)" href="/feed/atom/"' in home


def test_sitemap_lists_public_posts_tags_and_themes_only(client, posts):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert "http://testserver/" in locations
    assert "http://testserver/tags/referrals/" in locations
    assert "http://testserver/themes/networking/" in locations
    assert any("public-tagged" in loc for loc in locations)
    assert not any("draft" in loc or "scheduled" in loc for loc in locations)
    assert all(url.find("s:lastmod", ns) is not None for url in root.findall("s:url", ns)[4:])


def test_sitemap_leaves_out_a_tag_with_only_hidden_posts(client, posts):
    hidden = TagFactory(name="hidden", slug="hidden")
    DraftFactory(title="Only draft", tags=[hidden])
    assert "/tags/hidden/" not in client.get("/sitemap.xml").content.decode()
