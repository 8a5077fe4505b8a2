"""The sitemap's lastmod of a post moves when a comment is published there."""

import datetime
import re

import pytest
from django.utils import timezone

from blog.models import Post
from comments import moderation
from comments.models import State

from .factories import PostFactory, comment

pytestmark = pytest.mark.django_db


def lastmod(client, post):
    xml = client.get("/sitemap.xml").content.decode()
    block = re.search(rf"<url><loc>[^<]*{re.escape(post.get_absolute_url())}</loc><lastmod>([^<]+)</lastmod>", xml)
    return block.group(1)


def test_a_published_comment_moves_the_posts_lastmod_and_a_held_one_does_not(client):
    post = PostFactory()
    week_ago = timezone.now() - datetime.timedelta(days=7)
    Post.objects.filter(pk=post.pk).update(updated_at=week_ago)
    before = lastmod(client, post)
    assert before == week_ago.date().isoformat()
    held = comment(post, state=State.HELD)
    moderation.pages_changed("test")
    assert lastmod(client, post) == before
    moderation.approve([held])
    assert lastmod(client, post) == timezone.now().date().isoformat()


def test_the_sitemap_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(30):
        comment(PostFactory(), text=f"Comment {n}")
    with django_assert_max_num_queries(12):
        assert client.get("/sitemap.xml").status_code == 200
