"""Changes to what public pages show start a new page-cache generation (blog.cache)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from images.models import Image

from .cache import invalidate_pages
from .models import AuthorProfile, Page, PinnedPost, Post, Tag, Theme


@receiver([post_save, post_delete], sender=Post)
@receiver([post_save, post_delete], sender=Tag)
@receiver([post_save, post_delete], sender=Theme)
@receiver([post_save, post_delete], sender=PinnedPost)
@receiver([post_save, post_delete], sender=Page)  # its page, and the menu on every page
@receiver([post_save, post_delete], sender=AuthorProfile)  # bylines and the author page
def content_changed(sender, **kwargs):
    invalidate_pages(sender.__name__.lower())


@receiver(m2m_changed, sender=Post.tags.through)
def tags_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        invalidate_pages("post tags")


@receiver(post_save, sender=Image)
def image_changed(sender, instance, created, **kwargs):
    """A cover's alt text is on pages (the figure, og:image:alt); a new upload is on none yet."""
    if not created and Post.objects.filter(cover=instance).exists():
        invalidate_pages("cover image")


@receiver(post_delete, sender=Image)
def image_deleted(sender, instance, **kwargs):
    """Posts showing it lose it: covers are unset (SET_NULL, without Post signals) and bodies
    are rendered again without the deleted renditions' srcset."""
    for post in Post.objects.filter(body__contains=instance.file.name):
        post.save(update_fields=["body"])
    invalidate_pages("image deleted")
