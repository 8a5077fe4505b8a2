"""What an import reports: protected posts, items and comments not imported, sums that add up."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from blog.models import Post

from .factories import UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def run(path, command="import_wordpress", *args):
    out = io.StringIO()
    call_command(command, str(path), "--author", "dana", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def dana(db):
    return UserFactory(username="dana", email="dana@example.com")


def test_a_password_protected_post_is_imported_as_a_draft_and_named(dana, client):
    output = run(FIXTURES / "wordpress-protected.xml")
    assert "   posts: 2 created, 0 updated, 0 unchanged, 0 skipped" in output
    assert "  1 post password-protected on WordPress: imported as a draft" in output
    assert "    post entry 1 (id 7): password-protected on WordPress: imported as a draft" in output
    assert "entry 2 (id 8): password" not in output
    protected = Post.objects.get(slug="members-only")
    assert protected.status == Post.Status.DRAFT and not protected.is_public
    assert Post.objects.get(slug="open-post").is_public
    home = client.get("/").content.decode()
    assert "Open Post" in home and "Members Only" not in home
    assert "confidential" not in client.get("/feed/").content.decode()
    assert client.get("/2023/05/04/members-only/").status_code == 404  # the old address does not lead to it
    assert client.get("/?p=7").status_code == 200  # the home page, not a redirect
    # Said again on every run, while the post is in the export.
    assert "post entry 1 (id 7): password-protected on WordPress" in run(FIXTURES / "wordpress-protected.xml")
