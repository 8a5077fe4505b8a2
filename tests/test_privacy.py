"""Privacy: addresses are kept COMMENTS_IP_RETENTION_DAYS, then erased by the task worker; a
data request exports (JSON) and erases everything stored for one email address, from the
command line or the admin, including data other apps register (comments.privacy)."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from comments import moderation, privacy
from comments.models import Moderation, Report

from .commenting import post_comment
from .factories import PostFactory, StaffFactory, comment

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/moderatedcomment/"


@pytest.fixture
def post():
    return PostFactory(title="Knock on doors")


def aged(post, days, **fields):
    fields.setdefault("ip", "203.0.113.7")
    return comment(post, submitted=timezone.now() - datetime.timedelta(days=days), **fields)


def ip_of(target):
    return XtdComment.norel_objects.get(pk=target.pk).ip_address


# Retention ------------------------------------------------------------------------------------


def test_posting_a_comment_runs_the_retention_task_at_most_once_a_day(
    post, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_IP_RETENTION_DAYS = 90
    old, recent = aged(post, 91), aged(post, 89)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_comment(Client(), post, comment="A new comment.").status_code == 302
    assert ip_of(old) is None  # erased by the task (the immediate backend runs it at once)
    assert ip_of(recent) == "203.0.113.7"
    assert XtdComment.norel_objects.latest("pk").ip_address == "127.0.0.1"  # the new one is kept

    older = aged(post, 200)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(Client(), post, comment="Another one, the same day.")
    assert ip_of(older) == "203.0.113.7"  # not again today
    cache.delete(privacy.RAN_KEY)  # a day later
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(Client(), post, comment="The next day.")
    assert ip_of(older) is None


def test_the_retention_task_schedules_its_next_run_a_day_later_on_the_worker(post, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    old = aged(post, 120)
    assert privacy.erase_old_addresses.call() == [1, 0]
    assert ip_of(old) is None
    backend = privacy.erase_old_addresses.get_backend()
    [scheduled] = backend.results
    assert scheduled.task.name == "erase_old_addresses"
    wait = scheduled.task.run_after - timezone.now()
    assert datetime.timedelta(hours=23) < wait <= datetime.timedelta(days=1)
    privacy.erase_old_addresses.call()  # a second run the same day (after a post) adds no second chain
    assert len(backend.results) == 1


def test_the_retention_period_is_a_setting_and_reports_lose_their_networks(post, settings):
    settings.COMMENTS_IP_RETENTION_DAYS = 10
    old, recent = aged(post, 11), aged(post, 9)
    moderation.report(recent, reporter_key="network-hash", session_key="session-hash")
    Report.objects.update(created_at=timezone.now() - datetime.timedelta(days=11))
    call_command("erase_old_addresses", stdout=(out := __import__("io").StringIO()))
    assert "Erased the addresses of 1 comment(s) and 1 report(s) older than 10 days." in out.getvalue()
    assert ip_of(old) is None and ip_of(recent) == "203.0.113.7"
    [kept] = Report.objects.all()
    assert kept.reporter.startswith("expired:") and kept.session == ""
    assert Moderation.objects.get(comment=recent).report_count == 1  # the report still counts


# A data request by email ----------------------------------------------------------------------


@pytest.fixture
def dana(post):
    """Dana's comments (one following replies, one reported), and someone else's."""
    first = comment(post, text="Dana's first.", name="Dana", email="Dana@Example.com", ip="198.51.100.3")
    XtdComment.norel_objects.filter(pk=first.pk).update(followup=True, user_url="https://dana.example")
    second = comment(post, text="Dana's second.", name="Dana", email="dana@example.com", ip="198.51.100.3")
    moderation.report(second, reporter_key="someone")
    other = comment(post, text="Sam's.", name="Sam", email="sam@example.com", ip="192.0.2.8")
    return first, second, other


@pytest.fixture
def extra_source():
    """Another app's data, registered the way an app does (subscriptions/apps.py)."""
    store = {"dana@example.com": ["weekly digest"]}
    privacy.register(
        "elsewhere",
        export=lambda email: store.get(email.lower(), []),
        erase=lambda email: len(store.pop(email.lower(), [])),
    )
    yield store
    privacy._sources.pop("elsewhere")


def test_export_gives_everything_stored_for_an_email_as_json(dana, extra_source, capsys):
    call_command("privacy_export", "DANA@example.com")
    data = json.loads(capsys.readouterr().out)
    assert data["email"] == "DANA@example.com"
    assert [c["text"] for c in data["comments"]] == ["Dana's first.", "Dana's second."]
    first = data["comments"][0]
    assert (first["ip_address"], first["website"], first["follows_replies"]) == (
        "198.51.100.3",
        "https://dana.example",
        True,
    )
    assert first["post"] == "Knock on doors" and first["state"] == "published"
    assert data["elsewhere"] == ["weekly digest"]
    assert "Sam's." not in json.dumps(data)


def test_erase_anonymises_the_comments_and_erases_every_source(post, dana, extra_source):
    first, second, other = dana
    call_command("privacy_erase", "dana@example.com", "--no-input", stdout=(out := __import__("io").StringIO()))
    assert "comments: 2" in out.getvalue() and "elsewhere: 1" in out.getvalue()
    for target in (first, second):
        row = XtdComment.norel_objects.get(pk=target.pk)
        assert (row.user_name, row.user_email, row.user_url, row.ip_address, row.followup, row.user_id) == (
            "Anonymous",
            "",
            "",
            None,
            False,
            None,
        )
    assert not Report.objects.filter(comment=second).exists()
    assert extra_source == {}
    sam = XtdComment.norel_objects.get(pk=other.pk)
    assert (sam.user_name, sam.ip_address) == ("Sam", "192.0.2.8")
    html = Client().get(post.get_absolute_url()).content.decode()
    assert "Dana's first." in html and "Dana" not in html.replace("Dana's", "")  # the thread reads on
    data = privacy.export("dana@example.com")
    assert data["comments"] == [] and data["elsewhere"] == []


def test_the_commands_refuse_what_is_not_an_email(dana):
    with pytest.raises(CommandError, match="not an email address"):
        call_command("privacy_export", "not an email")
    with pytest.raises(CommandError, match="not an email address"):
        call_command("privacy_erase", "", "--no-input")
    assert XtdComment.norel_objects.filter(user_email__iexact="dana@example.com").count() == 2


def test_the_admin_exports_and_erases_by_the_selected_comments_email(dana, extra_source):
    first, _second, other = dana
    staff = Client()
    staff.force_login(StaffFactory(is_superuser=True))
    picked = {"_selected_action": [first.pk], "index": 0}
    exported = staff.post(QUEUE + "?state=all", {**picked, "action": "export_personal_data"})
    assert exported.status_code == 200 and exported["Content-Type"].startswith("application/json")
    assert 'filename="personal-data-dana@example.com.json"' in exported["Content-Disposition"]
    data = json.loads(exported.content)
    assert [c["text"] for c in data["dana@example.com"]["comments"]] == ["Dana's first.", "Dana's second."]

    asked = staff.post(QUEUE + "?state=all", {**picked, "action": "erase_personal_data"})
    assert asked.status_code == 200 and "dana@example.com" in asked.content.decode()
    assert XtdComment.norel_objects.get(pk=first.pk).user_email  # asking changes nothing
    done = staff.post(QUEUE + "?state=all", {**picked, "action": "erase_personal_data", "confirm": "yes"})
    assert done.status_code == 302
    assert not XtdComment.norel_objects.filter(user_email__iexact="dana@example.com").exists()
    assert XtdComment.norel_objects.get(pk=other.pk).user_email == "sam@example.com"
    assert extra_source == {}


def test_a_writer_without_the_change_permission_cannot_erase(dana):
    from .factories import UserFactory

    reader = Client()
    reader.force_login(UserFactory())
    response = reader.post(QUEUE, {"_selected_action": [dana[0].pk], "action": "erase_personal_data", "confirm": "yes"})
    assert response.status_code in (302, 403)
    assert XtdComment.norel_objects.filter(user_email__iexact="dana@example.com").count() == 2
    assert reverse("admin:comments_moderatedcomment_changelist") == QUEUE
