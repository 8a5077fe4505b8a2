"""Personal data: what is kept of a commenter, for how long, and a data request by email.

Retention. A commenter's IP address is kept for COMMENTS_IP_RETENTION_DAYS (default 90: long
enough to see a spam wave or a rate-limit abuser, and to answer an abuse complaint), then
erased by `erase_old_addresses`, a django-tasks task: it runs on the task worker (no cron)
after a comment is posted, at most once a day (`schedule_retention`), and from the worker it
schedules its own next run a day later (backends that can defer: django-tasks-db), so a blog
without new comments still forgets on time. The hashed networks of reports are made anonymous
at the same age. User agents are never stored. `manage.py erase_old_addresses` runs it now.

A data request. `export(email)` gathers everything stored for an email address (JSON-ready)
and `erase(email)` erases it, from every registered source. This app registers its comments
(anonymised, not deleted: replies keep their place; follow-up subscriptions and the reports
and moderation notes on them go). Another app adds its own data with

    from comments import privacy
    privacy.register("subscriptions", export=export_for_email, erase=erase_for_email)

`export(email) -> JSON-serialisable data`, `erase(email) -> int` (how many records): both
called with the address as the reader typed it; match it case-insensitively.
`manage.py privacy_export EMAIL` / `privacy_erase EMAIL` and the moderation queue's admin
actions call them.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

DEFAULT_RETENTION_DAYS = 90
RAN_KEY, NEXT_KEY = "comments:retention:ran", "comments:retention:next"
DAY = 86400


@dataclass(frozen=True)
class Source:
    name: str
    export: object
    erase: object


_sources = {}


def register(name, *, export, erase):
    """Add (or replace) a source of personal data for export() and erase()."""
    _sources[name] = Source(name, export, erase)


def sources():
    return list(_sources.values())


def export(email):
    """{"email": …, "exported_at": …, <source name>: its data, …} for one email address."""
    data = {"email": email, "exported_at": timezone.now().isoformat()}
    for source in sources():
        data[source.name] = source.export(email)
    return data


def erase(email):
    """Erase everything stored for `email`, in one transaction: {source name: records erased}."""
    with transaction.atomic():
        return {source.name: source.erase(email) for source in sources()}


# This app's source: comments ----------------------------------------------------------------


def export_comments(email):
    from django_comments_xtd.models import XtdComment

    from blog.models import Post

    comments = list(
        XtdComment.norel_objects.filter(user_email__iexact=email)
        .select_related("moderation")
        .order_by("submit_date", "pk")
        .prefetch_related("moderation_events")
    )
    posts = dict(
        Post.objects.filter(pk__in={int(c.object_pk) for c in comments if c.object_pk.isdecimal()}).values_list(
            "pk", "title"
        )
    )
    rows = []
    for c in comments:
        row = getattr(c, "moderation", None)
        rows.append(
            {
                "id": c.pk,
                "post": posts.get(int(c.object_pk)) if c.object_pk.isdecimal() else None,
                "submitted": c.submit_date.isoformat(),
                "name": c.user_name,
                "email": c.user_email,
                "website": c.user_url,
                "ip_address": c.ip_address,
                "account": c.user_id,
                "text": c.comment,
                "follows_replies": c.followup,
                "state": row.state if row else None,
                "history": [
                    {"state": e.state, "reason": e.reason, "at": e.decided_at.isoformat()}
                    for e in c.moderation_events.all()
                ],
            }
        )
    return rows


def erase_comments(email):
    from . import moderation

    return moderation.anonymise(email)


register("comments", export=export_comments, erase=erase_comments)


# Retention ------------------------------------------------------------------------------------


def retention_days():
    return getattr(settings, "COMMENTS_IP_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def forget_old_addresses(now=None):
    """Erase addresses older than the retention: (comments, reports) changed."""
    from . import moderation

    return moderation.forget_addresses((now or timezone.now()) - timedelta(days=retention_days()))


@task()
def erase_old_addresses():
    """The retention task: erase, then (on a backend that can defer) come back in a day."""
    changed = forget_old_addresses()
    if erase_old_addresses.get_backend().supports_defer and cache.add(NEXT_KEY, 1, timeout=DAY - 3600):
        erase_old_addresses.using(run_after=timezone.now() + timedelta(seconds=DAY)).enqueue()
    return list(changed)


def schedule_retention():
    """After a comment is stored: run the retention task, at most once a day (per shared cache)."""
    if cache.add(RAN_KEY, 1, timeout=DAY):
        transaction.on_commit(erase_old_addresses.enqueue)
