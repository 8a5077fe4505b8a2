"""Mail to subscribers: always from a task (django-tasks), in batches, never twice.

When mail goes out (no cron job; the task worker is the only process needed):
- A post saved as live (published now) enqueues `announce_post` once its transaction commits.
- A post saved as scheduled enqueues `announce_post` to run at its publication time
  (`run_after`; the database backend's worker runs it then). A post moved to another time
  gets a new task; the old one finds the post not live yet and does nothing.
- Backends that cannot defer (the immediate backend of `make run` and the tests) rely on
  the same moment the page cache already notices: blog.cache_keys, on the first page it
  renders after a scheduled post's time, sends `publication_due`, whose
  receiver enqueues `send_due` (subscriptions.receivers). `manage.py send_subscriptions`
  runs the same sweep by hand.
- Weekly digests: the first post to go live in a week (Monday to Sunday, UTC) schedules that
  week's digest (`DigestRun`, one row per week) for the Monday after it, at
  SUBSCRIPTIONS_DIGEST_HOUR UTC, with `run_after`; the sweep also sends digests that are due.
  A week without new posts has no digest.

Never twice: each mail is a `Delivery` row (unique per address and item), claimed before the
mail is handed to the mail server and marked sent after. A run that meets a refusal marks
those rows failed and, on a backend that can defer, enqueues itself again later; failed rows
are claimed again by the next run, sent rows never are. A row left "sending" (the worker died
mid-send) is never sent again: better one missing mail than two.

Cost: per batch of SUBSCRIPTIONS_BATCH_SIZE addresses, five queries (the batch's
subscriptions, claim, reclaim failed, read the claim, mark sent); bodies are rendered once
per item with the per-address links filled in by replacement.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from blog import site
from blog.models import Post

from . import tokens
from .models import Announcement, Delivery, DigestRun, Subscription

logger = logging.getLogger(__name__)

UNSUBSCRIBE, MANAGE = "@@UNSUBSCRIBE_URL@@", "@@MANAGE_URL@@"  # filled in per address
KIND_ORDER = {"blog": 0, "theme": 1, "tag": 2, "post": 3}
MAX_ATTEMPTS = 5


def batch_size():
    return getattr(settings, "SUBSCRIPTIONS_BATCH_SIZE", 500)


def announce_window():
    """A post whose publication is older than this is never announced (an edit of an old
    post, an import, the posts that existed before subscriptions did)."""
    return datetime.timedelta(seconds=getattr(settings, "SUBSCRIPTIONS_ANNOUNCE_WINDOW", 2 * 86400))


def can_defer(a_task):
    return a_task.get_backend().supports_defer


def enqueue_at(a_task, when, **kwargs):
    """Enqueue `a_task` to run at `when` where the backend can wait; otherwise leave it to the sweep."""
    if can_defer(a_task):
        a_task.using(run_after=when).enqueue(**kwargs)
        return True
    if when <= timezone.now():
        a_task.enqueue(**kwargs)
        return True
    return False


# Who gets a mail --------------------------------------------------------------------------


def _batches(subscriptions):
    """Lists of (subscriber id, email, [(subscription id, kind, theme id, tag id), ...]), one
    entry per address, at most batch_size() addresses each, by subscriber id (keyset paging)."""
    size = batch_size()
    last = 0
    columns = ("subscriber_id", "subscriber__email", "pk", "kind", "theme_id", "tag_id")
    while True:
        rows = list(
            subscriptions.filter(subscriber_id__gt=last).order_by("subscriber_id", "pk").values_list(*columns)[:size]
        )
        if not rows:
            return
        complete = len(rows) < size  # the last slice: no next one to ask for
        if not complete and rows[0][0] != rows[-1][0]:
            # The last address may have more rows in the next slice: it starts the next batch.
            cut = rows[-1][0]
            rows = [row for row in rows if row[0] != cut]
        grouped = {}
        for subscriber_id, email, pk, kind, theme_id, tag_id in rows:
            entry = grouped.setdefault(subscriber_id, (subscriber_id, email, []))
            entry[2].append((pk, kind, theme_id, tag_id))
        for entry in grouped.values():
            entry[2].sort(key=lambda row: KIND_ORDER[row[1]])
        yield list(grouped.values())
        if complete:
            return
        last = rows[-1][0]


def _claim(item, attempt, subscriber_ids):
    """The ids among `subscriber_ids` this run may send `item` to: not sent, not being sent."""
    Delivery.objects.bulk_create(
        [Delivery(subscriber_id=pk, item=item, attempt=attempt) for pk in subscriber_ids], ignore_conflicts=True
    )
    Delivery.objects.filter(item=item, subscriber_id__in=subscriber_ids, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.SENDING, attempt=attempt
    )
    return set(
        Delivery.objects.filter(item=item, attempt=attempt, subscriber_id__in=subscriber_ids).values_list(
            "subscriber_id", flat=True
        )
    )


def deliver(subscriptions, item, compose):
    """Send `item` once to each address with a subscription in `subscriptions`.

    `compose(email, rows)` returns an EmailMultiAlternatives (or None: nothing for this
    address); rows are the address's matching subscriptions, most general first.
    Returns (sent, failed).
    """
    attempt = uuid.uuid4().hex
    sent = failed = 0
    connection = get_connection()
    try:
        for batch in _batches(subscriptions):
            claimed = _claim(item, attempt, [entry[0] for entry in batch])
            ok, bad = [], []
            for subscriber_id, email, rows in batch:
                if subscriber_id not in claimed:
                    continue
                message = compose(email, rows)
                if message is None:
                    ok.append(subscriber_id)
                    continue
                message.connection = connection
                try:
                    message.send()
                except Exception as error:  # noqa: BLE001 - one refusal must not stop the batch
                    logger.warning("subscriptions: %s to subscriber %s failed: %s", item, subscriber_id, error)
                    bad.append(subscriber_id)
                else:
                    ok.append(subscriber_id)
            if ok:
                Delivery.objects.filter(item=item, attempt=attempt, subscriber_id__in=ok).update(
                    status=Delivery.Status.SENT, sent_at=timezone.now()
                )
            if bad:
                Delivery.objects.filter(item=item, attempt=attempt, subscriber_id__in=bad).update(
                    status=Delivery.Status.FAILED
                )
            sent += len(ok)
            failed += len(bad)
    finally:
        connection.close()
    return sent, failed


def _retry(a_task, attempt, **kwargs):
    if attempt >= MAX_ATTEMPTS or not can_defer(a_task):
        return
    a_task.using(run_after=timezone.now() + datetime.timedelta(minutes=5 * attempt)).enqueue(
        attempt=attempt + 1, **kwargs
    )


# The mails --------------------------------------------------------------------------------


def message(*, to, subject, template, unsubscribe_ids):
    """One mail from rendered text and HTML: the per-address links filled in, and RFC 8058's
    one-click unsubscribe headers (a POST to the link unsubscribes without a page)."""
    unsubscribe = tokens.unsubscribe_url(unsubscribe_ids)
    manage = tokens.manage_url(to)
    text, html = template
    fill = lambda body: body.replace(UNSUBSCRIBE, unsubscribe).replace(MANAGE, manage)  # noqa: E731
    mail = EmailMultiAlternatives(
        subject=subject,
        body=fill(text),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{settings.BLOG_TITLE} <subscriptions.{site.domain().split(':')[0]}>",
        },
    )
    mail.attach_alternative(fill(html), "text/html")
    return mail


def render_pair(name, context):
    context = {**context, "unsubscribe_url": UNSUBSCRIBE, "manage_url": MANAGE, "blog_title": settings.BLOG_TITLE}
    return (
        render_to_string(f"subscriptions/email/{name}.txt", context),
        render_to_string(f"subscriptions/email/{name}.html", context),
    )


def _post_context(post):
    return {"post": post, "post_url": site.absolute(post.get_absolute_url()), "home_url": site.absolute("/")}


def matching_post(post, tag_ids):
    return Q(kind="blog") | Q(kind="theme", theme_id=post.theme_id) | Q(kind="tag", tag_id__in=tag_ids)


@task()
def announce_post(post_id, attempt=1):
    """Mail a post that went live to its each-post subscribers (the whole blog, its theme, its tags)."""
    post = Post.objects.published().select_related("theme", "author").filter(pk=post_id).first()
    if post is None or post.published_at < timezone.now() - announce_window():
        return 0  # not live (moved later, unpublished) or too old to announce
    announcement, created = Announcement.objects.get_or_create(post=post)
    item = f"post:{post.pk}"
    failed_before = Delivery.objects.filter(item=item, status=Delivery.Status.FAILED)
    if not created and announcement.finished_at and attempt == 1 and not failed_before.exists():
        return 0  # sent already (an edit saved it again): no scan of the subscribers
    schedule_digest(post.published_at)
    tag_ids = list(post.tags.values_list("pk", flat=True))
    subscriptions = Subscription.objects.filter(
        matching_post(post, tag_ids), active=True, frequency=Subscription.Frequency.EACH
    )
    template = render_pair("new_post", _post_context(post))
    subject = post.title

    def compose(email, rows):
        return message(to=email, subject=subject, template=template, unsubscribe_ids=[r[0] for r in rows])

    sent, failed = deliver(subscriptions, item, compose)
    Announcement.objects.filter(pk=announcement.pk).update(finished_at=timezone.now(), sent=announcement.sent + sent)
    if failed:
        _retry(announce_post, attempt, post_id=post_id)
    return sent


def week_of(moment):
    day = moment.astimezone(datetime.UTC).date()
    return day - datetime.timedelta(days=day.weekday())


def digest_due(week):
    hour = getattr(settings, "SUBSCRIPTIONS_DIGEST_HOUR", 8)
    return datetime.datetime.combine(week + datetime.timedelta(days=7), datetime.time(hour), tzinfo=datetime.UTC)


def schedule_digest(published_at):
    """The digest of the week `published_at` falls in: scheduled once (the DigestRun row)."""
    week = week_of(published_at)
    _, created = DigestRun.objects.get_or_create(week=week)
    if created and can_defer(send_digest):
        when = digest_due(week)
        transaction.on_commit(lambda: send_digest.using(run_after=when).enqueue(week=week.isoformat()))


@task()
def send_digest(week, attempt=1):
    """The weekly digest of `week` (a Monday, ISO date) to the digest subscribers: for each
    address, the week's posts of its lists, newest last."""
    week = datetime.date.fromisoformat(week)
    start = datetime.datetime.combine(week, datetime.time(0), tzinfo=datetime.UTC)
    if timezone.now() < digest_due(week):
        return 0  # early (a sweep or a clock): the task scheduled for the due time sends it
    posts = list(
        Post.objects.published()
        .filter(published_at__gte=start, published_at__lt=start + datetime.timedelta(days=7))
        .select_related("theme")
        .prefetch_related("tags")
        .order_by("published_at")
    )
    tags_of = {post.pk: {tag.pk for tag in post.tags.all()} for post in posts}
    subscriptions = Subscription.objects.filter(
        Q(kind="blog")
        | Q(kind="theme", theme_id__in={post.theme_id for post in posts})
        | Q(kind="tag", tag_id__in=set().union(*tags_of.values())),
        active=True,
        frequency=Subscription.Frequency.WEEKLY,
    )
    rendered = {}  # the same set of posts is rendered once

    def compose(email, rows):
        chosen = tuple(
            post.pk
            for post in posts
            if any(
                kind == "blog"
                or (kind == "theme" and theme_id == post.theme_id)
                or (kind == "tag" and tag_id in tags_of[post.pk])
                for _, kind, theme_id, tag_id in rows
            )
        )
        if not chosen:
            return None
        if chosen not in rendered:
            picked = [post for post in posts if post.pk in chosen]
            items = [{"post": post, "url": site.absolute(post.get_absolute_url())} for post in picked]
            rendered[chosen] = render_pair("digest", {"items": items, "week": week, "home_url": site.absolute("/")})
        count = len(chosen)
        subject = f"{settings.BLOG_TITLE}: {count} new post{'s' if count != 1 else ''} this week"
        return message(to=email, subject=subject, template=rendered[chosen], unsubscribe_ids=[r[0] for r in rows])

    sent, failed = (0, 0) if not posts else deliver(subscriptions, f"digest:{week.isoformat()}", compose)
    DigestRun.objects.filter(week=week).update(finished_at=timezone.now())
    if failed:
        _retry(send_digest, attempt, week=week.isoformat())
    return sent


@task()
def notify_post_followers(comment_ids, attempt=1):
    """Each newly published comment, to the readers following its post's discussion (not its writer)."""
    from django_comments_xtd.models import XtdComment

    from comments.models import State

    sent = 0
    comments = XtdComment.norel_objects.filter(
        pk__in=list(comment_ids), moderation__state=State.PUBLISHED, content_type__app_label="blog"
    ).values_list("pk", "object_pk", "user_name", "user_email", "comment")
    retry = []
    for pk, object_pk, name, email, text in comments:
        post = Post.objects.published().filter(pk=int(object_pk)).first() if object_pk.isdecimal() else None
        if post is None:
            continue
        followers = Subscription.objects.filter(kind="post", post=post, active=True).exclude(
            subscriber__email=(email or "").lower()
        )
        context = {
            **_post_context(post),
            "name": name,
            "excerpt": text[:600],
            "comment_url": site.absolute(post.get_absolute_url() + f"#c{pk}"),
        }
        template = render_pair("new_comment", context)
        subject = f"New comment on “{post.title}”"

        def compose(to, rows, template=template, subject=subject):
            return message(to=to, subject=subject, template=template, unsubscribe_ids=[r[0] for r in rows])

        done, failed = deliver(followers, f"comment:{pk}", compose)
        sent += done
        if failed:
            retry.append(pk)
    if retry:
        _retry(notify_post_followers, attempt, comment_ids=retry)
    return sent


@task()
def send_due():
    """The sweep: posts that went live without being announced yet, and digests that are due."""
    now = timezone.now()
    announced = Announcement.objects.values("post_id")
    for post_id in (
        Post.objects.published()
        .filter(published_at__gte=now - announce_window())
        .exclude(pk__in=announced)
        .values_list("pk", flat=True)
    ):
        announce_post.enqueue(post_id=post_id)
    for week in DigestRun.objects.filter(finished_at=None).values_list("week", flat=True):
        if digest_due(week) <= now:
            send_digest.enqueue(week=week.isoformat())
    return 0


@task()
def send_confirmation(email, spec, frequency):
    """The double opt-in mail: a link that confirms (or, for an address already on the list, a
    note saying so, with the link to manage its subscriptions: the form's page said the same
    to both, so nobody learns from it who is subscribed)."""
    from .models import Subscriber

    resolved = tokens.resolve_list(spec)
    if resolved is None:
        return 0
    kind, target = resolved
    label = tokens.list_label(kind, target)
    existing = Subscription.objects.filter(subscriber__email=email, kind=kind, active=True)
    if kind != "blog":
        existing = existing.filter(**{kind: target})
    context = {
        "label": label,
        "already": existing.exists(),
        "confirm_url": tokens.confirm_url(email, spec, frequency),
        "frequency": Subscription.Frequency(frequency).label if kind != "post" else "",
        "manage_url": MANAGE,
        "unsubscribe_url": UNSUBSCRIBE,
        "has_subscriptions": Subscriber.objects.filter(email=email, subscriptions__active=True).exists(),
        "hours": tokens.confirm_max_age() // 3600,
        "blog_title": settings.BLOG_TITLE,
        "home_url": site.absolute("/"),
    }
    subject = (
        f"You are subscribed to {settings.BLOG_TITLE}"
        if context["already"]
        else f"Confirm your subscription to {settings.BLOG_TITLE}"
    )
    template = (
        render_to_string("subscriptions/email/confirm.txt", context),
        render_to_string("subscriptions/email/confirm.html", context),
    )
    unsubscribe_ids = list(existing.values_list("pk", flat=True))  # none yet: the link unsubscribes nothing
    message(to=email, subject=subject, template=template, unsubscribe_ids=unsubscribe_ids).send()
    return 1


@task()
def send_manage_link(email):
    """The link to manage one's subscriptions (only to an address that has some)."""
    from .models import Subscriber

    if not Subscriber.objects.filter(email=email, subscriptions__active=True).exists():
        return 0
    ids = list(Subscription.objects.filter(subscriber__email=email, active=True).values_list("pk", flat=True))
    template = render_pair("manage_link", {})
    message(
        to=email, subject=f"Your subscriptions to {settings.BLOG_TITLE}", template=template, unsubscribe_ids=ids
    ).send()
    return 1
