"""A saved post is (re-)indexed after its transaction commits, by the task worker; a deleted
post gives back its document counts at once (its index rows go with it, by cascade)."""

from django.db import transaction
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from blog.models import Post

from . import index
from .tasks import index_post


@receiver(post_save, sender=Post)
def post_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata
        return
    pk = instance.pk
    transaction.on_commit(lambda: index_post.enqueue(post_id=pk))


@receiver(pre_delete, sender=Post)
def post_deleted(sender, instance, **kwargs):
    index.forget_post(instance.pk)
