"""Old addresses in WordPress's other permalink structures, non-ASCII slugs, /?p=ID across sites (issue 16)."""

import pytest

from blog.models import Post

from .factories import UserFactory
from .importing import FIXTURES, run

pytestmark = pytest.mark.django_db

EXPORT = FIXTURES / "wordpress-classic-html.xml"
CYRILLIC = "%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82-%d0%bc%d0%b8%d1%80"  # привет-мир, as WordPress writes it


@pytest.fixture
def imported(db):
    UserFactory(username="dana", email="dana@example.com")
    return run(EXPORT)


@pytest.fixture
def second_site(imported, tmp_path):
    """The same export as another site (same ids), whose post 3 had a /%postname%/ address."""
    export = tmp_path / "other.xml"
    text = EXPORT.read_text().replace("classic.example.com", "other.example.com")
    export.write_text(text.replace("https://other.example.com/archives/3", f"https://other.example.com/{CYRILLIC}/"))
    return run(export)


@pytest.mark.parametrize(
    ("old", "slug"),
    [
        ("/classic-editor-post/", "classic-editor-post"),  # /%postname%/
        ("/career/block-editor-post/", "block-editor-post"),  # /%category%/%postname%/
        ("/archives/3", "privet-mir"),  # /archives/%post_id%
        ("/2020/05/custom-ending.html", "custom-ending"),  # a custom .html ending (not Blogger's)
    ],
)
def test_other_permalink_structures_redirect_permanently(imported, client, old, slug):
    post = Post.objects.get(slug=slug)
    for method in (client.get, client.head):
        response = method(old)
        assert response.status_code == 301, old
        assert response["Location"] == post.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_a_page_keeps_its_address_and_unknown_addresses_stay_404(imported, client):
    assert client.get("/about-me/").status_code == 200  # the page is at its old address
    assert client.get("/no-such-thing/").status_code == 404
    assert client.get("/archives/99").status_code == 404
    assert client.post("/archives/3").status_code == 404  # redirects answer reads only


def test_an_unpublished_post_is_not_found_by_its_old_address(imported, client):
    Post.objects.filter(slug="custom-ending").update(status=Post.Status.DRAFT)
    assert client.get("/2020/05/custom-ending.html").status_code == 404


def test_a_non_ascii_slug_stays_readable(second_site, client):
    first, second = Post.objects.filter(title="Привет, мир").order_by("pk")
    assert (first.slug, second.slug) == ("privet-mir", "privet-mir-2")
    response = client.get(f"/{CYRILLIC}/")  # the old address, percent-encoded as browsers send it
    assert response.status_code == 301 and response["Location"] == second.get_absolute_url()


def test_p_id_prefers_the_site_of_the_request_host(second_site, client, settings):
    settings.ALLOWED_HOSTS = ["classic.example.com", "www.other.example.com", "testserver"]
    first, second = Post.objects.filter(title="Custom Ending").order_by("pk")
    response = client.get("/?p=4", HTTP_HOST="classic.example.com")
    assert response.status_code == 301 and response["Location"].endswith(first.get_absolute_url())
    response = client.get("/?p=4", HTTP_HOST="www.other.example.com")
    assert response.status_code == 301 and response["Location"].endswith(second.get_absolute_url())
    # Neither site's host: the latest import, as before.
    assert client.get("/?p=4")["Location"] == second.get_absolute_url()
    # Old paths shared by both sites too.
    response = client.get("/2020/05/custom-ending.html", HTTP_HOST="classic.example.com")
    assert response["Location"].endswith(first.get_absolute_url())


def test_a_path_with_a_nul_is_a_404_not_a_500(imported, client):
    # PostgreSQL refuses a NUL in a query: the old-address lookup must not send one.
    assert client.get("/archives/3%00/").status_code == 404
