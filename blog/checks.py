"""`manage.py check --deploy`: production must say where the blog is served (blog/site.py)."""

from django.conf import settings
from django.core import checks

from .site import LOCAL_HOSTS


@checks.register(checks.Tags.sites, deploy=True)
def site_domain_is_public(app_configs, **kwargs):
    if not settings.BLOG_SITE_DOMAIN.startswith(LOCAL_HOSTS):
        return []
    return [
        checks.Warning(
            f"DJANGO_SITE_DOMAIN is {settings.BLOG_SITE_DOMAIN!r}: feeds, the sitemap, emails and canonical "
            "links would point readers at a development address.",
            hint="Set DJANGO_SITE_DOMAIN to the public host name, e.g. blog.example.com, and run migrate.",
            id="blog.W001",
        )
    ]
