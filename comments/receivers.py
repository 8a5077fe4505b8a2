"""Replaces django-comments-xtd's `comment_was_posted` receiver.

xtd's receiver creates the comment, then renders and sends one email per follower of the
whole post inside the request. This one creates the comment the same way (xtd's
TmpXtdComment -> XtdComment), records the moderator's decision beside it, and leaves all
mail to tasks enqueued after the transaction commits.
"""

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django_comments.signals import comment_was_posted
from django_comments_xtd import signed
from django_comments_xtd import views as xtd_views
from django_comments_xtd.conf import settings as xtd_settings
from django_comments_xtd.models import TmpXtdComment, XtdComment

from blog.cache import invalidate_pages

from .moderation import Decision, Outcome, count_for_rate_limit, record


def on_comment_was_posted(sender, comment, request, **kwargs):
    user = comment.get("user")
    if settings.COMMENTS_XTD_CONFIRM_EMAIL and not (user and user.is_authenticated):
        from .notifications import send_confirmation_request

        key = signed.dumps(comment, compress=True, extra_key=xtd_settings.COMMENTS_XTD_SALT)
        key = key.decode() if isinstance(key, bytes) else key
        site_id = get_current_site(request).pk
        transaction.on_commit(lambda: send_confirmation_request.enqueue(key=key, site_id=site_id))
        request.confirmation_sent = True
        return
    decision = getattr(request, "comment_decision", None) or Decision(Outcome.PUBLISH, "clean")
    created = create_comment(comment, decision)
    comment.xtd_comment = created
    request.posted_comment = created
    count_for_rate_limit(request.META.get("REMOTE_ADDR"))


def create_comment(tmp_comment, decision):
    """xtd's TmpXtdComment -> XtdComment (as xtd does), plus its moderation row and mail tasks."""
    from .notifications import enqueue_new_comment_notifications

    with transaction.atomic():
        created = XtdComment(**tmp_comment)
        if created.parent_id:
            # A reply: xtd's _calculate_thread_data reads Max/Min("order") of the thread and
            # shifts the orders after it, unlocked; concurrent replies got duplicate positions
            # (and deadlocks). Lock the thread's root row (xtd's table only) until commit, so
            # replies within one thread are placed one at a time (PostgreSQL; SQLite
            # serializes writes anyway). Other threads are not held up.
            root = XtdComment.norel_objects.filter(pk=created.parent_id).values_list("thread_id", flat=True)
            XtdComment.norel_objects.select_for_update().filter(pk__in=root).values_list("pk").first()
        created.save()
        record(created, decision)
    enqueue_new_comment_notifications(created.pk, decision)
    if decision.outcome == Outcome.PUBLISH:
        invalidate_pages("comment published")
    return created


def connect():
    comment_was_posted.disconnect(xtd_views.on_comment_was_posted, sender=TmpXtdComment)
    comment_was_posted.connect(on_comment_was_posted, sender=TmpXtdComment, dispatch_uid="comments.posted")
