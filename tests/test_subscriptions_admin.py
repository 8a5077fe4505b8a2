"""The author's view of subscribers: counts per list, CSV export; privacy export and erase."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from blog.writers import writers_group
from subscriptions import privacy
from subscriptions.models import Delivery, Subscriber, Subscription

from .factories import ThemeFactory, WriterFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/subscriptions/subscription/"


@pytest.fixture
def lists():
    now = timezone.now()
    theme = ThemeFactory(name="Networking", slug="networking")
    ann, bob, cy = (Subscriber.objects.create(email=f"{n}@example.com") for n in ("ann", "bob", "=cmd"))
    Subscription.objects.create(subscriber=ann, kind="blog", confirmed_at=now)
    Subscription.objects.create(subscriber=bob, kind="blog", frequency="weekly", confirmed_at=now)
    Subscription.objects.create(subscriber=cy, kind="theme", theme=theme, confirmed_at=now)
    Subscription.objects.create(subscriber=bob, kind="theme", theme=theme, confirmed_at=now, active=False)
    return ann, bob, cy


@pytest.fixture
def writer_client(client):
    writer = WriterFactory(username="writer")
    writer.groups.add(writers_group())
    client.force_login(writer)
    return client


def test_a_writer_sees_the_counts_per_list(writer_client, lists, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        page = writer_client.get(LIST_URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "The whole blog</td><td>1</td><td>1</td>" in text
    assert "Theme: Networking</td><td>1</td><td>0</td>" in text  # the unsubscribed one is not counted
    assert "3 addresses in all" in text
    assert writer_client.get("/admin/").content.count(b"/admin/subscriptions/subscription/") >= 1


def test_the_csv_export_lists_active_subscribers_and_defuses_formulas(writer_client, lists):
    response = writer_client.get(LIST_URL + "export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["email", "list", "frequency", "active", "confirmed_at"]
    assert sorted(row[0] for row in rows[1:]) == ["'=cmd@example.com", "ann@example.com", "bob@example.com"]
    theme_only = writer_client.get(LIST_URL + "export.csv?list=theme:networking")
    assert [row[0] for row in csv.reader(io.StringIO(theme_only.content.decode()))][1:] == ["'=cmd@example.com"]


def test_nobody_adds_or_edits_a_subscription_in_the_admin(admin_client, lists):
    assert admin_client.get(LIST_URL + "add/").status_code == 403
    subscription = Subscription.objects.first()
    page = admin_client.post(LIST_URL + f"{subscription.pk}/change/", {"active": ""})
    assert page.status_code in (200, 403)
    assert Subscription.objects.get(pk=subscription.pk).active is True


def test_anonymous_readers_and_non_staff_cannot_export(client, lists):
    response = client.get(LIST_URL + "export.csv")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_privacy_export_and_erase_by_email(lists):
    ann = lists[0]
    Delivery.objects.create(subscriber=ann, item="post:1", attempt="x", status="sent", sent_at=timezone.now())
    data = privacy.export("ANN@example.com")
    assert data["subscriber"]["email"] == "ann@example.com"
    assert [s["list"] for s in data["subscriptions"]] == ["every new post"]
    assert [d["item"] for d in data["deliveries"]] == ["post:1"]
    assert privacy.erase("ann@example.com") == 3  # the address, its subscription, its delivery
    assert not Subscriber.objects.filter(email="ann@example.com").exists()
    assert privacy.export("ann@example.com") == {"subscriptions": [], "deliveries": []}
    assert privacy.erase("nobody@example.com") == 0


def test_a_readers_data_request_covers_their_subscriptions(lists):
    """manage.py privacy_export / privacy_erase (comments.privacy) include the subscriptions."""
    out = io.StringIO()
    call_command("privacy_export", "bob@example.com", stdout=out)
    exported = json.loads(out.getvalue())
    lists_of_bob = [s["list"] for s in exported["subscriptions"]["subscriptions"]]
    assert len(lists_of_bob) == 2 and any("Networking" in name for name in lists_of_bob)
    call_command("privacy_erase", "bob@example.com", "--no-input", stdout=io.StringIO())
    assert not Subscriber.objects.filter(email="bob@example.com").exists()
    assert Subscriber.objects.filter(email="ann@example.com").exists()
