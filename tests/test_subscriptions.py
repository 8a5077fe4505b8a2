"""Email subscriptions: double opt-in, sending when posts go live, digests, unsubscribing.

Mail only ever leaves from tasks enqueued in transaction.on_commit: the tests run those
callbacks with `django_capture_on_commit_callbacks(execute=True)` (immediate task backend),
or not at all to show that a request alone sends nothing.
"""

import datetime
import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, Theme
from subscriptions import sending, tokens
from subscriptions.models import Delivery, DigestRun, Subscriber, Subscription

from .factories import PostFactory, ScheduledFactory, TagFactory, ThemeFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+")
SITE = {"HTTP_ORIGIN": "http://testserver"}


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the tasks, with the immediate backend)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def reader(**extra):
    return Client(enforce_csrf_checks=True, **extra)


def ask(client, email, spec="blog", frequency="each", **extra):
    data = {"email": email, "list": spec, "frequency": frequency, "honeypot": ""}
    return client.post(reverse("subscriptions:subscribe"), data, **{**SITE, **extra})


def link_in(message, part):
    return next(url for url in LINK.findall(message.body) if f"/subscriptions/{part}/" in url)


def subscribe(commit, email, spec="blog", frequency="each"):
    """The whole opt-in as a reader does it: form, mail, link, button."""
    mail.outbox.clear()
    commit(ask, Client(), email, spec, frequency)
    (confirmation,) = mail.outbox
    url = link_in(confirmation, "confirm")
    Client().post(url)
    mail.outbox.clear()
    return confirmation


def publish(commit, **fields):
    return commit(PostFactory, **fields)


@pytest.fixture
def theme():
    return ThemeFactory(name="Networking", slug="networking")


# Opting in -------------------------------------------------------------------------------


def test_subscribe_mails_a_confirmation_link_and_stores_nothing_until_it_is_clicked(commit):
    response = commit(ask, reader(), "Ann@Example.com")
    assert response.status_code == 200
    assert b"Check your inbox" in response.content
    (message,) = mail.outbox
    assert message.to == ["ann@example.com"]
    assert "Confirm" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Subscriber.objects.count() == 0

    url = link_in(message, "confirm")
    asked = Client().get(url)  # a mail scanner opening the link subscribes nobody
    assert asked.status_code == 200 and b"Yes, subscribe" in asked.content
    assert Subscription.objects.count() == 0
    confirmed = Client().post(url)
    assert confirmed.status_code == 200 and b"You are subscribed" in confirmed.content
    (subscription,) = Subscription.objects.all()
    assert (subscription.subscriber.email, subscription.kind, subscription.active) == ("ann@example.com", "blog", True)


def test_a_second_confirmation_click_changes_nothing(commit):
    commit(ask, reader(), "ann@example.com", frequency="weekly")
    url = link_in(mail.outbox[0], "confirm")
    Client().post(url)
    first = Subscription.objects.get()
    again = Client().post(url)
    assert again.status_code == 200 and b"already subscribed" in again.content
    assert list(Subscription.objects.values_list("pk", "confirmed_at", "frequency")) == [
        (first.pk, first.confirmed_at, "weekly")
    ]


def test_a_tampered_or_expired_link_gets_a_clear_page(commit, settings):
    commit(ask, reader(), "ann@example.com")
    url = link_in(mail.outbox[0], "confirm")
    tampered = Client().get(url[:-3] + "xx/")
    assert tampered.status_code == 400 and b"This link is invalid" in tampered.content
    settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE = -1
    expired = Client().post(url)
    assert expired.status_code == 400 and b"This link has expired" in expired.content
    assert Subscription.objects.count() == 0
    for bad in ("unsubscribe", "manage"):
        response = Client().get(reverse(f"subscriptions:{bad}", args=["nonsense"]))
        assert response.status_code == 400 and b"invalid" in response.content


def test_a_request_never_tells_whether_an_address_is_subscribed(commit):
    subscribe(commit, "ann@example.com")
    known = commit(ask, reader(), "ann@example.com")
    unknown = commit(ask, reader(), "bob@example.com")
    scrub = lambda response: response.content.replace(b"ann@", b"X@").replace(b"bob@", b"X@")  # noqa: E731
    assert (known.status_code, scrub(known)) == (unknown.status_code, scrub(unknown))
    # Only the mail differs, and it goes to the address itself.
    assert [(m.to, m.subject.split()[0]) for m in mail.outbox] == [
        (["ann@example.com"], "You"),
        (["bob@example.com"], "Confirm"),
    ]
    assert Subscription.objects.count() == 1


def test_bad_input_gets_a_clear_4xx_and_keeps_what_was_typed(commit):
    response = ask(reader(), "not-an-address")
    assert response.status_code == 400 and b'value="not-an-address"' in response.content
    assert ask(reader(), "ann@example.com", spec="tag:no-such-tag").status_code == 404
    assert ask(reader(), "ann@example.com", spec="post:99999999999999999999").status_code == 404
    robot = reader().post(
        reverse("subscriptions:subscribe"), {"email": "a@example.com", "list": "blog", "honeypot": "x"}, **SITE
    )
    assert robot.status_code == 400
    forged = reader().post(
        reverse("subscriptions:subscribe"),
        {"email": "a@example.com", "list": "blog"},
        HTTP_ORIGIN="https://evil.example",
    )
    assert forged.status_code == 403 and b"this site" in forged.content
    assert reader().get(reverse("subscriptions:subscribe")).status_code == 405
    assert mail.outbox == []


def test_subscription_requests_are_rate_limited_per_address(settings, commit):
    settings.SUBSCRIPTIONS_RATE_LIMIT = 2
    assert [ask(reader(), f"r{n}@example.com").status_code for n in range(3)] == [200, 200, 429]
    assert b"Too many" in ask(reader(), "r9@example.com").content


def test_one_inbox_gets_at_most_a_few_confirmations_a_day(settings, commit):
    settings.SUBSCRIPTIONS_MAILS_PER_ADDRESS = 2
    statuses = [commit(ask, reader(REMOTE_ADDR=f"10.0.0.{n}"), "ann@example.com").status_code for n in range(4)]
    assert statuses == [200] * 4
    assert len(mail.outbox) == 2


def test_no_mail_is_sent_inside_the_request():
    response = ask(reader(), "ann@example.com")  # the on-commit callbacks never run here
    assert response.status_code == 200
    assert mail.outbox == []


def test_the_form_on_a_cached_page_works_for_two_different_readers(commit):
    PostFactory()
    first, second = reader(), reader()
    page = first.get("/")
    assert page["X-Page-Cache"] == "miss"
    again = second.get("/")
    assert again["X-Page-Cache"] == "hit" and again.content == page.content
    assert b'action="/subscriptions/"' in again.content and b"csrfmiddlewaretoken" not in again.content
    commit(ask, first, "ann@example.com", HTTP_REFERER="http://testserver/")
    commit(ask, second, "bob@example.com", HTTP_REFERER="http://testserver/")
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.com", "bob@example.com"]
    for message in list(mail.outbox):
        Client().post(link_in(message, "confirm"))
    assert Subscription.objects.filter(active=True).count() == 2


def test_the_forms_are_on_home_theme_tag_and_post_pages(client, theme):
    tag = TagFactory(name="Interviews", slug="interviews")
    post = PostFactory(theme=theme, tags=[tag])
    assert b'name="list" value="blog"' in client.get("/").content
    assert b'name="list" value="theme:networking"' in client.get(theme.get_absolute_url()).content
    assert b'name="list" value="tag:interviews"' in client.get(tag.get_absolute_url()).content
    page = client.get(post.get_absolute_url()).content
    assert f'name="list" value="post:{post.pk}"'.encode() in page
    assert b"Email me new comments on this post" in page


# Sending -----------------------------------------------------------------------------------


def test_a_newly_published_post_sends_one_mail_per_subscriber(commit, theme):
    tag = TagFactory(name="Interviews", slug="interviews")
    subscribe(commit, "ann@example.com")
    subscribe(commit, "ann@example.com", "theme:networking")  # two lists, one mail
    subscribe(commit, "bob@example.com", "tag:interviews")
    other = ThemeFactory(name="Other", slug="other")
    subscribe(commit, "dee@example.com", f"theme:{other.slug}")
    subscribe(commit, "eve@example.com", frequency="weekly")  # digest only
    post = publish(commit, title="Warm introductions", theme=theme, tags=[tag], summary="How to ask.")
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.com", "bob@example.com"]
    message = mail.outbox[0]
    assert message.subject == "Warm introductions"
    assert "How to ask." in message.body and post.get_absolute_url() in message.body
    html = message.alternatives[0][0]
    assert "How to ask." in html and "Unsubscribe" in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://testserver/subscriptions/unsubscribe/")
    # Saving it again (an edit) sends nothing more.
    mail.outbox.clear()
    commit(post.save)
    assert mail.outbox == []


def test_a_draft_sends_nothing_until_it_is_published(commit):
    subscribe(commit, "ann@example.com")
    post = commit(PostFactory, status=Post.Status.DRAFT, published_at=None)
    assert mail.outbox == []
    post.status = Post.Status.PUBLISHED
    commit(post.save)
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]


def test_an_old_post_saved_again_is_never_announced(commit):
    subscribe(commit, "ann@example.com")
    commit(PostFactory, published_at=timezone.now() - datetime.timedelta(days=30))
    assert mail.outbox == []


def test_a_scheduled_post_is_sent_when_it_goes_live_with_no_job_but_the_page_cache(commit, client):
    """Immediate backend (no run_after): the first request after its time starts the mail."""
    subscribe(commit, "ann@example.com")
    post = commit(ScheduledFactory, title="Later")
    client.get("/")  # the page cache learns when the next publication is
    assert mail.outbox == []
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    from blog import cache_keys

    assert cache_keys.cache.get(cache_keys.UPCOMING_KEY) > timezone.now().timestamp()  # as it was learnt
    cache_keys.cache.set(cache_keys.UPCOMING_KEY, timezone.now().timestamp() - 1)  # its time has come
    commit(cache_keys.purge, cache_keys.HOME)  # and with it the stored home page's lifetime ended
    commit(client.get, "/")
    assert [(m.to, m.subject) for m in mail.outbox] == [(["ann@example.com"], "Later")]
    commit(client.get, "/")
    assert len(mail.outbox) == 1


def test_a_scheduled_post_is_sent_by_the_database_worker_at_its_time(commit, settings):
    """The production backend: saving the post enqueues the mail to run at its publication time.

    What `db_worker` takes is DBTaskResult.objects.ready() (it closes the database connection
    between tasks, which a test's transaction cannot survive on PostgreSQL), so the test takes
    from the same queryset and runs the task as the worker does.
    """
    from django_tasks_db.models import DBTaskResult

    def work():
        for queued in DBTaskResult.objects.ready():
            args = queued.args_kwargs
            queued.task.call(*args["args"], **args["kwargs"])
            queued.delete()

    subscribe(commit, "ann@example.com")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    post = commit(ScheduledFactory, title="Later")
    (queued,) = DBTaskResult.objects.filter(task_path="subscriptions.sending.announce_post")
    assert queued.run_after == post.published_at
    work()
    assert mail.outbox == []  # not yet due: the worker leaves it queued
    assert DBTaskResult.objects.filter(pk=queued.pk).exists()
    past = timezone.now() - datetime.timedelta(seconds=1)
    Post.objects.filter(pk=post.pk).update(published_at=past)
    DBTaskResult.objects.filter(pk=queued.pk).update(run_after=past)
    work()
    assert [(m.to, m.subject) for m in mail.outbox] == [(["ann@example.com"], "Later")]


def test_weekly_digests_group_the_weeks_posts(commit, theme):
    subscribe(commit, "ann@example.com", frequency="weekly")
    subscribe(commit, "bob@example.com", "theme:networking", frequency="weekly")
    subscribe(commit, "cy@example.com")  # each post: in no digest
    week = sending.week_of(timezone.now())
    monday = datetime.datetime.combine(week, datetime.time(9), tzinfo=datetime.UTC)
    first = publish(commit, title="First", theme=theme, published_at=min(monday, timezone.now()))
    second = publish(commit, title="Second", published_at=timezone.now())
    assert sorted(m.to[0] for m in mail.outbox) == ["cy@example.com", "cy@example.com"]
    assert list(DigestRun.objects.values_list("week", flat=True)) == [week]
    mail.outbox.clear()
    assert sending.send_digest.call(week=week.isoformat()) == 0  # not due yet: the week is not over
    assert mail.outbox == []
    later = sending.digest_due(week) + datetime.timedelta(minutes=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        assert sending.send_digest.call(week=week.isoformat()) == 2
        assert sending.send_digest.call(week=week.isoformat()) == 0  # once
    mails = {m.to[0]: m for m in mail.outbox}
    assert sorted(mails) == ["ann@example.com", "bob@example.com"]
    assert "First" in mails["ann@example.com"].body and "Second" in mails["ann@example.com"].body
    assert "First" in mails["bob@example.com"].body and "Second" not in mails["bob@example.com"].body
    assert mails["bob@example.com"].subject.endswith("1 new post this week")
    assert mails["ann@example.com"].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert first.pk and second.pk


class FlakyBackend:
    """A mail server that refuses one address once."""

    refused = set()
    outbox = []

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in FlakyBackend.refused:
                FlakyBackend.refused.discard(message.to[0])
                raise ConnectionError("421 try again later")
            FlakyBackend.outbox.append(message)
        return len(messages)


def test_a_retry_sends_only_what_failed_never_twice(commit, settings):
    for n in range(5):
        subscribe(commit, f"r{n}@example.com")
    settings.EMAIL_BACKEND = "tests.test_subscriptions.FlakyBackend"
    FlakyBackend.refused, FlakyBackend.outbox = {"r2@example.com"}, []
    post = commit(PostFactory, title="News")
    assert sorted(m.to[0] for m in FlakyBackend.outbox) == [
        "r0@example.com",
        "r1@example.com",
        "r3@example.com",
        "r4@example.com",
    ]
    assert Delivery.objects.get(subscriber__email="r2@example.com").status == Delivery.Status.FAILED
    sending.announce_post.call(post_id=post.pk, attempt=2)  # the retry (the DB backend enqueues it)
    sending.announce_post.call(post_id=post.pk, attempt=3)  # and a doubled one
    assert sorted(m.to[0] for m in FlakyBackend.outbox) == [f"r{n}@example.com" for n in range(5)]
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_a_mail_claimed_by_a_run_that_died_is_not_sent_again(commit):
    subscribe(commit, "ann@example.com")
    post = PostFactory()  # saved without running the commit callbacks: nothing sent
    Delivery.objects.create(subscriber=Subscriber.objects.get(), item=f"post:{post.pk}", attempt="dead-run")
    assert sending.announce_post.call(post_id=post.pk) == 0
    assert mail.outbox == []


def test_sending_costs_a_fixed_number_of_queries_per_batch(commit, settings, django_assert_max_num_queries):
    settings.SUBSCRIPTIONS_BATCH_SIZE = 50
    now = timezone.now()
    subscribers = Subscriber.objects.bulk_create(Subscriber(email=f"r{n}@example.com") for n in range(200))
    Subscription.objects.bulk_create(Subscription(subscriber=s, kind="blog", confirmed_at=now) for s in subscribers)
    post = PostFactory()
    # The post, its tags, the site, the announcement and the week's digest (created once), then
    # five per batch of at most 50 addresses (a batch ends before an address cut in two): 5 here.
    with django_assert_max_num_queries(12 + 5 * 5):
        assert sending.announce_post.call(post_id=post.pk) == 200
    assert len(mail.outbox) == 200
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 200


# Leaving -----------------------------------------------------------------------------------


def test_one_click_unsubscribe_by_the_header_post(commit):
    subscribe(commit, "ann@example.com")
    commit(PostFactory)
    header = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    # What a mail provider sends (RFC 8058): a POST with no cookie, no token, no Origin.
    response = Client(enforce_csrf_checks=True).post(header, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscription.objects.get().active is False
    mail.outbox.clear()
    commit(PostFactory)
    assert mail.outbox == []


def test_unsubscribe_by_the_link_asks_first(commit):
    subscribe(commit, "ann@example.com", frequency="weekly")
    subscribe(commit, "ann@example.com", "theme:" + ThemeFactory(slug="jobs").slug)
    commit(PostFactory, theme=Theme.objects.get(slug="jobs"))
    url = link_in(mail.outbox[0], "unsubscribe")
    page = Client().get(url)
    assert page.status_code == 200 and b"Unsubscribe?" in page.content
    assert Subscription.objects.filter(active=True).count() == 2
    Client().post(url)
    assert list(Subscription.objects.filter(active=True).values_list("kind", flat=True)) == ["blog"]


def test_the_manage_page_lists_and_changes_every_subscription(commit, theme):
    subscribe(commit, "ann@example.com")
    subscribe(commit, "ann@example.com", "theme:networking")
    subscribe(commit, "bob@example.com")
    url = tokens.manage_url("ann@example.com")
    client = Client()
    page = client.get(url)
    assert page.status_code == 200
    assert b"Every new post" in page.content and b"New posts on Networking" in page.content
    assert b"bob@" not in page.content
    blog = Subscription.objects.get(subscriber__email="ann@example.com", kind="blog")
    client.post(url, {"action": "weekly", "subscription": blog.pk})
    assert Subscription.objects.get(pk=blog.pk).frequency == "weekly"
    bobs = Subscription.objects.get(subscriber__email="bob@example.com")
    refused = client.post(url, {"action": "stop", "subscription": bobs.pk})
    assert refused.status_code == 400 and Subscription.objects.get(pk=bobs.pk).active
    client.post(url, {"action": "stop-all"})
    assert list(Subscription.objects.filter(active=True)) == [bobs]


def test_asking_for_the_manage_link_tells_nothing_and_mails_only_subscribers(commit):
    subscribe(commit, "ann@example.com")
    url = reverse("subscriptions:manage_request")
    known = commit(Client().post, url, {"email": "ann@example.com"})
    unknown = commit(Client().post, url, {"email": "bob@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    assert Client().get(link_in(mail.outbox[0], "manage")).status_code == 200


# Following a discussion without commenting --------------------------------------------------


def test_following_a_post_mails_each_new_published_comment_but_not_held_ones(commit):
    from comments.models import State

    from .commenting import post_comment

    post = PostFactory(title="Cover letters")
    subscribe(commit, "ann@example.com", f"post:{post.pk}")
    assert Subscription.objects.get().kind == "post"
    from comments import moderation

    held = commit(post_comment, Client(), post, name="Bo", email="bo@example.com", comment="First time here.")
    assert held.status_code in (302, 200)
    assert not [m for m in mail.outbox if m.to == ["ann@example.com"]]
    comment = __import__("django_comments_xtd.models", fromlist=["XtdComment"]).XtdComment.norel_objects.get()
    assert comment.moderation.state == State.HELD
    commit(moderation.approve, [comment])
    (message,) = [m for m in mail.outbox if m.to == ["ann@example.com"]]
    assert "Cover letters" in message.subject and "First time here." in message.body
    assert f"#c{comment.pk}" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_follow_of_a_draft_or_unknown_post_is_refused(commit):
    from .factories import DraftFactory

    draft = DraftFactory()
    assert ask(reader(), "ann@example.com", spec=f"post:{draft.pk}").status_code == 404


def test_signed_links_cannot_be_forged_across_purposes():
    manage = signing.dumps({"e": "ann@example.com"}, salt=tokens.MANAGE_SALT, compress=True)
    assert Client().get(reverse("subscriptions:confirm", args=[manage])).status_code == 400
