from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from .models import Page, Post, Tag, Theme


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


class PageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Page.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, page):
        return page.updated_at


class AuthorSitemap(Sitemap):
    """Authors with public posts (blog.views.AuthorDetailView), by their newest post's change."""

    changefreq = "weekly"
    priority = 0.4

    def items(self):
        public = Post.objects.published()
        field = get_user_model().USERNAME_FIELD
        return (
            get_user_model()
            .objects.filter(posts__in=public)
            .annotate(last=Max("posts__updated_at", filter=Q(posts__in=public)))
            .only(field)
            .order_by(field)
        )

    def location(self, user):
        return reverse("blog:author_detail", args=[user.get_username()])

    def lastmod(self, user):
        return user.last


sitemaps = {
    "static": StaticSitemap,
    "posts": PostSitemap,
    "themes": ThemeSitemap,
    "tags": TagSitemap,
    "pages": PageSitemap,
    "authors": AuthorSitemap,
}
