"""Comment email: the author's notice of each new comment, its signed links, and follow-ups.

Mail is only ever sent from tasks enqueued in transaction.on_commit; the tests run those
callbacks with `django_capture_on_commit_callbacks(execute=True)` (immediate task backend).
"""

import re

import pytest
from django.test import Client
from django_comments_xtd.models import XtdComment

from comments import moderation
from comments.models import Reason, State

from .commenting import post_comment
from .factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/moderatedcomment/"
LINK = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.COMMENTS_RATE_LIMIT = 1000


@pytest.fixture
def author(db):
    return UserFactory(username="author", email="author@example.com", first_name="Dana")


@pytest.fixture
def post(author):
    return PostFactory(title="Personal Connections", author=author)


def latest():
    return XtdComment.norel_objects.select_related("moderation").latest("pk")


def state(comment):
    return XtdComment.norel_objects.select_related("moderation").get(pk=comment.pk).moderation.state


def reader_client():
    """A fresh browser: its own session, so its pending comments don't mix with another reader's."""
    return Client()


def comment_as(client, post, capture, *, name, email, text, **fields):
    """Post through the real view, run the on-commit tasks, return the stored comment."""
    with capture(execute=True):
        response = post_comment(client, post, name=name, email=email, comment=text, **fields)
    assert response.status_code == 302, response.content.decode()[:500]
    comment = latest()
    assert comment.comment == text
    return comment


def link_after(label, body):
    """The URL on the line starting with `label` in a plain-text email."""
    for line in body.splitlines():
        if line.startswith(label):
            return LINK.search(line).group(0)
    raise AssertionError(f"no {label!r} line in:\n{body}")


def path_of(url):
    """The path of an absolute URL (the test client speaks to itself)."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def to(mailoutbox, address):
    return [message for message in mailoutbox if address in message.to]


# The post's author hears of every new comment ---------------------------------------------------


def test_author_is_told_of_a_held_comment_with_the_reason_and_approve_and_spam_links(
    post, mailoutbox, django_capture_on_commit_callbacks
):
    comment = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Jordan Lee",
        email="jordan@example.com",
        text="Meeting people in person worked for me.",
    )
    assert comment.moderation.state == State.HELD

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["author@example.com"]
    assert "awaiting moderation" in mail.subject
    assert "Personal Connections" in mail.subject
    assert "Jordan Lee commented" in mail.body
    assert "held for review (First comment from this email)" in mail.body
    assert "Meeting people in person worked for me." in mail.body
    approve = link_after("Approve:", mail.body)
    spam = link_after("Mark as spam:", mail.body)
    assert approve.startswith("http://testserver/comments/moderate/")
    assert spam.startswith("http://testserver/comments/moderate/")
    assert approve != spam
    assert link_after("Moderation queue:", mail.body) == f"http://testserver{QUEUE}"
    assert f"#c{comment.pk}" in link_after("See it in context:", mail.body)


def test_author_is_told_of_a_held_comment_with_too_many_links(post, mailoutbox, django_capture_on_commit_callbacks):
    comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Linker",
        email="linker@example.com",
        text="See https://a.example https://b.example and https://c.example",
    )
    (mail,) = mailoutbox
    assert "held for review (Too many links)" in mail.body
    assert "Approve:" in mail.body


def test_author_is_told_of_a_published_comment_without_an_approve_link(
    post, staff, client, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    comment = comment_as(
        client,
        post,
        django_capture_on_commit_callbacks,
        name=None,
        email=None,
        text="An editor's note on this post.",
    )
    assert comment.moderation.state == State.PUBLISHED

    (mail,) = mailoutbox
    assert mail.to == ["author@example.com"]
    assert "(published)" in mail.subject
    assert "held for review" not in mail.body
    assert "Approve:" not in mail.body
    assert "/comments/moderate/" in link_after("Mark as spam:", mail.body)


def test_author_is_not_told_of_spam(post, mailoutbox, django_capture_on_commit_callbacks):
    comment = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Spammer",
        email="spam@example.com",
        text="Win big at the casino today",
    )
    assert comment.moderation.state == State.SPAM
    assert mailoutbox == []


def test_author_gets_one_email_per_new_comment(post, mailoutbox, django_capture_on_commit_callbacks):
    for n in range(3):
        comment_as(
            reader_client(),
            post,
            django_capture_on_commit_callbacks,
            name=f"Reader {n}",
            email=f"reader{n}@example.com",
            text=f"Comment number {n}.",
        )
    assert [m.to for m in mailoutbox] == [["author@example.com"]] * 3


def test_no_email_is_sent_inside_the_request(post, mailoutbox, django_capture_on_commit_callbacks):
    """Mail waits for the commit: a plain request (callbacks not run) sends nothing."""
    response = post_comment(reader_client(), post, name="Jordan", email="jordan@example.com")
    assert response.status_code == 302
    assert XtdComment.norel_objects.count() == 1
    assert mailoutbox == []


def test_the_author_email_is_queued_for_after_the_commit(post, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_comment(reader_client(), post, name="Jordan", email="jordan@example.com")
    assert response.status_code == 302
    assert callbacks
    assert mailoutbox == []  # the request is over, nothing sent yet
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [["author@example.com"]]


# The signed links in the author's email -----------------------------------------------------------


@pytest.fixture
def held(post, mailoutbox, django_capture_on_commit_callbacks):
    """A held reader comment and the Approve / Spam links of the author's email about it."""
    comment = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Jordan Lee",
        email="jordan@example.com",
        text="Introducing yourself in person beats applying online.",
    )
    (mail,) = mailoutbox
    mailoutbox.clear()
    return {
        "comment": comment,
        "approve": path_of(link_after("Approve:", mail.body)),
        "spam": path_of(link_after("Mark as spam:", mail.body)),
    }


def confirm(client, path, **extra):
    """Open an email link and press the confirmation page's button (its form posts back to the link)."""
    page = client.get(path)
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    return client.post(path, **extra)


def test_approve_link_shows_a_confirmation_page_and_changes_nothing(held, staff, client):
    client.force_login(staff)
    response = client.get(held["approve"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Approve comment?</h1>" in html
    assert "Introducing yourself in person beats applying online." in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<button type="submit">Approve comment</button>' in html
    assert state(held["comment"]) == State.HELD


def test_a_head_request_on_an_approve_or_spam_link_changes_nothing(held, staff, client):
    client.force_login(staff)
    for link in (held["approve"], held["spam"]):
        assert client.head(link).status_code == 200
    assert state(held["comment"]) == State.HELD


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_on_an_email_link_are_refused(held, staff, client, method):
    client.force_login(staff)
    assert getattr(client, method)(held["approve"]).status_code == 405
    assert state(held["comment"]) == State.HELD


def test_approve_link_publishes_the_comment_for_staff_and_goes_to_the_queue(
    held, staff, client, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, held["approve"])
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    comment = XtdComment.norel_objects.select_related("moderation").get(pk=held["comment"].pk)
    assert comment.moderation.state == State.PUBLISHED
    assert comment.moderation.reason == Reason.MODERATOR
    assert comment.moderation.decided_by == staff
    assert comment.is_public and not comment.is_removed
    page = client.get(response["Location"])
    assert "Comment approved." in page.content.decode()


def test_the_confirmation_form_is_csrf_protected(held, staff):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    assert browser.post(held["approve"]).status_code == 403  # no token: refused
    assert state(held["comment"]) == State.HELD
    page = browser.get(held["approve"]).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(held["approve"], {"csrfmiddlewaretoken": token}).status_code == 302
    assert state(held["comment"]) == State.PUBLISHED


def test_approve_link_used_again_says_the_comment_has_changed(held, staff, client):
    client.force_login(staff)
    confirm(client, held["approve"])
    for response in (client.get(held["approve"]), client.post(held["approve"])):
        html = response.content.decode()
        assert "This comment has changed since the email (now: published)" in html
        assert f'href="{QUEUE}"' in html
        assert "email-action-form" not in html
    assert response.status_code == 409
    assert state(held["comment"]) == State.PUBLISHED


def test_an_old_approve_link_does_not_publish_a_comment_marked_spam_since(held, staff, client):
    client.force_login(staff)
    confirm(client, held["spam"])
    assert state(held["comment"]) == State.SPAM
    page = client.get(held["approve"]).content.decode()
    assert "This comment has changed since the email (now: spam)" in page
    assert client.post(held["approve"]).status_code == 409
    assert state(held["comment"]) == State.SPAM


def test_a_link_from_before_links_carried_the_state_changes_nothing(held, staff, client):
    from django.core import signing

    from comments.notifications import ACTION_SALT

    client.force_login(staff)
    old = signing.dumps({"c": held["comment"].pk, "a": "approve"}, salt=ACTION_SALT, compress=True)
    response = client.post(f"/comments/moderate/{old}/")
    assert response.status_code == 409
    html = response.content.decode()
    assert "does not say what state the comment was in" in html and "now held" in html
    assert f'href="{QUEUE}"' in html
    assert state(held["comment"]) == State.HELD


def test_approve_link_sends_anonymous_visitors_to_the_admin_login_and_changes_nothing(held, client):
    for response in (client.get(held["approve"]), client.post(held["approve"])):
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")
        assert "/comments/moderate/" in response["Location"]
    assert state(held["comment"]) == State.HELD


def test_approve_link_is_forbidden_to_logged_in_non_staff(held, client):
    client.force_login(UserFactory(username="reader"))
    for response in (client.get(held["approve"]), client.post(held["approve"])):
        assert response.status_code == 403
        assert "Only staff can moderate comments." in response.content.decode()
    assert state(held["comment"]) == State.HELD


def test_tampered_link_is_refused_with_a_message(held, staff, client):
    client.force_login(staff)
    path = held["approve"]
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for response in (client.get(path.replace(token, tampered)), client.post(path.replace(token, tampered))):
        assert response.status_code == 400
        assert "This link is invalid or has expired." in response.content.decode()
    assert state(held["comment"]) == State.HELD


def test_a_token_signed_for_something_else_is_refused(held, staff, client):
    from comments.notifications import unsubscribe_url

    client.force_login(staff)
    other = path_of(unsubscribe_url("jordan@example.com", held["comment"].thread_id))
    token = other.rstrip("/").rsplit("/", 1)[1]
    assert client.post(f"/comments/moderate/{token}/").status_code == 400
    assert state(held["comment"]) == State.HELD


def test_spam_link_marks_the_comment_as_spam(held, staff, client):
    client.force_login(staff)
    page = client.get(held["spam"]).content.decode()
    assert '<button type="submit">Mark as spam</button>' in page
    response = client.post(held["spam"])
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    comment = XtdComment.norel_objects.select_related("moderation").get(pk=held["comment"].pk)
    assert comment.moderation.state == State.SPAM
    assert comment.moderation.decided_by == staff
    assert not comment.is_public and comment.is_removed


def test_the_spam_link_of_a_published_comment_acts_while_it_is_published(
    post, staff, client, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    comment = comment_as(client, post, django_capture_on_commit_callbacks, name=None, email=None, text="Editor's note.")
    assert comment.moderation.state == State.PUBLISHED
    (mail,) = mailoutbox
    response = confirm(client, path_of(link_after("Mark as spam:", mail.body)))
    assert response.status_code == 302
    assert state(comment) == State.SPAM


# Follow-ups: readers hear of replies in their own thread --------------------------------------------


@pytest.fixture
def thread(post, staff, mailoutbox, django_capture_on_commit_callbacks):
    """Reader A's approved comment with followup on; the mail so far is cleared."""
    a = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ada",
        email="ada@example.com",
        text="What about people who hate networking events?",
        followup="on",
    )
    assert a.followup
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve([a], by=staff)
    mailoutbox.clear()
    return a


def known_reader(post, staff, capture, *, name, email):
    """A reader with an approved comment on another post, so their next comment is published."""
    elsewhere = PostFactory(title=f"Elsewhere for {name}", author=post.author)
    first = comment_as(reader_client(), elsewhere, capture, name=name, email=email, text=f"Hello from {name}.")
    with capture(execute=True):
        moderation.approve([first], by=staff)


def test_follower_gets_one_email_when_a_known_readers_reply_is_published(
    post, staff, thread, mailoutbox, django_capture_on_commit_callbacks
):
    known_reader(post, staff, django_capture_on_commit_callbacks, name="Ben", email="ben@example.com")
    mailoutbox.clear()

    reply = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="ben@example.com",
        text="Try small coffee chats instead.",
        reply_to=thread,
    )
    assert reply.moderation.state == State.PUBLISHED
    assert reply.parent_id == thread.pk and reply.level == 1

    followups = to(mailoutbox, "ada@example.com")
    assert len(followups) == 1
    mail = followups[0]
    assert "New reply in your discussion" in mail.subject
    assert "Hello Ada," in mail.body
    assert "Ben replied" in mail.body
    assert "Try small coffee chats instead." in mail.body
    assert f"#c{reply.pk}" in link_after("Read and answer:", mail.body)
    assert "/comments/unsubscribe/" in link_after("Stop emails about this discussion:", mail.body)
    assert to(mailoutbox, "ben@example.com") == []


def test_follower_gets_one_email_when_a_held_reply_is_approved_later(
    post, staff, thread, mailoutbox, django_capture_on_commit_callbacks
):
    reply = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="ben@example.com",
        text="Try small coffee chats instead.",
        reply_to=thread,
    )
    assert reply.moderation.state == State.HELD
    assert to(mailoutbox, "ada@example.com") == []  # nothing while the reply is held

    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve([reply], by=staff)
    assert len(to(mailoutbox, "ada@example.com")) == 1

    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve([reply], by=staff)  # already published: no second mail
    assert len(to(mailoutbox, "ada@example.com")) == 1


def test_trusted_reply_notifies_the_follower(
    post, author, thread, client, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(author)
    reply = comment_as(
        client,
        post,
        django_capture_on_commit_callbacks,
        name=None,
        email=None,
        text="Thanks Ada, small groups work well.",
        reply_to=thread,
    )
    assert reply.moderation.state == State.PUBLISHED
    assert len(to(mailoutbox, "ada@example.com")) == 1


def test_a_follower_of_another_thread_on_the_same_post_gets_nothing(
    post, staff, thread, mailoutbox, django_capture_on_commit_callbacks
):
    other = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Cy",
        email="cy@example.com",
        text="A separate question about referrals.",
        followup="on",
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve([other], by=staff)
    mailoutbox.clear()

    reply = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="ben@example.com",
        text="Try small coffee chats instead.",
        reply_to=thread,
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve([reply], by=staff)

    assert len(to(mailoutbox, "ada@example.com")) == 1
    assert to(mailoutbox, "cy@example.com") == []


def test_the_writer_of_a_reply_gets_no_mail_about_it(
    post, staff, thread, mailoutbox, django_capture_on_commit_callbacks
):
    # Ben follows the thread too (his first reply asked for replies) ...
    first = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="ben@example.com",
        text="Try small coffee chats instead.",
        reply_to=thread,
        followup="on",
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve([first], by=staff)
    mailoutbox.clear()

    # ... and writes a second reply in it: Ada hears of it, Ben does not.
    comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="BEN@example.com",
        text="Also: volunteer at events.",
        reply_to=thread,
        followup="on",
    )
    assert len(to(mailoutbox, "ada@example.com")) == 1
    assert [m for m in mailoutbox if "ben@example.com" in [a.lower() for a in m.to]] == []


def test_a_reader_who_did_not_ask_for_replies_gets_none(post, staff, mailoutbox, django_capture_on_commit_callbacks):
    quiet = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Quiet",
        email="quiet@example.com",
        text="No mail for me please.",
    )
    assert not quiet.followup
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve([quiet], by=staff)
    reply = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="ben@example.com",
        text="A reply nobody asked to hear about.",
        reply_to=quiet,
    )
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve([reply], by=staff)
    assert to(mailoutbox, "quiet@example.com") == []


def test_a_follower_with_two_comments_in_the_thread_gets_one_email_per_reply(
    post, staff, thread, mailoutbox, django_capture_on_commit_callbacks
):
    known_reader(post, staff, django_capture_on_commit_callbacks, name="Ben", email="ben@example.com")
    ben = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="ben@example.com",
        text="Try small coffee chats instead.",
        reply_to=thread,
    )
    # Ada is known now (her comment was approved): her reply is published, with followup again.
    comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ada",
        email="ada@example.com",
        text="Good idea, thanks.",
        reply_to=ben,
        followup="on",
    )
    mailoutbox.clear()

    comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="ben@example.com",
        text="Glad it helps.",
        reply_to=thread,
    )
    assert len(to(mailoutbox, "ada@example.com")) == 1


def test_unsubscribe_link_stops_mail_about_that_thread(
    post, staff, thread, client, mailoutbox, django_capture_on_commit_callbacks
):
    known_reader(post, staff, django_capture_on_commit_callbacks, name="Ben", email="ben@example.com")
    comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="ben@example.com",
        text="Try small coffee chats instead.",
        reply_to=thread,
    )
    (mail,) = to(mailoutbox, "ada@example.com")
    unsubscribe = path_of(link_after("Stop emails about this discussion:", mail.body))

    for opened in (client.head(unsubscribe), client.get(unsubscribe)):  # a mail scanner, then Ada
        assert opened.status_code == 200
    assert "Stop emails about this discussion?" in opened.content.decode()
    thread.refresh_from_db()
    assert thread.followup  # opening the link changed nothing
    response = client.post(unsubscribe)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert "ada@example.com" in response.content.decode()
    thread.refresh_from_db()
    assert not thread.followup
    mailoutbox.clear()

    comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="ben@example.com",
        text="One more idea: alumni groups.",
        reply_to=thread,
    )
    assert to(mailoutbox, "ada@example.com") == []


def test_the_unsubscribe_form_is_csrf_protected(post, thread):
    from comments.notifications import unsubscribe_url

    link = path_of(unsubscribe_url("ada@example.com", thread.thread_id))
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(link).status_code == 403
    thread.refresh_from_db()
    assert thread.followup
    page = browser.get(link).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert "You are unsubscribed" in browser.post(link, {"csrfmiddlewaretoken": token}).content.decode()
    thread.refresh_from_db()
    assert not thread.followup


def test_unsubscribing_from_one_thread_keeps_the_others(
    post, staff, thread, client, mailoutbox, django_capture_on_commit_callbacks
):
    other = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ada",
        email="ada@example.com",
        text="And a second question, separately.",
        followup="on",
    )
    assert other.moderation.state == State.PUBLISHED  # Ada is known now
    known_reader(post, staff, django_capture_on_commit_callbacks, name="Ben", email="ben@example.com")
    mailoutbox.clear()
    comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="ben@example.com",
        text="Reply in the first thread.",
        reply_to=thread,
    )
    (mail,) = to(mailoutbox, "ada@example.com")
    client.post(path_of(link_after("Stop emails about this discussion:", mail.body)))
    mailoutbox.clear()

    comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="ben@example.com",
        text="Reply in the second thread.",
        reply_to=other,
    )
    assert len(to(mailoutbox, "ada@example.com")) == 1


def test_tampered_unsubscribe_link_is_refused(post, thread, client):
    for response in (client.get("/comments/unsubscribe/not-a-valid-token/"), client.post("/comments/unsubscribe/x/")):
        assert response.status_code == 400
        assert "This link is invalid." in response.content.decode()
    thread.refresh_from_db()
    assert thread.followup


def test_author_gets_no_email_about_their_own_comment(
    post, author, client, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(author)
    comment = comment_as(
        client,
        post,
        django_capture_on_commit_callbacks,
        name=None,
        email=None,
        text="A note from the author.",
    )
    assert comment.moderation.state == State.PUBLISHED
    assert mailoutbox == []


def test_approving_a_reported_reply_again_does_not_mail_the_followers_twice(
    post, staff, thread, settings, mailoutbox, django_capture_on_commit_callbacks
):
    known_reader(post, staff, django_capture_on_commit_callbacks, name="Ben", email="ben@example.com")
    reply = comment_as(
        reader_client(),
        post,
        django_capture_on_commit_callbacks,
        name="Ben",
        email="ben@example.com",
        text="Try small coffee chats instead.",
        reply_to=thread,
    )
    assert len(to(mailoutbox, "ada@example.com")) == 1

    settings.COMMENTS_REPORT_THRESHOLD = 1
    moderation.report(reply, reporter_key="a-reader")
    assert state(reply) == State.HELD
    with django_capture_on_commit_callbacks(execute=True):
        assert moderation.approve([reply], by=staff) == [reply.pk]
    assert state(reply) == State.PUBLISHED
    assert len(to(mailoutbox, "ada@example.com")) == 1  # the reply was announced already
