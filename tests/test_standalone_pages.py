"""Standalone pages (About, Contact) at /<slug>/, and the menu that lists them on every page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog.models import Page, reserved_path_segments

from .factories import PageFactory, PostFactory, TagFactory, WriterFactory

pytestmark = pytest.mark.django_db

PAGES = "/admin/blog/page/"


def menu(html):
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)


@pytest.fixture
def writer_client(client):
    client.force_login(WriterFactory(username="writer"))
    return client


def test_a_published_page_is_served_at_its_slug(client):
    PageFactory(title="About this blog", slug="about", body="I help people **find work** they like. " * 20)
    response = client.get("/about/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>About this blog — Career Conversations</title>" in html
    assert re.search(r"<h1>About this blog</h1>", html)
    assert "I help people <strong>find work</strong> they like." in html
    description = re.search(r'<meta name="description" content="([^"]+)"', html).group(1)
    assert description.startswith("I help people find work they like.") and len(description) <= 160
    assert '<link rel="canonical" href="http://testserver/about/">' in html


def test_page_bodies_are_sanitized(client):
    PageFactory(slug="contact", body="Write to me.<script>alert(1)</script> [x](javascript:alert(2))")
    html = client.get("/contact/").content.decode()
    assert "Write to me." in html and "<script>alert" not in html and "javascript:" not in html


def test_a_draft_page_is_hidden_from_readers_and_previewed_for_staff(writer_client):
    PageFactory(title="Coming soon", slug="coming-soon", status=Page.Status.DRAFT, in_menu=True)
    assert Client().get("/coming-soon/").status_code == 404
    response = writer_client.get("/coming-soon/")
    html = response.content.decode()
    assert response.status_code == 200 and "Draft preview" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert ("/coming-soon/", "Coming soon") not in menu(html)  # drafts never reach the menu


def test_an_unknown_slug_is_a_404(client):
    assert client.get("/no-such-page/").status_code == 404


@pytest.mark.parametrize(
    "slug",
    ["admin", "comments", "tags", "themes", "archive", "search", "feed", "feeds", "authors", "static", "media", "Tags"],
)
def test_slugs_the_blog_uses_itself_are_refused(slug):
    page = Page(title="Clash", slug=slug, body="Text.")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "is an address the blog itself uses" in str(error.value.message_dict["slug"])


def test_every_first_segment_of_the_urlconf_is_reserved():
    assert {"admin", "comments", "sitemap.xml", "robots.txt", "tags", "themes", "archive", "search", "feed"} <= (
        reserved_path_segments()
    )
    assert "about" not in reserved_path_segments()


def test_the_admin_explains_a_reserved_slug_and_keeps_what_was_typed(writer_client):
    response = writer_client.post(
        f"{PAGES}add/",
        {"title": "Tags", "slug": "tags", "body": "My *long* text.", "status": "published", "menu_order": 0},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“/tags/” is an address the blog itself uses; choose another slug for this page." in html
    assert "My *long* text." in html
    assert not Page.objects.exists()


def test_the_admin_creates_a_page_with_a_rendered_preview(writer_client):
    response = writer_client.post(
        f"{PAGES}add/",
        {"title": "About", "slug": "about", "body": "## Hello\n\nI *write*.", "status": "published", "menu_order": 0},
    )
    page = Page.objects.get(slug="about")
    assert response.status_code == 302
    html = writer_client.get(f"{PAGES}{page.pk}/change/").content.decode()
    assert '<div class="post-preview"><h2 id="hello">Hello' in html and "<em>write</em>" in html
    assert Client().get("/about/").status_code == 200


def test_the_menu_lists_published_in_menu_pages_in_menu_order_on_every_page(client):
    PageFactory(title="Contact", slug="contact", in_menu=True, menu_order=2)
    PageFactory(title="About", slug="about", in_menu=True, menu_order=1)
    PageFactory(title="Colophon", slug="colophon", in_menu=False)
    PageFactory(title="Draft", slug="draft", in_menu=True, status=Page.Status.DRAFT)
    post = PostFactory(tags=[TagFactory(name="networking")])
    for url in ("/", post.get_absolute_url(), "/tags/networking/", "/about/", "/search/?q=x", "/authors/author/"):
        pages = [
            link
            for link in menu(client.get(url).content.decode())
            if link[0] not in ("/themes/", "/tags/", "/archive/")
        ]
        assert pages == [("/about/", "About"), ("/contact/", "Contact")], url
    assert 'href="/about/" aria-current="page"' in client.get("/about/").content.decode()


def test_the_menu_costs_at_most_one_query_and_none_once_read(client):
    PageFactory(title="About", slug="about", in_menu=True)
    PostFactory(tags=[TagFactory(name="networking")])
    with CaptureQueriesContext(connection) as first:
        assert "About" in client.get("/").content.decode()
    with CaptureQueriesContext(connection) as second:
        assert "About" in client.get("/tags/networking/").content.decode()

    def reads(queries):
        return [q for q in queries if 'FROM "blog_page"' in q["sql"]]

    assert len(reads(first)) == 1 and not reads(second)


def test_a_menu_change_reaches_cached_pages_at_once(writer_client):
    client = Client()  # a reader
    about = PageFactory(title="About", slug="about", in_menu=True, menu_order=5)
    contact = PageFactory(title="Contact", slug="contact", in_menu=True, menu_order=9)
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"
    # The writer reorders the menu from the page list (list_editable).
    response = writer_client.post(
        PAGES,
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": about.pk,
            "form-0-in_menu": "on",
            "form-0-menu_order": "9",
            "form-1-id": contact.pk,
            "form-1-in_menu": "on",
            "form-1-menu_order": "1",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    response = client.get("/")
    links = [link for link in menu(response.content.decode()) if link[0] in ("/about/", "/contact/")]
    assert response["X-Page-Cache"] == "miss" and links == [("/contact/", "Contact"), ("/about/", "About")]
    contact.in_menu = False
    contact.save()
    assert ("/contact/", "Contact") not in menu(client.get("/").content.decode())


def test_the_sitemap_lists_published_pages(client):
    PageFactory(slug="about")
    PageFactory(slug="secret", status=Page.Status.DRAFT)
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/about/</loc>" in xml and "/secret/" not in xml


def test_routes_before_the_pages_still_answer(client):
    PostFactory(tags=[TagFactory(name="networking")])
    for url in ("/tags/", "/themes/", "/archive/", "/feed/", "/authors/author/"):
        assert client.get(url).status_code == 200, url
