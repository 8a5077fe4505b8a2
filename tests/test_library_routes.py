"""Of django-comments-xtd and django_comments, only what the site uses is routed (comments.library_urls).

Their REST API, sent/posted pages, mute, like, flag, approve and delete views would write,
reveal or redirect without the rules, moderation and visibility of our comment form.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django_comments_xtd.models import XtdComment

from blog.models import Post
from comments import moderation
from comments.models import ModeratedComment, State

from .commenting import post_comment
from .factories import DraftFactory, PostFactory, ScheduledFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(db):
    return PostFactory(title="Knock on doors")


@pytest.fixture
def browser():
    """A browser that sends the Origin header of this site, as real ones do."""
    return Client(HTTP_ORIGIN="http://testserver")


def api_comment(post, **extra):
    return {
        "content_type": "blog.post",
        "object_pk": str(post.pk),
        "name": "Bot",
        "email": "bot@example.com",
        "followup": "false",
        "reply_to": "0",
        "comment": "Through the side door.",
        **extra,
    }


def test_the_api_accepts_no_comment(browser, post):
    for path in ("/comments/api/comment/", "/comments/api/preview/"):
        for data in (api_comment(post), api_comment(post, email="")):
            assert browser.post(path, data).status_code == 404
    assert not XtdComment.objects.exists()


def test_the_api_is_no_existence_oracle_for_other_models(browser):
    user = get_user_model().objects.create(username="someone")
    responses = {
        browser.post("/comments/api/comment/", {"content_type": "auth.user", "object_pk": str(pk)}).status_code
        for pk in (user.pk, user.pk + 1000)
    }
    assert responses == {404}


@pytest.mark.parametrize(
    "path",
    [
        "/comments/api/blog-post/{pk}/",
        "/comments/api/blog-post/{pk}/count/",
        "/comments/api/blog-post/{pk}/?format=api",
        "/comments/api/blog-post/{pk}.json",
        "/comments/api/foo-bar/1/count/",
        "/comments/api/feedback/",
        "/comments/api/flag/",
        "/comments/api/preview/",
    ],
)
@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_the_api_lists_nothing(browser, post, path, accept):
    response = browser.get(path.format(pk=post.pk), HTTP_ACCEPT=accept)
    assert response.status_code == 404
    assert b"Through" not in response.content


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/comments/sent/"),
        ("get", "/comments/posted/"),
        ("get", "/comments/mute/abc/"),
        ("get", "/comments/like/{cid}/"),
        ("post", "/comments/like/{cid}/"),
        ("get", "/comments/liked/"),
        ("post", "/comments/dislike/{cid}/"),
        ("get", "/comments/disliked/"),
        ("get", "/comments/flag/{cid}/"),
        ("post", "/comments/flag/{cid}/"),
        ("get", "/comments/flagged/"),
        ("post", "/comments/approve/{cid}/"),
        ("get", "/comments/approved/"),
        ("get", "/comments/deleted/"),
    ],
)
def test_the_libraries_other_views_are_not_routed(staff_client, post, method, path):
    """Not even for staff: every change of state goes through comments.moderation."""
    comment = moderation_held_comment(post)
    response = getattr(staff_client, method)(path.format(cid=comment.pk))
    assert response.status_code == 404
    assert state(comment) == State.HELD


def moderation_held_comment(post):
    """A first comment from a new address: held for review."""
    text = f"Held, not yet public ({XtdComment.norel_objects.count()})."
    response = post_comment(Client(), post, name="Held", email="new@example.com", comment=text)
    assert response.status_code == 302
    return XtdComment.norel_objects.latest("pk")


def state(comment):
    return XtdComment.norel_objects.select_related("moderation").get(pk=comment.pk).moderation.state


# /comments/sent/?c=: nothing to learn about a comment id -----------------------------------------


def test_the_sent_page_says_the_same_of_every_comment_id(client, post, staff):
    held = moderation_held_comment(post)
    spam = moderation_held_comment(post)
    moderation.mark_spam([spam], by=staff)
    published = moderation_held_comment(post)
    moderation.approve([published], by=staff)
    for path in ("/comments/sent/", "/comments/posted/"):
        answers = {
            (response.status_code, response.content)
            for pk in (held.pk, spam.pk, published.pk, published.pk + 100, "x", "9" * 30)
            for response in [client.get(f"{path}?c={pk}")]
        }
        assert len(answers) == 1
        ((status, _),) = answers
        assert status == 404


# /comments/cr/<ct>/<pk>/ (a comment's get_absolute_url): public posts only ------------------------


def redirect_path(obj):
    return f"/comments/cr/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


def test_the_comment_redirect_goes_to_a_public_post(client, post):
    response = client.get(redirect_path(post))
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()


@pytest.mark.parametrize("factory", [DraftFactory, ScheduledFactory])
def test_the_comment_redirect_does_not_reveal_a_draft_or_scheduled_post(client, factory):
    hidden = factory(title="Not out yet", slug="not-out-yet")
    response = client.get(redirect_path(hidden))
    assert response.status_code == 404
    assert b"not-out-yet" not in response.content
    assert not response.has_header("Location")


def test_staff_may_follow_the_redirect_to_a_draft_they_can_preview(staff_client):
    draft = DraftFactory(title="Not out yet", slug="not-out-yet")
    assert staff_client.get(redirect_path(draft))["Location"] == draft.get_absolute_url()


@pytest.mark.parametrize(
    "path",
    [
        "/comments/cr/{user_ct}/1/",
        "/comments/cr/99999/1/",
        "/comments/cr/12/1/",
        "/comments/cr/{post_ct}/abc/",
        "/comments/cr/{post_ct}/99999999999999999999999/",
        "/comments/cr/99999999999999999999999/1/",
    ],
)
def test_the_comment_redirect_answers_404_for_anything_else(client, post, path):
    user_ct = ContentType.objects.get_for_model(get_user_model()).pk
    post_ct = ContentType.objects.get_for_model(Post).pk
    assert client.get(path.format(user_ct=user_ct, post_ct=post_ct)).status_code == 404


def test_view_on_site_in_the_admin_reaches_the_comment(staff_client, post):
    comment = moderation_held_comment(post)
    page = staff_client.get(f"/admin/comments/moderatedcomment/{comment.pk}/change/").content.decode()
    queue_type = ContentType.objects.get_for_model(ModeratedComment, for_concrete_model=False)
    view_on_site = f"/admin/r/{queue_type.pk}/{comment.pk}/"
    assert view_on_site in page
    response = staff_client.get(view_on_site, follow=True)
    assert response.redirect_chain[-1][0] == post.get_absolute_url()
    assert response.status_code == 200
