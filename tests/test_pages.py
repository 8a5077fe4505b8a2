"""What readers see on each public page."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.text import slugify

from blog.models import Post

from .factories import DraftFactory, PostFactory, ScheduledFactory, TagFactory, ThemeFactory, bulk_posts

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def head(html, pattern):
    match = re.search(pattern, html)
    return match.group(1) if match else None


@pytest.fixture
def blog():
    networking = ThemeFactory(name="Networking", slug="networking", description="People who know people.")
    social = ThemeFactory(name="Social Media", slug="social-media")
    referrals, linkedin, interviews = (
        TagFactory(name="referrals", slug="referrals"),
        TagFactory(name="LinkedIn", slug="linkedin"),
        TagFactory(name="interviews", slug="interviews"),
    )
    old = PostFactory(
        title="Ask for referrals early",
        theme=networking,
        tags=[referrals],
        published_at=ago(30),
        summary="Referrals open doors before a job is posted.",
    )
    middle = PostFactory(
        title="Tidy your LinkedIn profile",
        theme=social,
        tags=[linkedin, referrals],
        published_at=ago(20),
        body="## Headline\n\nWrite a headline that says what you do. " + "word " * 600,
    )
    new = PostFactory(title="Interview follow-ups", theme=networking, tags=[interviews], published_at=ago(10))
    return {"old": old, "middle": middle, "new": new, "referrals": referrals, "networking": networking}


def test_home_lists_latest_posts_with_date_theme_tags_and_summary(client, blog):
    html = client.get("/").content.decode()
    titles = re.findall(r'class="post-card-title"><a href="[^"]+">([^<]+)<', html)
    assert titles == ["Interview follow-ups", "Tidy your LinkedIn profile", "Ask for referrals early"]
    assert "Referrals open doors before a job is posted." in html  # the summary
    assert "Write a headline that says what you do." in html  # an excerpt when there is no summary
    assert 'href="/themes/networking/"' in html and 'href="/tags/linkedin/"' in html


def test_home_is_paginated(client, blog, settings):
    bulk_posts(25, theme=blog["networking"], author=blog["old"].author)
    first = client.get("/").content.decode()
    assert first.count('class="post-card"') == 10
    assert 'href="?page=2"' in first
    second = client.get("/?page=2")
    assert second.status_code == 200 and "page 2" in second.content.decode()
    assert client.get("/?page=99").status_code == 404
    assert client.get("/?page=abc").status_code == 404
    assert client.get("/?page=0").status_code == 404


def test_last_page_has_no_older_link_and_lists_are_not_counted(client, blog, django_assert_max_num_queries):
    """28 posts, 10 a page: page 3 holds 8 and links only to newer ones. Paging never counts
    every post (a cost that would grow with the blog): it reads one post past the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bulk_posts(25, theme=blog["networking"], author=blog["old"].author)
    with CaptureQueriesContext(connection) as queries:
        last = client.get("/?page=3").content.decode()
    assert last.count('class="post-card"') == 8
    assert 'href="?page=2"' in last and 'href="?page=4"' not in last
    assert "Page 3" in last
    assert not [q for q in queries if "COUNT(*)" in q["sql"].upper()]  # (comment counts per post are fine)
    assert client.get("/?page=last").content.decode().count('class="post-card"') == 8
    tag_page = client.get(blog["referrals"].get_absolute_url()).content.decode()
    assert 'class="pagination"' not in tag_page  # one page: no pager at all


def test_post_page_shows_body_meta_reading_time_and_neighbours(client, blog):
    middle = blog["middle"]
    html = client.get(middle.get_absolute_url()).content.decode()
    assert '<h2 id="headline">Headline' in html
    assert "3 min read" in html  # ~610 words at 220 words a minute, rounded up
    assert 'href="/themes/social-media/"' in html and 'href="/tags/linkedin/"' in html
    assert re.search(r'rel="prev" href="[^"]+">.*Ask for referrals early', html)
    assert re.search(r'rel="next" href="[^"]+">.*Interview follow-ups', html)
    assert '<h2 id="relevant-discussions">Relevant Discussions</h2>' in html
    discussions = html.split("Relevant Discussions</h2>")[1].split("</section>")[0]
    # It shares "referrals", but it is the Previous card just below: not listed twice.
    assert "Ask for referrals early" not in discussions


def test_post_url_with_the_wrong_month_redirects_to_the_canonical_one(client, blog):
    post = blog["old"]
    wrong = f"/2001/01/{post.slug}/"
    response = client.get(wrong)
    assert response.status_code == 301 and response["Location"] == post.get_absolute_url()


def test_unknown_post_is_a_friendly_404(client, blog):
    response = client.get("/2026/01/no-such-post/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_theme_page_lists_its_posts_newest_first_with_feeds(client, blog):
    html = client.get("/themes/networking/").content.decode()
    assert html.index("Interview follow-ups") < html.index("Ask for referrals early")
    assert "Tidy your LinkedIn profile" not in html
    assert "People who know people." in html
    assert 'type="application/atom+xml" title="Networking (Atom)" href="/themes/networking/feed/atom/"' in html
    assert client.get("/themes/nope/").status_code == 404


def test_tag_page_lists_posts_and_related_tags(client, blog):
    html = client.get("/tags/referrals/").content.decode()
    assert html.index("Tidy your LinkedIn profile") < html.index("Ask for referrals early")
    related = html.split("Related tags</h2>")[1].split("</aside>")[0]
    assert "LinkedIn" in related and "interviews" not in related
    assert 'href="/tags/referrals/feed/"' in html


def test_related_tags_rank_by_how_often_they_appear_together(client, blog):
    referrals, networking = blog["referrals"], blog["networking"]
    often = TagFactory(name="often")
    rarely = TagFactory(name="rarely")
    PostFactory(theme=networking, tags=[referrals, often, rarely])
    PostFactory(theme=networking, tags=[referrals, often])
    html = client.get("/tags/referrals/").content.decode()
    related = html.split("Related tags</h2>")[1].split("</aside>")[0]
    assert related.index("often") < related.index("rarely")


def test_tag_index_counts_public_posts(client, blog):
    html = client.get("/tags/").content.decode()
    assert re.search(r'href="/tags/referrals/">referrals</a> <span class="count">2 posts', html)
    assert re.search(r'href="/tags/linkedin/">LinkedIn</a> <span class="count">1 post<', html)


def test_archive_index_lists_months_with_public_posts_newest_first(client, settings):
    """Months in the site's time zone: a post at 23:30 UTC on 31 January is February in Sydney."""
    settings.TIME_ZONE = "Australia/Sydney"
    utc = datetime.UTC
    for when in [(2024, 1, 31, 23, 30), (2024, 3, 10, 12, 0), (2023, 11, 2, 8, 0), (2023, 11, 20, 8, 0)]:
        PostFactory(published_at=datetime.datetime(*when, tzinfo=utc))
    DraftFactory()
    ScheduledFactory(published_at=timezone.now() + datetime.timedelta(days=400))
    html = client.get("/archive/").content.decode()
    links = re.findall(r'href="/archive/(\d{4})/(\d{2})/"', html)
    assert links == [("2024", "03"), ("2024", "02"), ("2023", "11")]
    assert re.findall(r'href="/archive/(\d{4})/">', html) == ["2024", "2023"]


def test_archives_by_year_and_month(client, blog):
    post = blog["old"]
    year, month = post.published_at.year, post.published_at.month
    assert "Ask for referrals early" in client.get(f"/archive/{year}/").content.decode()
    month_page = client.get(f"/archive/{year}/{month:02d}/").content.decode()
    assert "Ask for referrals early" in month_page
    assert client.get("/archive/1999/").status_code == 404
    assert client.get(f"/archive/{year}/13/").status_code == 404
    assert str(year) in client.get("/archive/").content.decode()


def test_search_ranks_title_matches_first_and_highlights_terms(client, blog):
    PostFactory(title="Something else", body="A body that mentions linkedin once.", published_at=ago(1))
    html = client.get("/search/?q=LinkedIn").content.decode()
    titles = re.findall(r'class="post-card-title"><a href="[^"]+">(.+?)</a>', html)
    assert titles[0] == "Tidy your <mark>LinkedIn</mark> profile"
    assert "Something else" in titles[1]
    assert "2 posts found" in html


def test_search_needs_every_term_and_survives_odd_input(client, blog):
    assert "1 post found" in client.get("/search/?q=referrals+doors").content.decode()
    for query in ["", "%", "<script>alert(1)</script>", "a" * 5000, '"unclosed', "\x00"]:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert "<script>alert(1)" not in response.content.decode()


def test_search_stops_counting_at_its_cap(client, blog, monkeypatch):
    """A broad query says "200+ posts found" rather than reading every match to count them."""
    from blog.pagination import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    for n in range(5):
        PostFactory(title=f"Salary talk {n}", published_at=ago(n + 1))
    assert "3+ posts found" in client.get("/search/?q=salary").content.decode()
    monkeypatch.setattr(CappedCountPaginator, "cap", 5)
    assert "5 posts found" in client.get("/search/?q=salary").content.decode()


needs_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="PostgreSQL full-text search; .ci/run runs the suite on PostgreSQL too"
)


@needs_postgresql
def test_search_on_postgresql_matches_word_forms_and_phrases(client, blog):
    PostFactory(title="Notes", body="She was interviewing for a role in sales.", published_at=ago(2))
    stemmed = client.get("/search/?q=interviews").content.decode()
    assert "Interview follow-ups" in stemmed and "Notes" in stemmed  # interview, interviewing
    assert "1 post found" in client.get('/search/?q="role in sales"').content.decode()
    assert "No posts match" in client.get('/search/?q="sales role"').content.decode()
    assert "No posts match" in client.get("/search/?q=the").content.decode()  # only a stop word: nothing


@needs_postgresql
def test_search_on_postgresql_is_answered_from_its_stored_vectors(blog):
    """Both groups (title matches, then the rest) read migration 0011's indexed columns, never
    a vector computed from each post's text on every search."""
    from blog.search import SearchResults

    results = SearchResults(["early"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: the planner would just read it
        plans = [results.in_title.explain(), results.elsewhere.explain(), results.matching.explain()]
    assert "title_vector @@" in plans[0] and "search_vector @@" in plans[1] and "search_vector @@" in plans[2]
    assert all("to_tsvector" not in plan for plan in plans), plans
    assert [post.title for post in results[0:10]] == ["Ask for referrals early"]


@needs_postgresql
def test_search_vectors_follow_every_write_on_postgresql(client, blog):
    """The trigger of migration 0011 fills the columns on create, save and bulk update."""
    post = blog["old"]
    assert post.get_absolute_url() in client.get("/search/?q=early").content.decode()
    Post.objects.filter(pk=post.pk).update(title="Ask for introductions first")
    assert "No posts match" in client.get("/search/?q=early").content.decode()
    assert post.get_absolute_url() in client.get("/search/?q=introduction").content.decode()
    post.refresh_from_db()
    post.body = "A paragraph about mentors."
    post.save()
    assert post.get_absolute_url() in client.get("/search/?q=mentor").content.decode()


@pytest.mark.parametrize(
    "path",
    ["/", "/tags/", "/tags/referrals/", "/themes/", "/themes/networking/", "/archive/", "/search/?q=referrals"],
)
def test_every_page_has_unique_title_description_canonical_and_open_graph(client, blog, path):
    html = client.get(path).content.decode()
    assert head(html, r"<title>(.+?)</title>")
    assert head(html, r'<meta name="description" content="([^"]+)"')
    assert head(html, r'<link rel="canonical" href="(http://testserver/[^"]*)"')
    assert head(html, r'<meta property="og:title" content="([^"]+)"')
    assert head(html, r'<meta property="og:url" content="([^"]+)"')
    assert 'rel="alternate" type="application/rss+xml"' in html


def test_page_titles_differ(client, blog):
    paths = ["/", "/tags/", "/tags/referrals/", "/themes/", "/themes/networking/", "/archive/", "/search/?q=x"]
    paths += [blog["old"].get_absolute_url(), blog["new"].get_absolute_url()]
    titles = [head(client.get(p).content.decode(), r"<title>(.+?)</title>") for p in paths]
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize("path", ["/", "/tags/referrals/", "/themes/networking/", "/search/?q=post"])
def test_list_pages_run_a_fixed_number_of_queries(client, blog, path, django_assert_max_num_queries):
    bulk_posts(40, theme=blog["networking"], author=blog["old"].author, tags_for=lambda n: [blog["referrals"]])
    with django_assert_max_num_queries(7):
        assert client.get(path).status_code == 200


def test_slugs_are_unique_and_come_from_the_title(blog):
    first = PostFactory(title="Same Title!")
    second = PostFactory(title="Same Title!")
    assert first.slug == "same-title"
    assert second.slug == "same-title-2"
    assert Post.objects.filter(slug__startswith="same-title").count() == 2


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_server_error_page_is_friendly(blog):
    from django.urls import path

    from config import urls

    def boom(request):
        raise RuntimeError("boom")

    urls.urlpatterns.insert(0, path("boom/", boom))
    try:
        client = Client(raise_request_exception=False)
        response = client.get("/boom/")
    finally:
        urls.urlpatterns.pop(0)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "boom" not in html and "Traceback" not in html


def test_tag_index_sorts_by_name_ignoring_case_and_accents(client):
    for name in ["LinkedIn", "cover letters", "Économie", "zebra", "economy", "Ángel investors", "resume"]:
        PostFactory(tags=[TagFactory(name=name, slug=slugify(name))])
    html = client.get("/tags/").content.decode()
    names = re.findall(r'<li><a href="/tags/[^"]+/">([^<]+)</a>', html)
    assert names == ["Ángel investors", "cover letters", "Économie", "economy", "LinkedIn", "resume", "zebra"]


def test_year_page_lists_its_months_in_the_archive_index_order(client):
    for month in (1, 5, 9):
        PostFactory(published_at=datetime.datetime(2024, month, 10, 12, tzinfo=datetime.UTC))
    year_months = re.findall(r'href="/archive/2024/(\d{2})/"', client.get("/archive/2024/").content.decode())
    index_months = re.findall(r'href="/archive/2024/(\d{2})/"', client.get("/archive/").content.decode())
    assert year_months == index_months == ["09", "05", "01"]


def test_month_page_navigation_is_a_labelled_list_of_separate_links(client):
    for month in (4, 5, 6):
        PostFactory(published_at=datetime.datetime(2024, month, 10, 12, tzinfo=datetime.UTC))
    html = client.get("/archive/2024/05/").content.decode()
    nav = re.search(r'<nav class="archive-nav" aria-label="Other months">(.*?)</nav>', html, re.S).group(1)
    links = re.findall(r'<a (?:rel="(\w+)" |class="archive-up" )?href="([^"]+)"><span>([^<]+)</span> ([^<]+)</a>', nav)
    assert links == [
        ("prev", "/archive/2024/04/", "← Earlier", "April 2024"),
        ("", "/archive/2024/", "Year", "All of 2024"),
        ("next", "/archive/2024/06/", "Later →", "June 2024"),
    ]


def test_theme_page_cards_do_not_repeat_the_theme_link(client, blog):
    html = client.get("/themes/networking/").content.decode()
    main = html.split("<main", 1)[1]
    assert main.count('class="post-card"') == 2
    assert 'class="theme-link"' not in main
    assert 'class="theme-link"' in client.get("/").content.decode()  # other lists keep it
    assert 'class="theme-link"' in client.get("/tags/referrals/").content.decode()


@pytest.mark.parametrize(
    ("path", "content_type"), [("/favicon.ico", "image/x-icon"), ("/apple-touch-icon.png", "image/png")]
)
def test_the_site_icons_answer_at_the_root_and_are_linked_from_every_page(client, blog, path, content_type):
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert "public" in response["Cache-Control"]
    body = b"".join(response) if response.streaming else response.content
    assert body[:4] in (b"\x00\x00\x01\x00", b"\x89PNG")  # an ICO / a PNG, not an HTML error
    for page in ["/", blog["old"].get_absolute_url(), "/search/?q=x", "/nope/"]:
        html = client.get(page).content.decode()
        assert f'href="{path}"' in html, page
    assert re.search(r'<link rel="icon" href="/static/icons/favicon[^"]*\.svg" type="image/svg\+xml">', html)


@pytest.fixture
def debug_urls(settings):
    """config.urls as `make run` loads it (DEBUG on), put back afterwards."""
    import importlib

    from django.urls import clear_url_caches

    from config import urls

    settings.DEBUG = True
    importlib.reload(urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(urls)
    clear_url_caches()


def test_under_debug_staff_can_preview_the_blogs_own_404_page(client, staff_client, debug_urls):
    response = staff_client.get("/404/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html and 'id="nf-q"' in html  # templates/404.html, not Django's
    assert "no-cache" in response["Cache-Control"]
    assert client.get("/404/").status_code == 404  # not a page for anyone else


def test_without_debug_there_is_no_404_preview(staff_client):
    response = staff_client.get("/404/")
    assert response.status_code == 404 and "<h1>Page not found</h1>" in response.content.decode()
    from config import urls

    assert "preview_404" not in [getattr(p, "name", None) for p in urls.urlpatterns]
