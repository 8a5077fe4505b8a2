import pytest
from django.core.management import call_command

from blog.models import Post

from .factories import PostFactory

pytestmark = pytest.mark.django_db


def test_render_posts_rebuilds_stale_html(capsys):
    post = PostFactory(body="Hello **there**")
    Post.objects.filter(pk=post.pk).update(body_html="<p>stale</p>")
    call_command("render_posts")
    post.refresh_from_db()
    assert post.body_html == "<p>Hello <strong>there</strong></p>"
    assert "Re-rendered 1 post(s)" in capsys.readouterr().out


def test_render_posts_keeps_old_html_when_a_body_no_longer_renders(capsys, settings):
    post = PostFactory(body="A fairly long body that will be over the new limit.")
    settings.BLOG_POST_MAX_LENGTH = 10
    call_command("render_posts")
    post.refresh_from_db()
    assert "fairly long body" in post.body_html
    assert "kept its old HTML" in capsys.readouterr().err
