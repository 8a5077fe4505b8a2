from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from . import cache_keys, site
from .markup import for_feed
from .models import Post, Tag, Theme, author_name

FEED_LENGTH = 20


class LatestPostsFeed(Feed):
    """RSS 2.0 feed of the latest public posts (the Atom twin below subclasses it)."""

    description_template = "blog/feed_item_description.html"

    def title(self, obj=None):
        return settings.BLOG_TITLE

    def description(self, obj=None):
        return settings.BLOG_DESCRIPTION

    def link(self, obj=None):
        return reverse("blog:post_list")

    def feed_url(self, obj=None):
        return reverse("blog:feed")

    def base_items(self):
        return Post.objects.published().select_related("theme", "author__author_profile").prefetch_related("tags")

    def items(self, obj=None):
        cache_keys.add(cache_keys.FEED)
        return self.base_items()[:FEED_LENGTH]

    def get_context_data(self, **kwargs):
        """The item's HTML for readers: absolute URLs on the blog's address, no heading permalinks."""
        context = super().get_context_data(**kwargs)
        item = kwargs["item"]
        context["content"] = for_feed(item.body_html, site.absolute(item.get_absolute_url()))
        return context

    def item_title(self, item):
        return item.title

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        """The post's last change (for imports, the source's own modified date; for the demo, its written date)."""
        return item.updated_at

    def item_author_name(self, item):
        return author_name(item.author)

    def item_categories(self, item):
        return [item.theme.name, *[tag.name for tag in item.tags.all()]]


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description

    def feed_url(self, obj=None):
        return reverse("blog:atom_feed")


class TagFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj=None):
        return f"{settings.BLOG_TITLE}: posts tagged “{obj.name}”"

    def description(self, obj=None):
        return f"The latest posts tagged “{obj.name}”."

    def link(self, obj=None):
        return obj.get_absolute_url()

    def feed_url(self, obj=None):
        return reverse("blog:tag_feed", args=[obj.slug])

    def items(self, obj=None):
        return self.base_items().filter(tags=obj)[:FEED_LENGTH]


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    subtitle = TagFeed.description

    def feed_url(self, obj=None):
        return reverse("blog:tag_atom_feed", args=[obj.slug])


class ThemeFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Theme, slug=slug)

    def title(self, obj=None):
        return f"{settings.BLOG_TITLE}: {obj.name}"

    def description(self, obj=None):
        return obj.description or f"The latest posts on {obj.name}."

    def link(self, obj=None):
        return obj.get_absolute_url()

    def feed_url(self, obj=None):
        return reverse("blog:theme_feed", args=[obj.slug])

    def items(self, obj=None):
        return self.base_items().filter(theme=obj)[:FEED_LENGTH]


class ThemeAtomFeed(ThemeFeed):
    feed_type = Atom1Feed
    subtitle = ThemeFeed.description

    def feed_url(self, obj=None):
        return reverse("blog:theme_atom_feed", args=[obj.slug])
