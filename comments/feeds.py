"""Comment feeds (RSS 2.0 and Atom): the latest published comments, site-wide and per post.

Only published comments of public posts (never held, spam or removed ones, never a draft's or
a scheduled post's); each item links to the comment's permalink (comments:locate, which finds
its page of the thread) and names its writer by name only: no email, no website. A fixed
number of queries whatever the number of comments. Cached like every public page
(config.page_cache), and purged by key (blog.cache_keys) when a comment is published or changes.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.db.models import CharField
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django_comments_xtd.models import XtdComment

from blog import cache_keys
from blog.models import Post

from .models import State

FEED_LENGTH = 30


def published_comments(posts):
    """Published comments on `posts` (a queryset of public posts), newest first, with their rendered body."""
    return (
        XtdComment.norel_objects.filter(
            content_type=ContentType.objects.get_for_model(Post),
            site_id=settings.SITE_ID,
            moderation__state=State.PUBLISHED,
            object_pk__in=posts.annotate(pk_text=Cast("pk", CharField())).values("pk_text"),
        )
        .order_by("-submit_date", "-pk")
        .values("pk", "object_pk", "user_name", "submit_date", "moderation__body_html")
    )


class LatestCommentsFeed(Feed):
    description_template = "comments/feed_item_description.html"

    def title(self, obj=None):
        return f"{settings.BLOG_TITLE}: latest comments"

    def description(self, obj=None):
        return f"The latest comments on {settings.BLOG_TITLE}."

    def link(self, obj=None):
        return reverse("blog:post_list")

    def feed_url(self, obj=None):
        return reverse("comments:feed")

    def posts(self, obj=None):
        return Post.objects.published()

    def items(self, obj=None):
        rows = list(published_comments(self.posts(obj))[:FEED_LENGTH])
        titles = (
            dict(Post.objects.filter(pk__in={int(row["object_pk"]) for row in rows}).values_list("pk", "title"))
            if obj is None
            else {obj.pk: obj.title}
        )
        for row in rows:
            row["post_title"] = titles.get(int(row["object_pk"]), "")
        # What this feed shows (blog.cache_keys): the comments (site-wide: every post's), and the
        # titles of the posts they are on.
        if obj is None:
            cache_keys.add(cache_keys.COMMENTS_FEED, *(cache_keys.post(pk) for pk in titles))
        else:
            cache_keys.add(cache_keys.comments(obj.pk), cache_keys.post(obj.pk))
        return rows

    def item_title(self, item):
        return f"{item['user_name']} on “{item['post_title']}”"

    def item_link(self, item):
        return reverse("comments:locate", args=[item["pk"]])

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return item["submit_date"]

    def item_author_name(self, item):
        return item["user_name"]


class LatestCommentsAtomFeed(LatestCommentsFeed):
    feed_type = Atom1Feed
    subtitle = LatestCommentsFeed.description

    def feed_url(self, obj=None):
        return reverse("comments:atom_feed")


class PostCommentsFeed(LatestCommentsFeed):
    """One public post's comments (at <post URL>comments/feed/)."""

    def get_object(self, request, year, month, slug):
        post = Post.objects.published().filter(slug=slug).first()
        if post is None or (post.url_date.year, post.url_date.month) != (int(year), int(month)):
            raise Http404("No such post")
        return post

    def title(self, obj=None):
        return f"Comments on “{obj.title}” — {settings.BLOG_TITLE}"

    def description(self, obj=None):
        return f"The latest comments on “{obj.title}”."

    def link(self, obj=None):
        return obj.get_absolute_url()

    def feed_url(self, obj=None):
        return reverse("post_comments_feed", args=[obj.url_date.year, f"{obj.url_date.month:02d}", obj.slug])

    def posts(self, obj=None):
        return Post.objects.published().filter(pk=obj.pk)


class PostCommentsAtomFeed(PostCommentsFeed):
    feed_type = Atom1Feed
    subtitle = PostCommentsFeed.description

    def feed_url(self, obj=None):
        return reverse("post_comments_atom_feed", args=[obj.url_date.year, f"{obj.url_date.month:02d}", obj.slug])
