"""JSON-LD on the post and home pages: parses, matches the page, names no email or hidden comment."""

import json
import re

import pytest
from django.contrib.auth import get_user_model

from comments.models import State

from .factories import DraftFactory, PostFactory, TagFactory, ThemeFactory, UserFactory, comment

pytestmark = pytest.mark.django_db

BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def json_ld(response):
    return [json.loads(block) for block in BLOCK.findall(response.content.decode())]


def by_type(blocks):
    found = {}
    for block in blocks:
        for item in block if isinstance(block, list) else [block]:
            found[item["@type"]] = item
    return found


@pytest.fixture
def post():
    author = UserFactory(username="dana", first_name="Dana", last_name="Writer", email="dana@secret.example")
    theme = ThemeFactory(name="Job Search", slug="job-search")
    post = PostFactory(
        title="Cold emails </script><script>alert(1)</script>",
        author=author,
        theme=theme,
        tags=[TagFactory(name="Email", slug="email"), TagFactory(name="Outreach", slug="outreach")],
        summary="How to write one & get answers.",
    )
    first = comment(post, name="Ann", email="ann@secret.example", text="Great **advice**")
    comment(post, parent=first, user=author, name="Dana Writer", email="dana@secret.example", text="Thank you, Ann")
    comment(post, name="Held", email="held@secret.example", text="Held text", state=State.HELD)
    comment(post, name="Spam", email="spam@secret.example", text="Spam text", state=State.SPAM)
    comment(post, name="Removed", email="r@secret.example", text="Removed text", state=State.REMOVED)
    return post


def test_the_post_page_has_a_blog_posting_and_breadcrumbs_matching_the_page(client, post):
    response = client.get(post.get_absolute_url())
    items = by_type(json_ld(response))
    posting, trail = items["BlogPosting"], items["BreadcrumbList"]
    assert posting["@context"] == "https://schema.org"
    for required in ("headline", "datePublished", "dateModified", "author", "url", "mainEntityOfPage"):
        assert posting[required], required
    assert posting["headline"] == post.title
    assert posting["url"] == "http://testserver" + post.get_absolute_url()
    assert posting["datePublished"] == post.published_at.isoformat()
    assert posting["author"]["name"] == "Dana Writer"
    assert posting["keywords"] == ["Email", "Outreach"]
    assert posting["articleSection"] == "Job Search"
    assert posting["commentCount"] == 2
    page = response.content.decode()
    assert '<h2 id="comments-heading">2 comments</h2>' in page  # the count the page shows
    for shown in posting["comment"]:
        assert f'id="c{shown["@id"].rstrip("/").rsplit("/", 1)[1]}"' in page  # each is on the page
    assert [c["author"]["name"] for c in posting["comment"]] == ["Ann", "Dana Writer"]
    reply = posting["comment"][1]
    assert reply["author"]["@id"] == posting["author"]["@id"]  # the author's reply, marked as the author's
    assert reply["parentItem"]["@id"] == posting["comment"][0]["@id"]
    assert posting["comment"][0]["text"] == "Great advice"
    assert [(i["position"], i["name"]) for i in trail["itemListElement"]] == [
        (1, "Career Conversations"),
        (2, "Job Search"),
        (3, post.title),
    ]
    assert trail["itemListElement"][1]["item"] == "http://testserver/themes/job-search/"


def test_no_email_held_spam_or_removed_comment_and_no_way_out_of_the_script(client, post):
    page = client.get(post.get_absolute_url()).content.decode()
    blocks = BLOCK.findall(page)
    assert blocks
    text = "".join(blocks)
    for hidden in ("secret.example", "Held", "Spam text", "Removed text"):
        assert hidden not in text
    assert "</script><script>alert" not in text and "\\u003C/script\\u003E" in text


def test_the_csp_is_unchanged_by_the_json_ld(client, post):
    response = client.get(post.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_home_page_has_a_website_with_a_search_action(client, post):
    items = by_type(json_ld(client.get("/")))
    site = items["WebSite"]
    assert site["url"] == "http://testserver/"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    assert client.get(action["target"]["urlTemplate"].replace("{search_term_string}", "email")).status_code == 200


def test_a_draft_preview_has_no_json_ld(client):
    staff = get_user_model().objects.create_user("boss", password="x", is_staff=True)
    draft = DraftFactory()
    client.force_login(staff)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200 and not BLOCK.findall(response.content.decode())


def test_json_ld_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    from .factories import comments

    small, big = PostFactory(), PostFactory()
    comments(small, 60)  # two pages of comments
    comments(big, 600, replies_per_root=1)  # twelve
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from config.page_cache import local_pages

    def queries(post):
        cache.clear()
        local_pages.clear()
        with CaptureQueriesContext(connection) as done:
            assert client.get(post.get_absolute_url()).status_code == 200
        return len(done)

    queries(small)  # the first request of a process reads the site and content types
    few, many = queries(small), queries(big)
    assert many == few


def test_share_links_are_plain_links_with_no_third_party_script(client, post):
    response = client.get(post.get_absolute_url())
    page = response.content.decode()
    share = page.split('<nav class="share"')[1].split("</nav>")[0]
    assert 'aria-labelledby="share-label"' in share and ">Share this post:</span>" in share  # said in words
    url = "http%3A%2F%2Ftestserver" + post.get_absolute_url().replace("/", "%2F")
    assert f"https://www.linkedin.com/sharing/share-offsite/?url={url}" in share
    assert f"https://www.facebook.com/sharer/sharer.php?u={url}" in share
    assert f"https://x.com/intent/tweet?url={url}&amp;text=" in share
    assert "mailto:?subject=Cold%20emails" in share
    assert f'href="http://testserver{post.get_absolute_url()}" data-copy-link' in share
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"", page)
    assert scripts and all(src.startswith("/static/") for src in scripts)
    assert "/static/js/share.js" in scripts
    assert not response.cookies
