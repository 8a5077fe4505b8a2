"""Every absolute link follows the address the blog is served at (blog/site.py).

`make run HOST=127.0.0.1:8101` passes DJANGO_SITE_DOMAIN=127.0.0.1:8101 to migrate, seed_demo
and runserver; migrate copies it onto the Site. Feeds, the sitemap, emails, "View on site",
canonical links, robots.txt and the login URL seed_demo prints must all agree with it.
"""

import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import feedparser
import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.test import Client

from blog.models import Post
from blog.site import sync_site

from .commenting import post_comment
from .factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

SERVED = "127.0.0.1:8101"
ROOT = f"http://{SERVED}"


@pytest.fixture
def served_on_8101(settings):
    """What `migrate` does when DJANGO_SITE_DOMAIN=127.0.0.1:8101 (make run HOST=127.0.0.1:8101)."""
    settings.BLOG_SITE_DOMAIN = SERVED
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    sync_site()
    yield
    Site.objects.clear_cache()


@pytest.fixture
def post(db):
    return PostFactory(title="Personal Connections", author=UserFactory(username="dana", email="dana@example.com"))


def test_migrate_gives_the_site_the_configured_address_and_title(settings):
    settings.BLOG_SITE_DOMAIN = "blog.example.com"
    settings.BLOG_TITLE = "Dana's Career Notes"
    sync_site()
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("blog.example.com", "Dana's Career Notes")


def test_feeds_link_to_the_served_port(served_on_8101, post, client):
    feed = feedparser.parse(client.get("/feed/atom/").content)
    assert feed.feed.link == f"{ROOT}/"
    assert feed.entries[0].link == f"{ROOT}{post.get_absolute_url()}"


def test_sitemap_urls_use_the_served_port(served_on_8101, post, client):
    locations = re.findall(r"<loc>([^<]+)</loc>", client.get("/sitemap.xml").content.decode())
    assert f"{ROOT}{post.get_absolute_url()}" in locations
    assert all(location.startswith(f"{ROOT}/") for location in locations)


def test_canonical_link_and_robots_txt_agree_with_the_feeds(served_on_8101, post):
    # Asked through another allowed name, the page still names its one public address.
    reader = Client(HTTP_HOST="localhost")
    page = reader.get(post.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{ROOT}{post.get_absolute_url()}">' in page
    assert f"Sitemap: {ROOT}/sitemap.xml" in reader.get("/robots.txt").content.decode()


def test_view_on_site_goes_to_the_served_port(served_on_8101, post, staff_client):
    content_type = ContentType.objects.get_for_model(Post)
    response = staff_client.get(f"/admin/r/{content_type.pk}/{post.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"{ROOT}{post.get_absolute_url()}"


def test_links_in_the_authors_email_use_the_served_port(
    served_on_8101, post, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(Client(), post, name="Jordan Lee", email="jordan@example.com", comment="Thanks, Dana.")
    links = re.findall(r"https?://\S+", mailoutbox[0].body)
    assert links
    assert all(link.startswith(f"{ROOT}/") for link in links), links


def test_seed_demo_prints_the_login_url_of_the_served_port(served_on_8101):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert f"Log in at {ROOT}/admin/ as author" in out.getvalue()


def test_make_run_passes_its_host_to_every_step():
    """`make -n` prints the commands without running them."""
    root = Path(__file__).resolve().parent.parent
    commands = subprocess.run(  # noqa: S603 - a fixed command line
        [shutil.which("make"), "-n", "run", f"HOST={SERVED}"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    steps = [line for line in commands if "manage.py" in line]
    assert [step.split("manage.py ")[1].split()[0] for step in steps] == ["migrate", "seed_demo", "runserver"]
    assert all(f"DJANGO_SITE_DOMAIN={SERVED}" in step for step in steps), steps
