"""Cache keys (blog.cache_keys): instances read while a page renders register their keys, and a
change to what public pages show purges exactly the keys of what changed.

- Reading a Post, Tag, Theme or Page (post_init) adds `post-N`, `tag-N`, `theme-N`, `page-N` to
  the page being rendered: list items, Relevant Discussions, previous/next links, bylines' tags.
- A public post edited: `post-N` (its page and every page showing it). Published, unpublished,
  deleted, or moved (theme, tags, date, author): also every list it was or is on, and the pages
  of its neighbours (their previous/next links). A draft's edits purge nothing.
- A tag, theme or standalone page: its key and the lists of them (counts, menu, sitemap).
"""

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete, pre_save
from django.dispatch import receiver

from images.models import Image

from . import cache_keys
from .models import AuthorProfile, Page, PinnedPost, Post, Tag, Theme

_KEY_OF = {Post: cache_keys.post, Tag: cache_keys.tag, Theme: cache_keys.theme, Page: cache_keys.page}


def _registered(sender, instance, **kwargs):
    if instance.pk is not None:
        cache_keys.add(_KEY_OF[sender](instance.pk))


for _model in _KEY_OF:
    post_init.connect(_registered, sender=_model, dispatch_uid=f"cache-keys-{_model.__name__}")


def _public_state(post):
    """What decides the lists a post is on, or None when no public page shows it."""
    if not post.is_public:
        return None
    return (post.theme_id, post.author_id, post.published_at)


@receiver(pre_save, sender=Post)
def _post_before(sender, instance, raw=False, **kwargs):
    old = None
    if instance.pk is not None and not raw:
        old = Post.objects.filter(pk=instance.pk).only("status", "published_at", "theme", "author").first()
    instance._cache_keys_old = old


@receiver(post_save, sender=Post)
def post_saved(sender, instance, raw=False, **kwargs):
    cache_keys.refresh_schedule()  # a post scheduled, rescheduled or published: pages' lifetime
    old = getattr(instance, "_cache_keys_old", None)
    before = _public_state(old) if old is not None else None
    after = _public_state(instance)
    if before is None and after is None:
        return  # a draft or a scheduled post: no public page shows it (yet)
    keys = {cache_keys.post(instance.pk)}
    if before != after:
        if old is not None and before is not None:
            keys |= cache_keys.lists_of(old, tag_ids=_tag_ids(instance))
        if after is not None:
            keys |= cache_keys.lists_of(instance, tag_ids=_tag_ids(instance))
            keys |= _neighbours(instance)
    cache_keys.purge(*keys)


def _tag_ids(post):
    return list(Post.tags.through.objects.filter(post_id=post.pk).values_list("tag_id", flat=True))


def _neighbours(post):
    from .selectors import adjacent_posts

    return {cache_keys.post(p.pk) for p in adjacent_posts(post) if p is not None}


@receiver(pre_delete, sender=Post)
def _post_deleting(sender, instance, **kwargs):
    instance._cache_keys_tags = _tag_ids(instance)


@receiver(post_delete, sender=Post)
def post_deleted(sender, instance, **kwargs):
    cache_keys.refresh_schedule()
    if instance.is_public:
        tags = getattr(instance, "_cache_keys_tags", None)
        cache_keys.purge(cache_keys.post(instance.pk), *cache_keys.lists_of(instance, tag_ids=tags or []))


@receiver(m2m_changed, sender=Post.tags.through)
def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear":
        ids = instance.tags.values_list("pk", flat=True) if not reverse else instance.posts.values_list("pk", flat=True)
        instance._cache_keys_cleared = set(ids)
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    changed = set(pk_set or ()) or getattr(instance, "_cache_keys_cleared", set())
    if reverse:  # tag.posts.add(...): the tag's lists, and the public posts given
        posts = Post.objects.published().filter(pk__in=changed).values_list("pk", flat=True)
        keys = {cache_keys.tag(instance.pk), cache_keys.TAGS, cache_keys.SITEMAP}
        keys.update(cache_keys.post(pk) for pk in posts)
    elif instance.is_public:  # its page, the tags' pages, and the related tags on its other tags' pages
        keys = {cache_keys.post(instance.pk), cache_keys.TAGS, cache_keys.SITEMAP}
        keys.update(cache_keys.tag(pk) for pk in changed | set(_tag_ids(instance)))
    else:
        return
    cache_keys.purge(*keys)


@receiver([post_save, post_delete], sender=Tag)
def tag_changed(sender, instance, **kwargs):
    cache_keys.purge(cache_keys.tag(instance.pk), cache_keys.TAGS, cache_keys.SITEMAP)


@receiver([post_save, post_delete], sender=Theme)
def theme_changed(sender, instance, **kwargs):
    cache_keys.purge(cache_keys.theme(instance.pk), cache_keys.THEMES, cache_keys.SITEMAP)


@receiver([post_save, post_delete], sender=Page)
def page_changed(sender, instance, **kwargs):
    cache_keys.purge(cache_keys.page(instance.pk), cache_keys.MENU, cache_keys.SITEMAP)


@receiver([post_save, post_delete], sender=PinnedPost)
def pin_changed(sender, instance, **kwargs):
    """Pins show under the pinning post's Relevant Discussions."""
    cache_keys.purge(cache_keys.post(instance.post_id))


@receiver([post_save, post_delete], sender=AuthorProfile)
def profile_changed(sender, instance, **kwargs):
    """Bylines are on every list and post of the author (and the name on their page): every page."""
    cache_keys.purge_all("author profile")


@receiver(post_save, sender=Image)
def image_changed(sender, instance, created, **kwargs):
    """A cover's alt text is on pages (the figure, og:image:alt); a new upload is on none yet."""
    if not created:
        covers = Post.objects.filter(cover=instance).values_list("pk", flat=True)
        cache_keys.purge(*(cache_keys.post(pk) for pk in covers))


@receiver(pre_delete, sender=Image)
def _image_deleting(sender, instance, **kwargs):
    instance._cache_keys_covers = list(Post.objects.filter(cover=instance).values_list("pk", flat=True))


@receiver(post_delete, sender=Image)
def image_deleted(sender, instance, **kwargs):
    """Posts showing it lose it: covers are unset (SET_NULL, without Post signals) and bodies
    are rendered again without the deleted renditions' srcset."""
    for post in Post.objects.filter(body__contains=instance.file.name):
        post.save(update_fields=["body"])
    cache_keys.purge(*(cache_keys.post(pk) for pk in getattr(instance, "_cache_keys_covers", [])))
