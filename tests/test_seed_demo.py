import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from blog.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME, POSTS
from blog.models import PinnedPost, Post, Tag, Theme

pytestmark = pytest.mark.django_db

PERSONAL_CONNECTIONS = "Personal Connections Still Get People Hired"
SOCIAL_MEDIA_TITLES = [
    "Social Media and Job Search",
    "Revisit Social Media and Job Search",
    "Social Media Job Search Tactics",
]


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return {
        "posts": Post.objects.count(),
        "tags": Tag.objects.count(),
        "themes": Theme.objects.count(),
        "pins": PinnedPost.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_creates_published_posts_across_themes():
    output = seed()
    published = list(Post.objects.published())
    assert len(published) >= 8
    assert len({post.theme_id for post in published}) >= 3
    assert Theme.objects.count() >= 4
    author = get_user_model().objects.get(username=DEMO_USERNAME)
    assert author.is_staff and author.is_superuser
    assert author.check_password(DEMO_PASSWORD)
    assert all(post.author == author and post.allow_comments for post in Post.objects.all())
    assert "Log in at http://127.0.0.1:8000/admin/ as author / demo-author-password" in output


def test_social_media_posts_lead_personal_connections_discussions():
    seed()
    post = Post.objects.get(title=PERSONAL_CONNECTIONS)
    discussions = post.relevant_discussions()
    titles = [d.post.title for d in discussions]
    assert set(SOCIAL_MEDIA_TITLES) <= set(titles)
    assert titles[:3] == SOCIAL_MEDIA_TITLES  # pinned, in position order
    for entry in discussions[:3]:
        assert entry.pinned
        assert entry.shared_tags, f"{entry.post.title} shares no tag with the personal-connections post"


def test_every_published_post_has_relevant_discussions():
    seed()
    for post in Post.objects.published():
        assert post.relevant_discussions(), post.title


def test_running_twice_changes_nothing():
    seed()
    before = counts()
    stamps = dict(Post.objects.values_list("slug", "updated_at"))
    output = seed()
    assert counts() == before
    assert dict(Post.objects.values_list("slug", "updated_at")) == stamps
    assert " 0 created, 0 updated" in output
    assert "1 created" not in output


def test_rerun_restores_an_edited_post_and_keeps_the_authors_password():
    seed()
    author = get_user_model().objects.get(username=DEMO_USERNAME)
    author.set_password("changed-by-the-user")
    author.save()
    edited = Post.objects.get(slug="how-to-ask-for-a-referral")
    edited.body = "## Changed\n\nSomething else."
    edited.save()
    edited.tags.clear()
    untouched = Post.objects.get(slug="social-media-and-job-search").updated_at

    seed()

    edited.refresh_from_db()
    assert "## Check the relationship first" in edited.body
    assert edited.tags.count() == 4
    assert Post.objects.get(slug="social-media-and-job-search").updated_at == untouched
    author.refresh_from_db()
    assert author.check_password("changed-by-the-user")


def test_draft_and_scheduled_posts_stay_hidden():
    seed()
    published = set(Post.objects.published().values_list("pk", flat=True))
    draft = Post.objects.get(status=Post.Status.DRAFT)
    assert draft.title.startswith("Draft:")
    assert draft.published_at is None
    scheduled = Post.objects.get(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())
    assert scheduled.published_at.year >= 2030
    assert draft.pk not in published
    assert scheduled.pk not in published
    for post in Post.objects.published():
        assert draft.title not in [d.post.title for d in post.relevant_discussions()]


def test_dates_are_fixed_and_in_the_past():
    seed()
    dates = sorted(Post.objects.published().values_list("published_at", flat=True))
    limit = datetime.datetime(2026, 11, 28, tzinfo=datetime.UTC)
    assert all(date < limit for date in dates)
    assert dates[-1] - dates[0] > datetime.timedelta(days=180)
    assert [p["published_at"] for p in POSTS] == [
        Post.objects.get(slug=p["slug"]).published_at for p in POSTS
    ]


def test_bodies_are_rendered_markdown():
    seed()
    posts = list(Post.objects.all())
    for post in posts:
        assert post.body_html, post.title
        assert post.summary, post.title
    published = [post for post in posts if post.is_public]
    assert all(250 <= post.word_count <= 600 for post in published)
    assert any("<table" in post.body_html for post in published)
    assert any('class="footnote"' in post.body_html for post in published)
    assert any("<blockquote" in post.body_html for post in published)


def test_subheadings_render_as_h2():
    # The bodies use "##" subheadings, as Post.body's help text asks. If this fails with <h3>
    # in the HTML, look at the toc extension's "baselevel" in blog/markup.py (2 shifts ## to <h3>).
    seed()
    for post in Post.objects.all():
        assert "<h2" in post.body_html, f"{post.title}: {post.body_html[:300]}"
