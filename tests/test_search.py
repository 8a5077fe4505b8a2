"""The search page: one box, why each post matched, title matches first, somewhere to go when nothing does."""

import datetime
import re

import pytest
from django.utils import timezone

from blog.search import SearchResults, headline_html, plain_excerpt

from .factories import PostFactory, TagFactory, ThemeFactory, bulk_posts

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def cards(html):
    """[(title text, excerpt html)] of the result cards, in page order."""
    found = re.findall(
        r'class="post-card-title"><a href="[^"]+">(.+?)</a>.*?<p class="post-card-excerpt">(.*?)</p>', html, re.S
    )
    return [(re.sub(r"</?mark>", "", title), excerpt) for title, excerpt in found]


BODY = (
    "## Before you start\n\nMost advice about job hunting is written for someone else. "
    "Pick three companies and learn who hires there. " + "Filler words here. " * 40 + "\n\n"
    "When a recruiter calls, ask how the **salary band** was set and who decides on it. " + "More filler words. " * 40
)


def test_the_results_page_has_one_search_box(client):
    PostFactory(title="Salary talk")
    html = client.get("/search/?q=salary").content.decode()
    assert html.count('type="search"') == 1
    assert html.count('role="search"') == 1
    assert 'value="salary"' in html  # the box keeps the query
    assert client.get("/").content.decode().count('type="search"') == 1  # the header's, elsewhere


def test_a_body_match_shows_the_passage_with_the_terms_marked(client):
    PostFactory(title="Questions for the recruiter", summary="What to ask on the first call.", body=BODY)
    ((title, excerpt),) = cards(client.get("/search/?q=salary").content.decode())
    assert title == "Questions for the recruiter"
    assert "<mark>salary</mark>" in excerpt.lower()
    assert "band" in excerpt and "recruiter calls" in excerpt  # the words around it
    assert "What to ask on the first call." not in excerpt  # not the summary, which has no match
    assert "**" not in excerpt and "##" not in excerpt  # Markdown marks left out
    assert len(re.sub(r"<[^>]+>", "", excerpt).split()) <= 40


def test_a_summary_match_keeps_the_summary(client):
    PostFactory(title="Calls", summary="How to talk about salary early.", body=BODY)
    ((_, excerpt),) = cards(client.get("/search/?q=salary").content.decode())
    assert excerpt == "How to talk about <mark>salary</mark> early."


HOSTILE = [
    '<script>alert("x")</script> salary',
    "salary <img src=x onerror=alert(1)>",
    "[salary](javascript:alert(1)) `<b>`",
    "salary \ue000<i>\ue001 \ue001</mark>\ue000",  # our own markers in the text
    "salary &lt;script&gt; &amp;",
]


@pytest.mark.parametrize("body", HOSTILE)
def test_excerpts_are_escaped_whatever_the_body_holds(client, body):
    PostFactory(title="Hostile", summary="Nothing here.", body=body + " " + "filler " * 50)
    html = client.get("/search/?q=salary").content.decode()
    ((_, excerpt),) = cards(html)
    assert "<mark>" in excerpt
    tags = re.findall(r"</?([a-zA-Z]+)", excerpt)
    assert set(tags) == {"mark"}, excerpt
    assert excerpt.count("<mark>") == excerpt.count("</mark>")
    assert "<script" not in html.split("<main", 1)[1] and "onerror=" not in excerpt.replace("onerror=alert", "")


@pytest.mark.parametrize("excerpt", [headline_html, lambda text: plain_excerpt(text, ["salary"])])
def test_both_excerpt_builders_escape_before_marking(excerpt):
    text = '<script>x</script> \ue000salary\ue001 & "quoted" \ue000 stray'
    html = excerpt(text)
    assert "<script>" not in html and "&amp;" in html and "&quot;quoted&quot;" in html
    assert set(re.findall(r"</?([a-z]+)", html)) == {"mark"}
    assert html.count("<mark>") == html.count("</mark>") >= 1


def test_an_empty_result_says_so_once_and_offers_themes_and_tags(client):
    theme = ThemeFactory(name="Networking", slug="networking")
    PostFactory(title="Referrals", theme=theme, tags=[TagFactory(name="referrals", slug="referrals")])
    html = client.get("/search/?q=zeppelin").content.decode()
    main = html.split("<main", 1)[1]
    assert main.count("No posts") == 1 and "0 posts" not in main and "found" not in main
    assert 'href="/themes/networking/"' in main and 'href="/tags/referrals/"' in main
    assert 'href="/tags/"' in main


# PROBE 1000: each group read whole; 2: each walked in date order (what a large blog does).
probe_sizes = pytest.mark.parametrize("probe", [1000, 2])


@probe_sizes
def test_title_matches_come_first_then_the_rest_each_newest_first_across_pages(client, probe, monkeypatch):
    monkeypatch.setattr("blog.search.PROBE", probe)
    theme = ThemeFactory()
    in_title = [PostFactory(title=f"Salary step {n}", theme=theme, published_at=ago(20 + n)) for n in range(12)]
    elsewhere = [
        PostFactory(title=f"Other {n}", theme=theme, body="The salary question.", published_at=ago(1 + n))
        for n in range(5)
    ]
    PostFactory(title="Unrelated", theme=theme, published_at=ago(0.5))
    first = [title for title, _ in cards(client.get("/search/?q=salary").content.decode())]
    second = [title for title, _ in cards(client.get("/search/?q=salary&page=2").content.decode())]
    assert first == [post.title for post in in_title[:10]]
    assert second == [post.title for post in in_title[10:]] + [post.title for post in elsewhere]
    assert "17 posts found" in client.get("/search/?q=salary").content.decode()
    assert client.get("/search/?q=salary&page=3").status_code == 404


@probe_sizes
def test_a_page_past_the_title_matches_starts_at_the_right_post(probe, monkeypatch):
    monkeypatch.setattr("blog.search.PROBE", probe)
    theme = ThemeFactory()
    for n in range(3):
        PostFactory(title=f"Salary {n}", theme=theme, published_at=ago(30 + n))
    rest = [PostFactory(title=f"Body {n}", body="salary", theme=theme, published_at=ago(1 + n)) for n in range(8)]
    results = SearchResults(["salary"])
    assert [post.title for post in results[5:8]] == [post.title for post in rest[2:5]]
    assert [post.title_match for post in results[2:4]] == [True, False]
    assert [post.title for post in SearchResults(["salary"])[5:8]] == [post.title for post in rest[2:5]]  # fresh
    assert results.count_up_to(5) == 5 and results.count_up_to(100) == 11 and results.count() == 11


def test_every_term_must_match_and_phrases_stay_together(client):
    theme = ThemeFactory()
    PostFactory(title="Salary band", theme=theme)
    PostFactory(title="Band practice", theme=theme, body="Nothing about pay.")
    assert [t for t, _ in cards(client.get("/search/?q=salary+band").content.decode())] == ["Salary band"]
    assert [t for t, _ in cards(client.get('/search/?q="band salary"').content.decode())] == []


@probe_sizes
def test_search_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, probe, monkeypatch):
    monkeypatch.setattr("blog.search.PROBE", probe)
    theme = ThemeFactory()
    author = PostFactory(theme=theme).author
    bulk_posts(15, theme=theme, author=author, title="Bulk salary {n}")
    with django_assert_max_num_queries(9):  # 2 probes, count, 2 walks + 1 count (large groups), posts, tags, comments
        small = client.get("/search/?q=bulk&page=2").content.decode()
    bulk_posts_more = 60
    from blog.models import Post

    Post.objects.bulk_create(
        Post(
            title=f"More {n}",
            slug=f"more-{n}",
            author=author,
            theme=theme,
            body="bulk",
            body_html="<p>bulk</p>",
            excerpt="Plain.",
            status=Post.Status.PUBLISHED,
            published_at=ago(3 + n),
        )
        for n in range(bulk_posts_more)
    )
    with django_assert_max_num_queries(9):  # 2 probes, count, 2 walks + 1 count (large groups), posts, tags, comments
        large = client.get("/search/?q=bulk&page=2").content.decode()
    assert len(cards(small)) == 5 and len(cards(large)) == 10
