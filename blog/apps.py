from django.apps import AppConfig
from django.db.models.signals import post_migrate


def name_the_site(sender, using="default", **kwargs):
    """Give django.contrib.sites' default "example.com" the blog's real domain and title.

    Feeds and the sitemap build absolute links from the Site; set DJANGO_SITE_DOMAIN in
    production (or edit the Site in the admin, which this never overrides).
    """
    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.using(using).filter(pk=settings.SITE_ID, domain="example.com").update(
        domain=settings.BLOG_SITE_DOMAIN, name=settings.BLOG_TITLE
    )


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from . import signals  # noqa: F401  (connects the page-cache invalidation)

        post_migrate.connect(name_the_site, sender=self)
