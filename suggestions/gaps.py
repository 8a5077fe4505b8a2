"""Where the blog's cross-references are thin: the reads behind the gaps page (suggestions.admin).

- Posts with no Relevant Discussions: no public pinned post, and no tag that another public
  post carries (drafts and scheduled posts are listed too: they will have none when published).
- Tags on one post only: a tag links nothing to anything until a second post carries it.
"""

from django.db.models import Count, Exists, OuterRef

from blog.models import PinnedPost, Post, Tag, public_posts

from .models import Posting
from .text import name_terms


def lonely_posts():
    through = Post.tags.through.objects
    shared = through.filter(public_posts("post__"), tag_id=OuterRef("tag_id")).exclude(post_id=OuterRef("post_id"))
    linked = through.filter(Exists(shared)).values("post_id")
    pinned = PinnedPost.objects.filter(public_posts("target__")).values("post_id")
    return (
        Post.objects.exclude(pk__in=linked)
        .exclude(pk__in=pinned)
        .select_related("theme")
        .prefetch_related("tags")
        .defer("body_html")
        .order_by("-updated_at", "-pk")
    )


def single_use_tags():
    return Tag.objects.annotate(uses=Count("posts")).filter(uses=1).order_by("name")


def posts_that_say(tag, *, exclude=(), limit=3):
    """Public posts where the tag's name is a key term: the ones that could carry it too."""
    term = name_terms(tag.name)
    if not term:
        return []
    return [
        posting.post
        for posting in Posting.objects.filter(public_posts("post__"), term=term)
        .exclude(post_id__in=exclude)
        .select_related("post")
        .only("post__title", "post__slug", "post__published_at", "post__created_at")
        .order_by("-weight")[:limit]
    ]
