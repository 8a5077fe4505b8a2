"""The comment rate limit counts each reader once and holds under load (issue 18, finding 8).

- Counted before a comment is accepted, atomically: simultaneous posts cannot all read
  "under the limit" and then all be stored.
- X-Forwarded-For is believed only from the proxies COMMENTS_TRUSTED_PROXIES names, and
  read from the right: the first hop that is not one of ours is the reader.
- One spelling per address (IPv6 compressed, IPv4-mapped as IPv4); IPv6 counted per /64.
- What is not an address is never stored as one.
"""

import threading

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_comments_xtd.models import XtdComment

from comments import addresses, moderation, rules

from .commenting import form_fields, post_comment
from .factories import PostFactory

SIMULTANEOUS, LIMIT = 20, 5


@pytest.fixture
def post(db):
    return PostFactory(title="Knock on doors")


@pytest.fixture
def known(post, staff):
    assert post_comment(Client(), post, comment="My first words here.").status_code == 302
    moderation.approve(XtdComment.objects.filter(user_email="reader@example.com"), by=staff)
    from django.core.cache import cache

    cache.clear()


def latest():
    return XtdComment.objects.latest("pk")


def _send(post, n, **headers):
    return post_comment(Client(), post, comment=f"Comment number {n}.", **headers)


# Counting before accepting ----------------------------------------------------------------


def test_twenty_simultaneous_reservations_against_a_limit_of_five_grant_five(settings):
    """The cache's add + incr (Redis INCR; the local-memory cache's lock) in 20 threads."""
    settings.COMMENTS_RATE_LIMIT = LIMIT
    barrier = threading.Barrier(SIMULTANEOUS)
    granted = []

    def one():
        barrier.wait(timeout=30)
        granted.append(rules.reserve("203.0.113.9"))

    threads = [threading.Thread(target=one) for _ in range(SIMULTANEOUS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(granted) == SIMULTANEOUS
    assert granted.count(True) == LIMIT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL; .ci/run runs it")
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_comments_against_a_limit_of_five_accept_five(settings):
    settings.COMMENTS_RATE_LIMIT = LIMIT
    settings.COMMENTS_HOLD_FIRST_COMMENT = False
    post = PostFactory()
    clients = [Client() for _ in range(SIMULTANEOUS)]
    fields = form_fields(clients[0], post.get_absolute_url())
    fields.pop("csrfmiddlewaretoken", None)
    connection.close()
    barrier = threading.Barrier(SIMULTANEOUS)
    statuses = [None] * SIMULTANEOUS

    def send(n):
        try:
            data = {**fields, "name": "Reader", "email": f"r{n}@example.com", "comment": f"Simultaneous {n}."}
            barrier.wait(timeout=30)
            statuses[n] = clients[n].post(reverse("comments:post"), data, REMOTE_ADDR="203.0.113.9").status_code
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            statuses[n] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(SIMULTANEOUS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(map(str, statuses)) == sorted(["302"] * LIMIT + ["429"] * (SIMULTANEOUS - LIMIT)), statuses
    assert XtdComment.norel_objects.count() == LIMIT


@pytest.mark.django_db
def test_a_refused_comment_does_not_use_up_the_limit_and_the_limit_holds_after(post, known, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    assert post_comment(Client(), post, comment="", REMOTE_ADDR="203.0.113.9").status_code == 400  # empty
    assert post_comment(Client(), post, comment="x", preview="1", REMOTE_ADDR="203.0.113.9").status_code == 200
    statuses = [_send(post, n, REMOTE_ADDR="203.0.113.9").status_code for n in range(3)]
    assert statuses == [302, 302, 429]


# Trusted proxies ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_forwarded_for_is_ignored_from_a_peer_that_is_not_a_named_proxy(post, known, settings):
    settings.COMMENTS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.COMMENTS_RATE_LIMIT = 1
    assert _send(post, 1, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 302
    assert latest().ip_address == "198.51.100.20"
    # A new made-up address each time changes nothing: the peer is the reader.
    assert _send(post, 2, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429


@pytest.mark.django_db
def test_the_reader_is_the_rightmost_hop_that_is_not_one_of_our_proxies(post, known, settings):
    settings.COMMENTS_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.10"]
    settings.COMMENTS_RATE_LIMIT = 1
    # client wrote "198.51.100.99"; the load balancer (192.0.2.10) saw 203.0.113.5; nginx (10.0.0.2) saw the LB.
    chain = "198.51.100.99, 203.0.113.5, 192.0.2.10"
    assert _send(post, 1, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=chain).status_code == 302
    assert latest().ip_address == "203.0.113.5"
    forged = "203.0.113.77, 203.0.113.5, 192.0.2.10"  # another forged left part: the same reader
    assert _send(post, 2, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forged).status_code == 429
    other = "198.51.100.7, 192.0.2.10"  # another reader through the same proxies
    assert _send(post, 3, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=other).status_code == 302
    assert latest().ip_address == "198.51.100.7"


def test_trusted_proxies_must_be_addresses_not_a_count(settings):
    assert addresses.trusted_networks("127.0.0.1, 10.0.0.0/8,::1")
    for wrong in (1, "2", ["proxy.internal"], ["10.0.0.0/33"]):
        settings.COMMENTS_TRUSTED_PROXIES = wrong
        with pytest.raises(ImproperlyConfigured):
            addresses.trusted_networks(wrong)
        assert [e.id for e in checks.run_checks(tags=[checks.Tags.security]) if e.id == "comments.E001"]


# One spelling, one reader ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("::ffff:203.0.113.5", "203.0.113.5"),
        ("::FFFF:cb00:7105", "203.0.113.5"),
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0::1", "2001:db8::1"),
    ],
)
def test_addresses_are_stored_in_one_spelling(post, known, sent, stored):
    assert _send(post, 1, REMOTE_ADDR=sent).status_code == 302
    assert latest().ip_address == stored


@pytest.mark.django_db
def test_ipv4_mapped_and_plain_spellings_are_one_reader(post, known, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    assert _send(post, 1, REMOTE_ADDR="203.0.113.5").status_code == 302
    assert _send(post, 2, REMOTE_ADDR="::ffff:203.0.113.5").status_code == 429


@pytest.mark.django_db
def test_ipv6_is_limited_per_64(post, known, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    one_prefix = ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2:abcd:1234:5678:9abc"]
    assert [_send(post, n, REMOTE_ADDR=a).status_code for n, a in enumerate(one_prefix)] == [302, 302, 429]
    assert _send(post, 9, REMOTE_ADDR="2001:db8:1:3::1").status_code == 302  # the next /64: someone else


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("remote", "forwarded", "stored"),
    [
        ("not-an-address", "", None),
        ("", "", None),
        ("10.0.0.2", "<script>, 10.0.0.3", "10.0.0.3"),  # garbage left of our proxies: the last proxy
        ("10.0.0.2", "999.1.1.1", "10.0.0.2"),
        ("10.0.0.2", "[2001:db8::7]:443", "2001:db8::7"),
        ("10.0.0.2", "203.0.113.5:51234", "203.0.113.5"),
    ],
)
def test_what_is_not_an_address_is_never_stored_as_one(post, known, settings, remote, forwarded, stored):
    settings.COMMENTS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert _send(post, 1, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).status_code == 302
    assert latest().ip_address == stored
