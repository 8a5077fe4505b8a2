"""Malformed requests get a 4xx page with the security headers, never a 500 (issue 18, finding 5).

Each through the real URL: a Host header the site does not serve, ids too large for the
database's integers, page numbers past any offset it can read, a forged form timestamp.
"""

from unittest import mock

import pytest
from django.test import Client
from django_comments_xtd.models import XtdComment

from .commenting import post_comment
from .factories import PostFactory, TagFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
SECURITY_HEADERS = ("X-Frame-Options", "Content-Security-Policy", "X-Content-Type-Options")


@pytest.fixture
def client():
    """Exceptions become the error pages a reader would get, as in production."""
    return Client(raise_request_exception=False)


@pytest.fixture
def post(db):
    return PostFactory(title="Knock on doors", tags=[TagFactory(name="networking")])


def assert_secured(response):
    missing = [header for header in SECURITY_HEADERS if not response.has_header(header)]
    assert not missing, f"{response.status_code} without {missing}"


@pytest.mark.parametrize("host", ["evil.example", "", "bad host", "testserver:99999x"])
def test_an_unknown_or_empty_host_gets_the_400_page_with_the_headers(client, host):
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 400
    assert "That request could not be handled" in response.content.decode()
    assert_secured(response)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_an_unknown_host_posting_a_comment_gets_a_400_and_stores_nothing(client, post):
    response = post_comment(client, post, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert not XtdComment.objects.exists()


def test_the_500_page_carries_the_headers_even_when_a_middleware_failed(client):
    with mock.patch("config.page_cache.is_cacheable_request", side_effect=RuntimeError("boom")):
        response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert_secured(response)


@pytest.mark.parametrize(
    "path",
    [
        "/?page={huge}",
        "/themes/{theme}/?page={huge}",
        "/tags/networking/?page={huge}",
        "/archive/{year}/?page={huge}",
        "/archive/{year}/{month:02d}/?page={huge}",
        "/search/?q=doors&page={huge}",
    ],
)
def test_a_huge_page_number_is_a_404(client, post, path):
    url = path.format(
        huge=HUGE,
        theme=post.theme.slug,
        year=post.published_at.year,
        month=post.published_at.month,
        post_url=post.get_absolute_url(),
    )
    response = client.get(url)
    assert response.status_code == 404
    assert_secured(response)


def test_a_huge_comment_page_number_still_shows_the_post(client, post):
    response = client.get(f"{post.get_absolute_url()}?cpage={HUGE}")
    assert response.status_code in (200, 404)
    assert_secured(response)


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/comments/reply/{huge}/"),
        ("get", "/comments/c/{huge}/"),
        ("post", "/comments/report/{huge}/"),
        ("get", "/comments/sent/?c={huge}"),
        ("get", "/comments/posted/?c={huge}"),
        ("get", "/comments/cr/{huge}/{huge}/"),
        ("get", "/comments/cr/12/1/"),  # a content type whose model has UUID keys, or none
    ],
)
def test_a_huge_or_malformed_id_in_a_comments_address_is_a_404(client, method, path):
    response = getattr(client, method)(path.format(huge=HUGE))
    assert response.status_code == 404
    assert_secured(response)


@pytest.mark.parametrize("reply_to", [HUGE, "-" + HUGE, "1e9999"])
def test_a_huge_reply_to_gets_the_form_back_with_a_message(client, post, reply_to):
    response = post_comment(client, post, reply_to=reply_to, comment="My answer, kept.")
    assert response.status_code == 400
    html = response.content.decode()
    assert "The comment you replied to is not valid." in html
    assert "My answer, kept." in html
    assert not XtdComment.objects.exists()


@pytest.mark.parametrize("timestamp", [HUGE, "-" + HUGE, "1e400", "nan"])
def test_a_forged_timestamp_gets_a_4xx_and_keeps_the_text(client, post, timestamp):
    response = post_comment(client, post, timestamp=timestamp, comment="My words, kept.")
    assert 400 <= response.status_code < 500
    assert "My words, kept." in response.content.decode()
    assert not XtdComment.objects.exists()


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
@pytest.mark.parametrize("query", ["", "?format=api", "?format=json"])
def test_the_comment_api_is_a_404_for_browsers_and_format_switches(client, post, accept, query):
    for path in (f"/comments/api/blog-post/{post.pk}/", "/comments/api/foo-bar/1/count/"):
        response = client.get(path + query, HTTP_ACCEPT=accept)
        assert response.status_code == 404
        assert_secured(response)
