"""Where mail to subscribers starts: a post saved live or scheduled, a scheduled post's time
noticed by the page cache, a comment published (subscriptions.sending explains the timing).

Each only enqueues, after the transaction commits; the tasks decide and send.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from blog.cache_keys import publication_due
from blog.models import Post
from comments.notifications import comments_published

from . import sending


def post_saved(sender, instance, created, raw=False, **kwargs):
    if raw or instance.status != Post.Status.PUBLISHED or instance.published_at is None:
        return
    post_id, when = instance.pk, instance.published_at
    if when <= timezone.now():
        if when < timezone.now() - sending.announce_window():
            return  # an edit of an old post: announced long ago, or before subscriptions existed
        transaction.on_commit(lambda: sending.announce_post.enqueue(post_id=post_id))
    else:
        transaction.on_commit(lambda: sending.enqueue_at(sending.announce_post, when, post_id=post_id))


def publication_noticed(sender, **kwargs):
    transaction.on_commit(sending.send_due.enqueue)


def comments_were_published(sender, comment_ids, **kwargs):
    ids = list(comment_ids)
    transaction.on_commit(lambda: sending.notify_post_followers.enqueue(comment_ids=ids))


def connect():
    post_save.connect(post_saved, sender=Post, dispatch_uid="subscriptions.post_saved")
    publication_due.connect(publication_noticed, dispatch_uid="subscriptions.publication_noticed")
    comments_published.connect(comments_were_published, dispatch_uid="subscriptions.comments_published")
