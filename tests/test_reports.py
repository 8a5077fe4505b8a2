"""Readers' reports cannot be used to hide comments (issue 18, finding 2), through the real URLs.

A reader is counted once per network and once per session or account; the post author's and
staff comments are never hidden by reports (they are flagged in the queue's "Reported" tab
instead); reporting itself is rate-limited.
"""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from comments.models import Moderation, Report, State

from .factories import PostFactory, StaffFactory, UserFactory, comment

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


@pytest.fixture
def post():
    return PostFactory(title="Knock on doors")


def report(client, target, **headers):
    return client.post(reverse("comments:report", args=[target.pk]), {"why": "abuse"}, **ORIGIN, **headers)


def state_of(target):
    row = Moderation.objects.get(comment=target)
    return row.state, row.report_count


def test_cookie_less_reports_from_one_address_are_one_reader(post, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    target = comment(post, text="A published comment.")
    for _ in range(5):
        assert report(Client(), target, REMOTE_ADDR="198.51.100.4").status_code == 302
    assert state_of(target) == (State.PUBLISHED, 1)
    assert "A published comment." in Client().get(post.get_absolute_url()).content.decode()


def test_one_account_reporting_from_three_networks_is_one_reader(post, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    target = comment(post, text="A published comment.")
    reader = Client()
    reader.force_login(UserFactory())
    for network in ("198.51.100.4", "203.0.113.4", "192.0.2.4"):
        assert report(reader, target, REMOTE_ADDR=network).status_code == 302
    assert state_of(target) == (State.PUBLISHED, 1)


def test_one_browser_session_reporting_from_three_networks_is_one_reader(post, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    target = comment(post, text="A published comment.")
    session = SessionStore()
    session["seen"] = True
    session.save()
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    for network in ("198.51.100.4", "203.0.113.4", "192.0.2.4"):
        report(browser, target, REMOTE_ADDR=network)
    assert state_of(target) == (State.PUBLISHED, 1)
    # A made-up session cookie is no session: it changes nothing either way.
    forged = Client()
    forged.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    report(forged, target, REMOTE_ADDR="198.51.100.4")
    assert state_of(target) == (State.PUBLISHED, 1)


def test_three_readers_send_a_readers_comment_back_to_the_queue(post, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    target = comment(post, text="A published comment.")
    for network in ("198.51.100.4", "203.0.113.4", "192.0.2.4"):
        report(Client(), target, REMOTE_ADDR=network)
    assert state_of(target) == (State.HELD, 3)
    assert "A published comment." not in Client().get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("writer", ["author", "staff"])
def test_the_authors_and_staff_comments_stay_published_and_are_flagged_in_the_queue(post, settings, writer):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    user = post.author if writer == "author" else StaffFactory()
    target = comment(post, text="An answer readers dislike.", user=user)
    for network in ("198.51.100.4", "203.0.113.4", "192.0.2.4", "100.64.0.9"):
        report(Client(), target, REMOTE_ADDR=network)
    assert state_of(target) == (State.PUBLISHED, 4)
    assert "An answer readers dislike." in Client().get(post.get_absolute_url()).content.decode()

    moderator = Client()
    moderator.force_login(StaffFactory(is_superuser=True))
    queue = moderator.get("/admin/comments/moderatedcomment/?state=reported").content.decode()
    assert "An answer readers dislike." in queue
    assert "Readers reported it: abusive or hateful ×4" in queue
    assert 'data-tab="reported" aria-current="page">Reported <span class="queue-count">(1)</span>' in queue
    held = moderator.get("/admin/comments/moderatedcomment/").content.decode()
    assert "An answer readers dislike." not in held  # the Held tab holds only hidden comments

    keep = reverse("admin:comments_moderatedcomment_act", args=[target.pk, "keep"])
    assert moderator.post(keep).status_code == 302
    assert state_of(target) == (State.PUBLISHED, 0)
    assert not Report.objects.filter(comment=target).exists()
    after = moderator.get("/admin/comments/moderatedcomment/?state=reported").content.decode()
    assert "An answer readers dislike." not in after


def test_reporting_is_rate_limited_per_reader(post, settings):
    settings.COMMENTS_REPORT_RATE_LIMIT = 3
    targets = [comment(post, text=f"Comment {n}.") for n in range(5)]
    statuses = [report(Client(), target, REMOTE_ADDR="198.51.100.4").status_code for target in targets]
    assert statuses == [302, 302, 302, 429, 429]
    refused = report(Client(), targets[4], REMOTE_ADDR="198.51.100.4")
    assert "Many reports came from your network" in refused.content.decode()
    assert Report.objects.count() == 3
    assert report(Client(), targets[4], REMOTE_ADDR="203.0.113.4").status_code == 302  # someone else


def test_reporting_is_rate_limited_per_ipv6_64(post, settings):
    settings.COMMENTS_REPORT_RATE_LIMIT = 2
    targets = [comment(post, text=f"Comment {n}.") for n in range(3)]
    addresses = ["2001:db8:5:6::1", "2001:db8:5:6::2", "2001:db8:5:6:aaaa::3"]
    statuses = [report(Client(), t, REMOTE_ADDR=a).status_code for t, a in zip(targets, addresses, strict=True)]
    assert statuses == [302, 302, 429]
