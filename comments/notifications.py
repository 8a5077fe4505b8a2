"""Email about comments, always from a task (django-tasks), never inside a request.

- The post's author hears of every new comment (held or published), with signed Approve and
  Spam links (each opens a confirmation page; see action_url).
- Readers who ticked "Email me replies" hear of each reply published in *their thread*
  (not the whole post), when it is posted or later approved, with an unsubscribe link.
"""

from django.conf import settings
from django.contrib.sites.models import Site
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django_comments_xtd.models import XtdComment
from django_tasks import task

from blog import site

from .models import State

ACTION_SALT = "comments.email-action"
UNSUBSCRIBE_SALT = "comments.unsubscribe"
ACTION_MAX_AGE = 14 * 86400

# Sent once per newly published comment (posted published, or approved for the first time), after
# the commit, with `comment_ids`: others who mail about comments listen (subscriptions.receivers).
comments_published = Signal()


def absolute(path):
    return site.absolute(path)


def action_url(comment_id, action, state):
    """A signed Approve / Spam link for the author's email. It carries the comment's `state` when
    the mail was written: the link acts only while the comment is still in that state, so an
    old Approve cannot publish a comment someone has since marked as spam. Opening it shows a
    confirmation page; only that page's POST acts (comments.views.email_action)."""
    token = signing.dumps({"c": comment_id, "a": action, "s": state}, salt=ACTION_SALT, compress=True)
    return absolute(reverse("comments:email_action", args=[token]))


def unsubscribe_url(email, thread_id):
    token = signing.dumps({"e": email.lower(), "t": thread_id}, salt=UNSUBSCRIBE_SALT, compress=True)
    return absolute(reverse("comments:unsubscribe", args=[token]))


def enqueue_new_comment_notifications(comment_id, decision):
    def enqueue():
        notify_author.enqueue(comment_id=comment_id)
        if decision.outcome == "publish":
            notify_followers.enqueue(comment_ids=[comment_id])
            comments_published.send(sender=None, comment_ids=[comment_id])

    transaction.on_commit(enqueue)


def enqueue_followup_notifications(comment_ids):
    ids = list(comment_ids)

    def enqueue():
        notify_followers.enqueue(comment_ids=ids)
        comments_published.send(sender=None, comment_ids=ids)

    transaction.on_commit(enqueue)


def _load(comment_id):
    """The comment with its moderation row, or None (gone, or never moderated: nothing to tell)."""
    return (
        XtdComment.objects.select_related("moderation", "content_type")
        .filter(pk=comment_id, moderation__isnull=False)
        .first()
    )


@task()
def notify_author(comment_id):
    comment = _load(comment_id)
    if comment is None or comment.moderation.state == State.SPAM:
        return 0
    post = comment.content_object
    if post is None or not post.author.email or comment.user_id == post.author_id:
        return 0  # no post, nowhere to write, or the author's own comment
    held = comment.moderation.state == State.HELD
    context = {
        "comment": comment,
        "post": post,
        "held": held,
        "reason": comment.moderation.get_reason_display(),
        "post_url": absolute(post.get_absolute_url()),
        "comment_url": absolute(post.get_absolute_url() + f"#c{comment.pk}"),
        "approve_url": action_url(comment.pk, "approve", comment.moderation.state) if held else "",
        "spam_url": action_url(comment.pk, "spam", comment.moderation.state),
        "queue_url": absolute(reverse("admin:comments_moderatedcomment_changelist")),
    }
    status = "awaiting moderation" if held else "published"
    send_mail(
        subject=f"New comment ({status}) on “{post.title}”",
        message=render_to_string("comments/email/new_comment.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[post.author.email],
    )
    return 1


@task()
def notify_followers(comment_ids):
    """For each newly published reply, mail the followers of its thread (one mail per address).

    A fixed number of queries however many replies: the replies, their posts and the
    followers of all their threads are each loaded at once.
    """
    replies = {
        comment.pk: comment
        for comment in XtdComment.norel_objects.select_related("moderation", "content_type")
        .filter(pk__in=list(comment_ids), moderation__state=State.PUBLISHED, level__gt=0)
        .prefetch_related("content_object")
    }
    followers_by_thread = {}
    for row in XtdComment.norel_objects.filter(
        thread_id__in={comment.thread_id for comment in replies.values()},
        followup=True,
        is_public=True,
        is_removed=False,
    ).values("pk", "thread_id", "user_email", "user_name"):
        followers_by_thread.setdefault(row["thread_id"], []).append(row)
    sent = 0
    for comment_id in comment_ids:
        comment = replies.get(comment_id)
        if comment is None or comment.content_object is None:
            continue
        post = comment.content_object
        followers = {}
        for row in followers_by_thread.get(comment.thread_id, []):
            email = row["user_email"].lower()
            if row["pk"] != comment.pk and email != comment.user_email.lower():
                followers.setdefault(email, row["user_name"])
        for email, name in followers.items():
            context = {
                "name": name,
                "comment": comment,
                "post": post,
                "comment_url": absolute(post.get_absolute_url() + f"#c{comment.pk}"),
                "unsubscribe_url": unsubscribe_url(email, comment.thread_id),
            }
            send_mail(
                subject=f"New reply in your discussion on “{post.title}”",
                message=render_to_string("comments/email/followup.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[email],
            )
            sent += 1
    return sent


@task()
def send_confirmation_request(key, site_id):
    """xtd's optional email confirmation (COMMENTS_XTD_CONFIRM_EMAIL), sent from a task."""
    from django_comments_xtd import signed
    from django_comments_xtd.conf import settings as xtd_settings
    from django_comments_xtd.views import send_email_confirmation_request

    comment = signed.loads(key, extra_key=xtd_settings.COMMENTS_XTD_SALT)
    send_email_confirmation_request(comment, key.encode(), Site.objects.get(pk=site_id))  # xtd wants bytes
    return 1
