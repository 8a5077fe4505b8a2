import datetime
from io import StringIO

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import AuthorProfile, Page, PinnedPost, Post, Tag, Theme
from comments import moderation, rules
from comments.models import Moderation, Reason, State
from content.importers import demo
from content.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME

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
        "comments": XtdComment.norel_objects.count(),
        "moderation": Moderation.objects.count(),
        "pages": Page.objects.count(),
        "profiles": AuthorProfile.objects.count(),
    }


def test_creates_published_posts_across_themes():
    output = seed()
    published = list(Post.objects.published())
    assert len(published) >= 8
    assert len({post.theme_id for post in published}) >= 3
    assert Theme.objects.count() >= 4
    author = get_user_model().objects.get(username=DEMO_USERNAME)
    # A writer, not a superuser: she writes and moderates, the site's administration stays hidden.
    assert author.is_staff and not author.is_superuser
    assert author.has_perms(["blog.add_post", "blog.change_page", "images.add_image", "comments.change_moderation"])
    assert not author.has_perm("auth.change_user")
    assert author.check_password(DEMO_PASSWORD)
    assert all(post.author == author and post.allow_comments for post in Post.objects.all())
    assert "Log in at http://testserver/admin/ as author / demo-author-password" in output


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


def test_seeds_an_about_page_in_the_menu_and_the_authors_bio(client):
    seed()
    about = client.get("/about/").content.decode()
    assert "<h1>About</h1>" in about and "Comments are moderated." in about
    assert '<a href="/about/" aria-current="page">About</a>' in about
    assert '<a href="/about/">About</a>' in client.get("/").content.decode()
    author = client.get(f"/authors/{DEMO_USERNAME}/").content.decode()
    assert "Dana Reyes" in author and "ten years as a recruiter" in author
    stamps = dict(Page.objects.values_list("slug", "updated_at"))
    seed()
    assert dict(Page.objects.values_list("slug", "updated_at")) == stamps


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
    posts = demo.parse().posts
    assert [p.published_at for p in posts] == [Post.objects.get(slug=p.slug).published_at for p in posts]


def test_posts_keep_their_written_dates_as_last_change(client):
    seed()
    written = demo.written_dates()
    assert written["social-media-and-job-search"] == datetime.datetime(2026, 4, 2, 17, 10, tzinfo=datetime.UTC)
    for post in Post.objects.published():
        assert post.updated_at == written[post.slug], post.slug
    feed = feedparser.parse(client.get("/feed/atom/").content)
    newest = max(written[p.slug] for p in Post.objects.published())
    assert feed.feed.updated_parsed[:6] == newest.utctimetuple()[:6]
    by_title = {entry.title: entry for entry in feed.entries}
    post = Post.objects.get(slug="social-media-and-job-search")
    assert by_title[post.title].updated_parsed[:6] == (2026, 4, 2, 17, 10, 0)
    assert by_title[post.title].published_parsed[:6] == (2026, 3, 8, 8, 30, 0)


def test_a_restored_post_gets_its_written_date_back():
    seed()
    edited = Post.objects.get(slug="how-to-ask-for-a-referral")
    edited.body = "Changed."
    edited.save()
    assert edited.updated_at > timezone.now() - datetime.timedelta(minutes=1)
    seed()
    edited.refresh_from_db()
    assert edited.updated_at == demo.written_dates()["how-to-ask-for-a-referral"]


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


def demo_comments():
    post = Post.objects.get(title=PERSONAL_CONNECTIONS)
    comments = XtdComment.norel_objects.filter(object_pk=str(post.pk)).select_related("moderation")
    return post, {comment.user_email: comment for comment in comments}


def test_personal_connections_post_gets_comments_in_each_state():
    seed()
    post, comments = demo_comments()
    assert set(comments) == {
        "jordan@example.com",
        "author@example.com",
        "priya@example.com",
        "promo@lucky-wins.example",
    }
    jordan = comments["jordan@example.com"]
    assert jordan.user_name == "Jordan Lee"
    assert "introducing yourself in person beats applying online" in jordan.comment.lower()
    assert (jordan.moderation.state, jordan.is_public, jordan.is_removed) == (State.PUBLISHED, True, False)

    reply = comments["author@example.com"]
    assert reply.user == post.author
    assert reply.user_name == "Dana Reyes"
    assert "thank you" in reply.comment.lower()
    assert (reply.moderation.state, reply.is_public, reply.is_removed) == (State.PUBLISHED, True, False)

    held = comments["priya@example.com"]
    assert (held.moderation.state, held.moderation.reason) == (State.HELD, Reason.FIRST_COMMENT)
    assert (held.is_public, held.is_removed) == (False, False)

    spam = comments["promo@lucky-wins.example"]
    assert spam.comment.startswith("great post, visit my betting site")
    assert spam.comment.count("https://") == 2
    assert (spam.moderation.state, spam.moderation.reason) == (State.SPAM, Reason.SPAM_WORD)
    assert (spam.is_public, spam.is_removed) == (False, True)

    for comment in comments.values():
        assert comment.content_type.model_class() is Post
        assert comment.site_id == 1
        assert comment.moderation.body_html.startswith("<p>")
        assert post.published_at < comment.submit_date < timezone.now()


def test_the_seeded_spam_is_what_the_rules_would_decide():
    seed()
    post, comments = demo_comments()
    spam = comments["promo@lucky-wins.example"]
    decision = rules.decide(post, email="someone@example.com", text=spam.comment)
    assert (decision.outcome, decision.reason) == (rules.Outcome.SPAM, Reason.SPAM_WORD)


def test_the_authors_reply_is_nested_under_the_reader_comment():
    seed()
    _, comments = demo_comments()
    jordan, reply = comments["jordan@example.com"], comments["author@example.com"]
    assert jordan.level == 0
    assert jordan.parent_id == jordan.thread_id == jordan.pk
    assert reply.level == 1
    assert reply.parent_id == jordan.pk
    assert reply.thread_id == jordan.thread_id
    assert reply.order > jordan.order
    assert reply.submit_date > jordan.submit_date


def test_post_page_shows_the_conversation_with_the_author_badge():
    seed()
    post, comments = demo_comments()
    jordan, reply = comments["jordan@example.com"], comments["author@example.com"]
    response = Client().get(post.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 comments" in html
    assert "Jordan Lee" in html
    assert "Introducing yourself in person beats applying online" in html
    assert "Thank you for sharing this, Jordan!" in html
    # the reply sits inside the reader comment's list item, marked as the author's
    reader_item = html.split(f'id="c{jordan.pk}"', 1)[1]
    reply_item = reader_item.split(f'id="c{reply.pk}"', 1)[1].split("</li>", 1)[0]
    assert '<ol class="replies">' in reader_item.split(f'id="c{reply.pk}"', 1)[0]
    assert '<span class="badge">Author</span>' in reply_item
    assert '<span class="badge">Author</span>' not in reader_item.split('<ol class="replies">', 1)[0]
    # the queue's comments are not on the page
    assert "Does this work for remote roles too?" not in html
    assert "betting" not in html


def test_the_queue_has_the_held_and_the_spam_comment():
    seed()
    client = Client()
    client.force_login(get_user_model().objects.get(username=DEMO_USERNAME))
    held = client.get("/admin/comments/moderatedcomment/").content.decode()
    assert "Does this work for remote roles too?" in held
    assert "First comment from this email" in held
    spam = client.get("/admin/comments/moderatedcomment/", {"state": "spam"}).content.decode()
    assert "great post, visit my betting site" in spam
    assert "1 comment awaiting moderation" in client.get("/admin/").content.decode()


def test_rerun_creates_no_comments_and_keeps_moderator_decisions():
    output = seed()
    assert "comments: 4 created" in output
    before = dict(XtdComment.norel_objects.values_list("pk", "comment"))
    _, comments = demo_comments()
    author = get_user_model().objects.get(username=DEMO_USERNAME)
    moderation.approve([comments["priya@example.com"]], by=author)

    output = seed()

    assert "comments: 0 created, 0 updated, 4 unchanged" in output
    assert dict(XtdComment.norel_objects.values_list("pk", "comment")) == before
    assert Moderation.objects.count() == 4
    _, comments = demo_comments()
    assert comments["priya@example.com"].moderation.state == State.PUBLISHED
    assert comments["author@example.com"].parent_id == comments["jordan@example.com"].pk


def test_the_demo_author_has_a_writers_admin(client):
    seed()
    client.force_login(get_user_model().objects.get(username=DEMO_USERNAME))
    index = client.get("/admin/").content.decode()
    for section in ["Posts", "Pages", "Images", "Moderation queue", "Your profile"]:
        assert section in index, section
    for hidden in ["Groups", "Sites", "Task results"]:
        assert hidden not in index, hidden
    for path in ["/admin/comments/moderatedcomment/", "/admin/blog/post/add/", "/admin/images/image/add/"]:
        assert client.get(path).status_code == 200, path
