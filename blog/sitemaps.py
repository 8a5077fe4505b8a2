from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from .models import Post, Tag, Theme


class PostSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return (
            Post.objects.published().only("slug", "published_at", "updated_at", "created_at").order_by("-published_at")
        )

    def lastmod(self, post):
        return post.updated_at


class _WithPublicPosts(Sitemap):
    changefreq = "weekly"
    priority = 0.5
    model = None

    def items(self):
        public = Post.objects.published()
        return (
            self.model.objects.filter(posts__in=public)
            .annotate(last=Max("posts__updated_at", filter=Q(posts__in=public)))
            .order_by("slug")
        )

    def lastmod(self, obj):
        return obj.last


class ThemeSitemap(_WithPublicPosts):
    model = Theme


class TagSitemap(_WithPublicPosts):
    model = Tag


class StaticSitemap(Sitemap):
    priority = 0.6
    changefreq = "daily"

    def items(self):
        return ["blog:post_list", "blog:tag_list", "blog:theme_list", "blog:archive"]

    def location(self, name):
        return reverse(name)


sitemaps = {"static": StaticSitemap, "posts": PostSitemap, "themes": ThemeSitemap, "tags": TagSitemap}
