"""Readers comment through the real post view, with the signed form as a browser sends it."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from comments import moderation
from comments.models import Moderation, Reason, State

from .commenting import form_fields, post_comment
from .factories import PostFactory, StaffFactory, UserFactory, bulk_thread, comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    return PostFactory(title="Knock on doors")


@pytest.fixture
def known_reader(post, staff):
    """reader@example.com has a published comment already: their next one is published."""
    response = post_comment_fresh(post, comment="My first words.")
    assert response.status_code == 302
    moderation.approve(XtdComment.objects.filter(user_email="reader@example.com"), by=staff)
    cache.clear()  # that comment does not count toward the tests' rate limits


def post_comment_fresh(post, **fields):
    from django.test import Client

    return post_comment(Client(), post, **fields)


def latest():
    return XtdComment.objects.select_related("moderation").latest("pk")


def page_of(client, post):
    return client.get(post.get_absolute_url()).content.decode()


# What a reader sees ---------------------------------------------------------------------


def test_post_page_has_count_thread_and_a_labelled_form(client, post):
    html = page_of(client, post)
    assert "0 comments" in html
    for label in ("Name", "Email", "Website (optional)", "Comment", "Email me replies to my comment"):
        assert re.search(rf'<label for="[^"]+">{re.escape(label)}</label>', html), label
    assert "Markdown works" in html
    assert 'name="csrfmiddlewaretoken"' not in html  # shared by every anonymous reader: see below


def test_first_comment_is_held_and_only_its_writer_sees_it(client, post):
    response = post_comment(client, post, comment="Going in person worked for me.")
    assert response.status_code == 302
    comment = latest()
    assert (comment.moderation.state, comment.moderation.reason) == (State.HELD, Reason.FIRST_COMMENT)
    assert not comment.is_public
    mine = client.get(response["Location"]).content.decode()
    assert "awaiting moderation" in mine
    assert f'id="c{comment.pk}"' in mine and "Going in person worked for me." in mine
    from django.test import Client

    theirs = page_of(Client(), post)
    assert "Going in person worked for me." not in theirs


def test_known_reader_is_published_and_redirected_to_the_comment(client, post, known_reader):
    response = post_comment(client, post, comment="Second *thought*.")
    comment = latest()
    assert comment.moderation.state == State.PUBLISHED and comment.moderation.reason == Reason.CLEAN
    assert response["Location"] == f"{post.get_absolute_url()}#c{comment.pk}"
    html = page_of(client, post)
    assert f'id="c{comment.pk}"' in html and "<em>thought</em>" in html
    assert "2 comments" in html


def test_email_is_never_shown_and_website_links_are_ugc(client, post, known_reader):
    post_comment(client, post, comment="Hi", url="https://reader.example/")
    html = page_of(client, post)
    assert "reader@example.com" not in html
    assert '<a href="https://reader.example/" rel="nofollow ugc noopener">Reader</a>' in html


def test_author_comments_publish_directly_with_an_author_badge(client, post):
    client.force_login(post.author)
    response = post_comment(client, post, comment="Thanks for reading.")
    assert response.status_code == 302
    comment = latest()
    assert comment.moderation.state == State.PUBLISHED and comment.moderation.reason == Reason.TRUSTED
    assert comment.user_id == post.author_id
    html = page_of(client, post)
    item = html.split(f'id="c{comment.pk}"', 1)[1].split("</article>", 1)[0]
    assert '<span class="badge">Author</span>' in item


def test_logged_in_user_comments_without_name_and_email_fields(client, post):
    user = UserFactory(username="sam", email="sam@example.com", first_name="Sam", last_name="Ray")
    client.force_login(user)
    html = page_of(client, post)
    assert 'name="name"' not in html.split('class="comment-form"')[1]
    assert "Commenting as <strong>Sam Ray</strong>" in html
    post_comment(client, post, name=None, email=None, comment="Logged in.")
    comment = latest()
    assert (comment.user_name, comment.user_email, comment.user_id) == ("Sam Ray", "sam@example.com", user.pk)


def test_preview_shows_the_rendered_comment_and_keeps_the_text(client, post):
    response = post_comment(client, post, comment="**bold** idea", preview="preview")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong> idea" in html
    assert "**bold** idea</textarea>" in html
    assert not XtdComment.objects.exists()


# Rules, both ways ---------------------------------------------------------------------------


def test_honeypot_rejects(client, post):
    response = post_comment(client, post, honeypot="I am a bot")
    assert response.status_code == 400
    assert "could not be posted" in response.content.decode()
    assert not XtdComment.objects.exists()


def test_rate_limit_answers_429_and_keeps_the_text(client, post, settings, known_reader):
    settings.COMMENTS_RATE_LIMIT = 2
    assert post_comment(client, post, comment="one").status_code == 302
    assert post_comment(client, post, comment="two").status_code == 302
    response = post_comment(client, post, comment="three, kept")
    assert response.status_code == 429
    html = response.content.decode()
    assert "wait a few minutes" in html and "three, kept</textarea>" in html


def test_a_newcomer_sharing_a_busy_address_is_not_blamed_for_its_comments(client, post, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    for n in range(2):  # two colleagues behind the same office address
        post_comment(client, post, email=f"colleague{n}@example.com", comment=f"Colleague {n}")
    response = post_comment(client, post, email="newcomer@example.com", comment="My very first comment")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Many comments came from your network" in html
    assert "You have posted" not in html
    assert "My very first comment</textarea>" in html


def test_rate_limit_counts_the_client_behind_one_trusted_proxy(client, post, settings, known_reader):
    settings.COMMENTS_RATE_LIMIT = 1
    settings.COMMENTS_TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = post_comment(client, post, comment="a", HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.5", **proxy)
    assert first.status_code == 302
    assert latest().ip_address == "203.0.113.5"
    other = post_comment(client, post, comment="b", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert other.status_code == 302  # another reader behind the same proxy
    again = post_comment(client, post, comment="c", HTTP_X_FORWARDED_FOR="forged, 203.0.113.5", **proxy)
    assert again.status_code == 429


@pytest.mark.parametrize(
    "text, held",
    [
        ("See https://a.example and https://b.example", False),
        ("See https://a.example, https://b.example and [c](https://c.example)", True),
    ],
)
def test_more_than_max_links_is_held(client, post, known_reader, text, held):
    post_comment(client, post, comment=text)
    comment = latest()
    assert (comment.moderation.state == State.HELD) is held
    if held:
        assert comment.moderation.reason == Reason.LINKS


def test_moderation_word_holds(client, post, known_reader, settings):
    settings.COMMENTS_MODERATION_WORDS = ["lawsuit"]
    post_comment(client, post, comment="This sounds like a LAWSUIT waiting.")
    assert (latest().moderation.state, latest().moderation.reason) == (State.HELD, Reason.MODERATION_WORD)
    post_comment(client, post, comment="This sounds fine.")
    assert latest().moderation.state == State.PUBLISHED


def test_spam_word_is_kept_as_spam_and_never_shown(client, post, known_reader):
    response = post_comment(client, post, comment="great post, visit my betting site")
    assert response.status_code == 302
    comment = latest()
    assert (comment.moderation.state, comment.moderation.reason) == (State.SPAM, Reason.SPAM_WORD)
    assert comment.is_removed and not comment.is_public
    assert "betting" not in page_of(client, post)


def test_comments_closed_on_the_post(client, post):
    fields = form_fields(client, post.get_absolute_url())
    post.allow_comments = False
    post.save()
    html = page_of(client, post)
    assert "Comments are closed on this post." in html and 'class="comment-form"' not in html
    data = {**fields, "name": "R", "email": "r@example.com", "comment": "Too late", "honeypot": ""}
    response = client.post(reverse("comments:post"), data)
    assert response.status_code == 403
    assert "closed" in response.content.decode() and "Too late</textarea>" in response.content.decode()


def test_comments_close_n_days_after_publishing(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = PostFactory(published_at=timezone.now() - datetime.timedelta(days=31))
    fresh = PostFactory(published_at=timezone.now() - datetime.timedelta(days=29))
    assert "Comments close 30 days after" in page_of(client, old)
    assert 'class="comment-form"' in page_of(client, fresh)


def test_same_text_from_same_email_on_same_post_within_a_day_is_rejected(client, post):
    assert post_comment(client, post, comment="Twice?").status_code == 302
    response = post_comment(client, post, comment="Twice?")
    assert response.status_code == 409
    assert "already posted" in response.content.decode()
    other = PostFactory()
    assert post_comment(client, other, comment="Twice?").status_code == 302


def test_staff_publish_directly(client, post):
    client.force_login(StaffFactory(username="mod", email="mod@example.com"))
    post_comment(client, post, comment="Staff here, with https://a.x https://b.x https://c.x")
    assert latest().moderation.reason == Reason.TRUSTED


# Threads ------------------------------------------------------------------------------------


def test_replies_nest_inside_their_parent(client, post, known_reader):
    post_comment(client, post, comment="Parent")
    parent = latest()
    post_comment(client, post, comment="Child", reply_to=parent)
    child = latest()
    assert (child.parent_id, child.level) == (parent.pk, 1)
    html = page_of(client, post)
    nested = (
        rf'<li class="comment" id="c{parent.pk}">.*?'
        rf'<ol class="replies">\s*<li class="comment" id="c{child.pk}">'
    )
    assert re.search(nested, html, re.DOTALL)
    assert f'href="/comments/reply/{parent.pk}/"' in html


def test_past_the_depth_limit_reply_answers_at_the_deepest_level(client, post, known_reader):
    post_comment(client, post, comment="L0")
    node = latest()
    for depth in range(1, 3):
        post_comment(client, post, comment=f"L{depth}", reply_to=node)
        node = latest()
        assert node.level == depth
    post_comment(client, post, comment="Too deep", reply_to=node)
    deepest = latest()
    assert deepest.level == 2 and deepest.parent_id == node.parent_id


def test_reply_page_works_without_javascript(client, post, known_reader):
    post_comment(client, post, comment="Parent")
    parent = latest()
    response = client.get(reverse("comments:reply", args=[parent.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reply to Reader" in html and f'name="reply_to" value="{parent.pk}"' in html
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    data.pop("csrfmiddlewaretoken", None)
    data.update(name="B", email="reader@example.com", comment="Answer", honeypot="")
    assert client.post(reverse("comments:post"), data).status_code == 302
    assert latest().parent_id == parent.pk


def test_reply_page_of_a_held_or_unknown_comment_is_404(client, post):
    post_comment(client, post, comment="Held")
    assert client.get(reverse("comments:reply", args=[latest().pk])).status_code == 404
    assert client.get("/comments/reply/999999/").status_code == 404


# Bad input: a 4xx and a message, never a 500, the text kept --------------------------------


@pytest.mark.parametrize(
    "fields, status, message",
    [
        ({"name": ""}, 400, "This field is required"),
        ({"comment": ""}, 400, "This field is required"),
        ({"email": "not-an-email"}, 400, "Enter a valid email address"),
        ({"comment": "x" * 3001}, 400, "at most 3000 characters"),
        ({"security_hash": "0" * 40}, 400, "expired or was altered"),
        ({"timestamp": "1000000000"}, 400, "expired or was altered"),
        ({"timestamp": "abc"}, 400, "expired or was altered"),
        ({"reply_to": "abc"}, 400, "not valid"),
        ({"reply_to": "999999"}, 400, "not available for replies"),
        ({"object_pk": "abc"}, 404, "does not exist"),
        ({"object_pk": "999999"}, 404, "does not exist"),
        ({"content_type": "auth.user"}, 404, "does not exist"),
        ({"content_type": None}, 404, "does not exist"),
    ],
)
def test_bad_input_gets_a_4xx_and_a_message(client, post, fields, status, message):
    response = post_comment(client, post, **{"comment": "Keep me please", **fields})
    assert response.status_code == status
    html = response.content.decode()
    assert message in html
    if status == 400 and "comment" not in fields:
        assert "Keep me please</textarea>" in html
    assert not XtdComment.objects.exists()


def test_a_draft_post_cannot_be_commented(client):
    from .factories import DraftFactory

    draft = DraftFactory()
    data = {
        "content_type": "blog.post",
        "object_pk": str(draft.pk),
        "comment": "x",
        "name": "n",
        "email": "e@x.y",
    }
    assert client.post(reverse("comments:post"), data).status_code == 404


def test_reply_to_a_comment_of_another_post_or_held_or_removed_is_refused(client, post, known_reader, staff):
    other = PostFactory()
    post_comment(client, other, comment="Elsewhere")
    elsewhere = latest()
    assert post_comment(client, post, comment="x", reply_to=elsewhere).status_code == 400
    post_comment(client, post, comment="hold me https://a.x https://b.x https://c.x")
    held = latest()
    assert post_comment(client, post, comment="y", reply_to=held).status_code == 400
    post_comment(client, post, comment="gone soon")
    gone = latest()
    moderation.remove([gone], by=staff)
    assert post_comment(client, post, comment="z", reply_to=gone).status_code == 400


def test_a_5_mb_body_is_refused_not_a_500(client, post):
    response = post_comment(client, post, comment="x" * (5 * 1024 * 1024))
    assert response.status_code in (400, 413)
    assert not XtdComment.objects.exists()


def test_get_on_the_post_url_is_405(client):
    assert client.get(reverse("comments:post")).status_code == 405


def test_a_javascript_website_is_refused(client, post):
    response = post_comment(client, post, url="javascript:alert(1)", comment="kept")
    assert response.status_code == 400
    assert "Enter a valid URL" in response.content.decode() and "kept</textarea>" in response.content.decode()


def test_hostile_comment_text_and_name_are_inert(client, post, known_reader):
    post_comment(
        client,
        post,
        name='<script>alert("n")</script>',
        comment="<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)> [ok](https://ok.example)",
    )
    html = page_of(client, post)
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert '<a href="https://ok.example" rel="nofollow ugc noopener">ok</a>' in html


# Reports --------------------------------------------------------------------------------


def test_after_k_reports_a_comment_is_hidden_and_back_in_the_queue(post, known_reader, settings):
    from django.test import Client

    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = XtdComment.objects.get(comment="My first words.")
    readers = [Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="203.0.113.9")]  # two households
    first = readers[0].post(reverse("comments:report", args=[comment.pk]))
    assert first.status_code == 302
    readers[0].post(reverse("comments:report", args=[comment.pk]))  # the same reader twice counts once
    comment.moderation.refresh_from_db()
    assert comment.moderation.state == State.PUBLISHED and comment.moderation.report_count == 1
    readers[1].post(reverse("comments:report", args=[comment.pk]))
    comment.moderation.refresh_from_db()
    assert (comment.moderation.state, comment.moderation.reason) == (State.HELD, Reason.REPORTED)
    assert "My first words." not in page_of(Client(), post)


# Long threads and speed -----------------------------------------------------------------


@pytest.mark.parametrize("count", [10, 1000])
def test_post_page_queries_do_not_grow_with_comments(client, post, count, django_assert_max_num_queries, settings):
    settings.COMMENTS_PER_PAGE = 2000
    bulk_thread(post, count // 2, replies_per_root=1)
    with django_assert_max_num_queries(14):
        response = client.get(post.get_absolute_url())
    assert response.content.decode().count('class="comment"') == count


def test_long_threads_are_paged_and_permalinks_land_on_the_right_page(client, post, settings):
    settings.COMMENTS_PER_PAGE = 50
    roots, replies = bulk_thread(post, 120, replies_per_root=1)
    newest = page_of(client, post)
    assert "Comments page 3 of 3" in newest
    assert f'id="c{roots[-1].pk}"' in newest and f'id="c{roots[0].pk}"' not in newest
    first = client.get(post.get_absolute_url() + "?cpage=1").content.decode()
    assert f'id="c{roots[0].pk}"' in first and f'id="c{replies[0].pk}"' in first
    response = client.get(reverse("comments:locate", args=[replies[0].pk]))
    assert response["Location"] == f"{post.get_absolute_url()}?cpage=1#c{replies[0].pk}"
    assert client.get(post.get_absolute_url() + "?cpage=abc").status_code == 200


def test_list_pages_show_comment_counts_in_one_query(client, post, django_assert_max_num_queries):
    post.published_at = timezone.now()
    post.save()
    bulk_thread(post, 3)
    for _ in range(15):
        bulk_thread(PostFactory(), 2)
    with django_assert_max_num_queries(7):
        html = client.get("/").content.decode()
    assert "3 comments" in html and "2 comments" in html


def test_oversized_request_gets_a_friendly_400_page(client, post):
    response = post_comment(client, post, comment="x" * (5 * 1024 * 1024))
    assert response.status_code == 400
    assert "could not be handled" in response.content.decode()


def test_optional_email_confirmation_creates_the_comment_only_when_confirmed(
    client, post, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.COMMENTS_XTD_CONFIRM_EMAIL = True
    with django_capture_on_commit_callbacks(execute=True):
        response = post_comment(client, post, comment="Please confirm me.")
    assert response.status_code == 302
    assert not XtdComment.objects.exists()
    (mail,) = mailoutbox
    link = re.search(r"/comments/confirm/[^/\s]+/", mail.body).group(0)
    for opened in (client.head(link), client.get(link)):  # a mail scanner, then the reader: they only ask
        assert opened.status_code == 200
    assert "Please confirm me." in opened.content.decode() and "Post my comment" in opened.content.decode()
    assert not XtdComment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(link)
    assert confirmed.status_code == 302
    comment = latest()
    assert comment.comment == "Please confirm me."
    assert (comment.moderation.state, comment.moderation.reason) == (State.HELD, Reason.FIRST_COMMENT)
    client.post(link)  # a second click changes nothing
    assert XtdComment.objects.count() == 1


def test_avatars_are_initials_or_a_hashed_gravatar_never_the_email(client, post, known_reader, settings):
    html = page_of(client, post)
    assert '<span class="avatar" aria-hidden="true">R</span>' in html
    settings.COMMENTS_GRAVATAR = True
    cache.clear()  # a setting is not content: drop the cached page by hand
    html = page_of(client, post)
    assert "https://www.gravatar.com/avatar/" in html and "reader@example.com" not in html


def test_signed_in_readers_cannot_post_under_another_name(client, post):
    client.force_login(post.author)
    post_comment(client, post, name="Someone Else", email="else@example.com", comment="Me, really.")
    comment = latest()
    assert (comment.user_name, comment.user_email) == ("author", post.author.email)


# Forgery protection (comments.views.forgery_check) ------------------------------------------


def test_anonymous_posts_must_come_from_this_site(post):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    forged = post_comment(browser, post, comment="from elsewhere", HTTP_ORIGIN="https://evil.example")
    assert forged.status_code == 403 and "from elsewhere</textarea>" in forged.content.decode()
    assert post_comment(browser, post, comment="no origin at all").status_code == 403
    ok = post_comment(browser, post, comment="from the page", HTTP_ORIGIN="http://testserver")
    assert ok.status_code == 302
    assert XtdComment.objects.get().comment == "from the page"


def test_signed_in_users_need_the_csrf_token(post):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(post.author)
    html = page_of(browser, post)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    same_site = {"HTTP_ORIGIN": "http://testserver"}
    assert post_comment(browser, post, comment="no token", **same_site).status_code == 403
    response = post_comment(browser, post, comment="with token", csrfmiddlewaretoken=token, **same_site)
    assert response.status_code == 302


def test_approving_a_reported_comment_settles_its_reports(post, known_reader, settings, staff):
    from django.test import Client

    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = XtdComment.objects.get(comment="My first words.")
    for n in range(2):
        Client(REMOTE_ADDR=f"198.51.{n}.1").post(reverse("comments:report", args=[comment.pk]))
    comment.moderation.refresh_from_db()
    assert comment.moderation.state == State.HELD
    moderation.approve([comment], by=staff)
    Client(REMOTE_ADDR="198.51.9.1").post(reverse("comments:report", args=[comment.pk]))  # one new is not enough
    comment.moderation.refresh_from_db()
    assert (comment.moderation.state, comment.moderation.report_count) == (State.PUBLISHED, 1)


def test_the_comment_box_never_cuts_a_pasted_text(client, post):
    html = client.get(post.get_absolute_url()).content.decode()
    box = html.split('name="comment"', 1)[1].split(">", 1)[0]
    assert "maxlength" not in box  # the browser would drop what is past it, silently
    assert 'data-max-length="3000"' in box  # comments.js counts down near the limit


def _comment_li(html, pk):
    return html.split(f'id="c{pk}"', 1)[1].split('<li class="comment', 1)[0]


def test_the_thank_you_is_drawn_beside_the_comment_the_page_jumps_to(client, post, known_reader):
    response = post_comment(client, post, comment="Published at once.", follow=True)
    comment = latest()
    assert response.redirect_chain[-1][0].endswith(f"#c{comment.pk}")
    html = response.content.decode()
    assert '<p class="notice notice-success" role="status">Thank you! Your comment is published.</p>' in _comment_li(
        html, comment.pk
    )
    assert '<div class="notices"' not in html  # not also at the top of the section


def test_a_held_comment_tells_its_writer_why_in_plain_words(client, post):
    html = post_comment(client, post, email="first-time@example.com", comment="My first.", follow=True)
    mine = _comment_li(html.content.decode(), latest().pk)
    assert "First comments are read by the author before they appear; your next ones will appear at once." in mine
    assert "awaiting moderation" in mine


def test_the_report_notice_is_drawn_beside_the_reported_comment(client, post, known_reader):
    post_comment(client, post, comment="Worth reporting?")
    target = latest()
    url = reverse("comments:report", args=[target.pk])
    response = Client().post(url, HTTP_ORIGIN="http://testserver", follow=True)
    assert "Thank you for the report." in _comment_li(response.content.decode(), target.pk)


def test_the_author_moderates_held_comments_in_place_on_her_post(client, post):
    held = comment(post, text="Please approve me.", state=State.HELD, reason=Reason.LINKS)
    anonymous = Client().get(post.get_absolute_url()).content.decode()
    assert "Please approve me." not in anonymous and "moderate-form" not in anonymous
    author = post.author
    author.is_staff = True
    author.save()
    client.force_login(author)
    html = client.get(post.get_absolute_url()).content.decode()
    mine = _comment_li(html, held.pk)
    assert "Held for review: Too many links." in mine
    assert 'value="approve"' in mine and 'value="spam"' in mine and 'value="remove"' in mine
    assert 'name="csrfmiddlewaretoken"' in mine
    response = client.post(reverse("comments:moderate", args=[held.pk]), {"action": "approve"}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#c{held.pk}")
    assert "Comment approved: it is public now." in _comment_li(response.content.decode(), held.pk)
    assert "Please approve me." in Client().get(post.get_absolute_url()).content.decode()


def test_only_staff_moderate_on_the_page_and_only_by_post(client, post):
    held = comment(post, text="Held.", state=State.HELD)
    url = reverse("comments:moderate", args=[held.pk])
    assert client.post(url, {"action": "approve"}).status_code == 403
    client.force_login(UserFactory(username="reader"))
    assert client.post(url, {"action": "approve"}).status_code == 403
    client.force_login(StaffFactory(username="boss"))
    assert client.get(url).status_code == 405
    assert client.post(url, {"action": "delete-everything"}).status_code == 400
    assert Moderation.objects.get(comment_id=held.pk).state == State.HELD


def test_no_report_button_on_your_own_comments(client, post):
    reader = UserFactory(username="regular")
    own = comment(post, text="Mine.", user=reader)
    other = comment(post, text="Someone else's.")
    client.force_login(reader)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "report-form" not in _comment_li(html, own.pk)
    assert "report-form" in _comment_li(html, other.pk)


def test_a_report_says_why_and_readers_cannot_hide_the_authors_comments(client, post, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 1
    from comments.models import Report

    reader_comment = comment(post, text="Buy things.")
    url = reverse("comments:report", args=[reader_comment.pk])
    Client().post(url, {"why": "spam"}, HTTP_ORIGIN="http://testserver")
    assert Report.objects.get(comment=reader_comment).why == Report.Why.SPAM
    assert Moderation.objects.get(comment=reader_comment).state == State.HELD  # back to the queue
    answer = comment(post, text="The author's answer.", user=post.author)
    for n in range(3):
        Client(REMOTE_ADDR=f"10.1.0.{n}").post(
            reverse("comments:report", args=[answer.pk]), {"why": "nonsense"}, HTTP_ORIGIN="http://testserver"
        )
    assert Moderation.objects.get(comment=answer).state == State.PUBLISHED
    assert set(Report.objects.filter(comment=answer).values_list("why", flat=True)) == {Report.Why.OTHER}


# Editing and deleting one's own comment, from the same browser, within the window ------------


def test_a_writer_edits_their_comment_within_the_window_and_it_is_marked_edited(client, post, known_reader):
    post_comment(client, post, comment="Fisrt draft.")
    mine = latest()
    assert f"{mine.pk}:" in client.cookies["comments_own_ids"].value
    edit_url = reverse("comments:edit", args=[mine.pk])
    page = client.get(edit_url)
    assert page.status_code == 200 and "Fisrt draft.</textarea>" in page.content.decode()
    response = client.post(edit_url, {"comment": "First draft, *fixed*."}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#c{mine.pk}")
    html = response.content.decode()
    assert "First draft, <em>fixed</em>." in html and "(edited)" in _comment_li(html, mine.pk)
    assert "Your comment is updated." in _comment_li(html, mine.pk)
    assert Moderation.objects.get(comment=mine).edited_at is not None


def test_an_edit_is_moderated_again_like_a_new_comment(client, post, known_reader):
    post_comment(client, post, comment="Innocent.")
    mine = latest()
    links = "https://a.example https://b.example https://c.example"
    client.post(reverse("comments:edit", args=[mine.pk]), {"comment": f"Now with links: {links}"})
    moderated = Moderation.objects.get(comment=mine)
    assert (moderated.state, moderated.reason) == (State.HELD, Reason.LINKS)
    assert "Now with links" not in Client().get(post.get_absolute_url()).content.decode()
    assert "Now with links" in client.get(post.get_absolute_url()).content.decode()  # its writer still sees it


def test_nobody_else_and_nobody_late_can_edit_or_delete(client, post, known_reader, settings, monkeypatch):
    post_comment(client, post, comment="Mine alone.")
    mine = latest()
    edit_url, delete_url = reverse("comments:edit", args=[mine.pk]), reverse("comments:delete", args=[mine.pk])
    stranger = Client()
    assert stranger.get(edit_url).status_code == 403
    assert stranger.post(delete_url, HTTP_ORIGIN="http://testserver").status_code == 403
    forged = Client()
    forged.cookies["comments_own"] = f"{mine.pk}:9999999999"  # unsigned
    assert forged.get(edit_url).status_code == 403
    import time as clock

    later = clock.time() + settings.COMMENTS_EDIT_WINDOW + 1
    monkeypatch.setattr("comments.views.time.time", lambda: later)
    assert client.post(edit_url, {"comment": "Too late."}).status_code == 403
    assert XtdComment.norel_objects.get(pk=mine.pk).comment == "Mine alone."


def test_a_writer_deletes_their_comment_and_it_disappears(client, post, known_reader):
    post_comment(client, post, comment="Regretted.")
    mine = latest()
    response = client.post(reverse("comments:delete", args=[mine.pk]), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302
    moderated = Moderation.objects.get(comment=mine)
    assert (moderated.state, moderated.reason) == (State.REMOVED, Reason.WRITER)
    assert "Regretted." not in Client().get(post.get_absolute_url()).content.decode()


def test_an_empty_or_too_long_edit_is_refused_with_the_text_kept(client, post, known_reader):
    post_comment(client, post, comment="Keep me.")
    mine = latest()
    url = reverse("comments:edit", args=[mine.pk])
    empty = client.post(url, {"comment": "   "})
    assert empty.status_code == 400 and "Your comment is empty" in empty.content.decode()
    long = client.post(url, {"comment": "y" * 3001})
    assert long.status_code == 400 and ("y" * 3001 + "</textarea>") in long.content.decode()
    assert XtdComment.norel_objects.get(pk=mine.pk).comment == "Keep me."


def test_editing_works_from_a_real_browser_with_the_sites_origin(post, known_reader):
    browser = Client(enforce_csrf_checks=True)
    post_comment(browser, post, comment="Real browser.", HTTP_ORIGIN="http://testserver")
    mine = latest()
    url = reverse("comments:edit", args=[mine.pk])
    edited = {"comment": "Real browser, edited."}
    assert browser.post(url, edited, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert browser.post(url, edited, HTTP_ORIGIN="http://testserver").status_code == 302
    assert XtdComment.norel_objects.get(pk=mine.pk).comment == "Real browser, edited."


def test_a_held_comment_costs_no_session_row_and_its_page_is_never_shared(client, post):
    from django.contrib.sessions.models import Session

    post_comment(client, post, email="newcomer@example.com", comment="Held, mine.")
    assert Session.objects.count() == 0  # its id travels in a signed cookie
    assert "Held, mine." in client.get(post.get_absolute_url()).content.decode()
    assert "Held, mine." not in Client().get(post.get_absolute_url()).content.decode()
    forged = Client()
    forged.cookies["comments_pending"] = str(latest().pk)  # unsigned: shows nothing
    assert "Held, mine." not in forged.get(post.get_absolute_url()).content.decode()


def test_one_address_dropping_its_cookies_reports_a_comment_once(post, known_reader, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    target = XtdComment.objects.get(comment="My first words.")
    for _ in range(3):  # a fresh cookie-less client each time, from one address
        Client(REMOTE_ADDR="203.0.113.5").post(reverse("comments:report", args=[target.pk]))
    target.moderation.refresh_from_db()
    assert (target.moderation.state, target.moderation.report_count) == (State.PUBLISHED, 1)


@pytest.mark.parametrize(
    "path",
    ["reply", "report", "edit", "delete", "moderate", "locate"],
)
def test_a_huge_comment_id_is_a_404_not_a_500(client, path):
    huge = "9" * 30
    url = f"/comments/{'c' if path == 'locate' else 'moderate/on-page' if path == 'moderate' else path}/{huge}/"
    response = client.post(url) if path in ("report", "delete", "moderate") else client.get(url)
    assert response.status_code == 404
