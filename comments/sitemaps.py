"""The sitemap, with a post's lastmod moving when a comment is published on it, so crawlers
come back to an active discussion (blog/ knows nothing of comments: this wraps its sitemaps)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Max, OuterRef, Subquery
from django.db.models.functions import Cast

from blog import cache_keys
from blog.models import Post
from blog.sitemaps import PostSitemap
from blog.sitemaps import sitemaps as blog_sitemaps

from .models import Moderation, State


class PostWithCommentsSitemap(PostSitemap):
    def items(self):
        cache_keys.add(cache_keys.COMMENTS_FEED)  # purged by every comment change: lastmod moves
        last_comment = (
            Moderation.objects.filter(
                state=State.PUBLISHED,
                comment__content_type=ContentType.objects.get_for_model(Post),
                comment__object_pk=Cast(OuterRef("pk"), CharField()),
            )
            .order_by()
            .values("comment__object_pk")
            .annotate(last=Max("decided_at"))
            .values("last")
        )
        return super().items().annotate(last_comment=Subquery(last_comment))

    def lastmod(self, post):
        return max(filter(None, (post.updated_at, post.last_comment)))


sitemaps = {**blog_sitemaps, "posts": PostWithCommentsSitemap}
