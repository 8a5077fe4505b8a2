"""Feeds parse as a feed reader parses them, and list only public posts."""

import datetime
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils import timezone

from blog.models import Post

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


CONTENT_BODY = """## Check the relationship first

See [the checklist](/tags/referrals/), [below](#make-it-specific) and a note[^1].

![A handshake](/media/handshake.jpg)

## Make it specific

Text.

[^1]: The note.
"""


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/"])
def test_feed_content_has_no_heading_anchors_and_only_absolute_urls(client, path):
    post = PostFactory(title="With headings", body=CONTENT_BODY)
    response = client.get(path)
    # As a reader that does not resolve relative links itself shows them.
    feed = feedparser.parse(response.content, resolve_relative_uris=False, sanitize_html=False)
    (entry,) = feed.entries
    html = entry.content[0].value if "content" in entry else entry.summary
    hrefs = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert hrefs, html
    assert all(url.startswith("http://testserver/") for url in hrefs), hrefs
    assert 'class="headerlink"' not in html and ">#</a>" not in html
    post_url = f"http://testserver{post.get_absolute_url()}"
    assert f"{post_url}#make-it-specific" in hrefs
    assert f"{post_url}#fn:1" in hrefs
    assert "http://testserver/media/handshake.jpg" in hrefs
    assert "http://testserver/tags/referrals/" in hrefs
    assert "<h2" in html and "Check the relationship first" in html


def test_feed_content_stays_sanitized(client):
    PostFactory(body='[x](javascript:alert(1)) <img src="x" onerror="alert(1)"> <a href="//evil.example/">e</a>')
    html = feedparser.parse(client.get("/feed/").content, sanitize_html=False).entries[0].summary
    assert "javascript:" not in html and "onerror" not in html
    assert "<script" not in html


def test_atom_updated_is_the_posts_last_change_and_the_feeds_newest(client):
    written = timezone.now() - datetime.timedelta(days=400)
    older = PostFactory(title="Older", published_at=written - datetime.timedelta(days=30))
    newer = PostFactory(title="Newer", published_at=written - datetime.timedelta(days=20))
    Post.objects.filter(pk=older.pk).update(updated_at=written)
    Post.objects.filter(pk=newer.pk).update(updated_at=written + datetime.timedelta(days=3))
    feed = feedparser.parse(client.get("/feed/atom/").content)
    updated = {entry.title: entry.updated_parsed[:6] for entry in feed.entries}
    assert updated["Older"] == written.utctimetuple()[:6]
    assert feed.feed.updated_parsed[:6] == (written + datetime.timedelta(days=3)).utctimetuple()[:6]
