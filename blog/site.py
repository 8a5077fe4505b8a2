"""The blog's public address: the one place that decides where absolute links point.

`settings.BLOG_SITE_DOMAIN` (env DJANGO_SITE_DOMAIN; `make run HOST=...` passes its HOST) is
the address readers use. Django's own absolute links (feeds, the sitemap, "View on site",
django-comments-xtd's emails) come from the current Site of django.contrib.sites, so
`sync_site` copies the setting onto the Site whenever migrations run (`make run` and
`make serve` both migrate first). Ours (canonical links, robots.txt, our emails, the login
URL seed_demo prints) use `absolute()` below, which reads the same Site: one answer
everywhere. The Site is not edited by hand (the admin shows it to superusers only).
"""

from django.conf import settings
from django.contrib.sites.models import Site

LOCAL_HOSTS = ("127.", "localhost", "[::1]", "testserver")


def domain():
    """The host (and port) readers use, e.g. "blog.example.com" or "127.0.0.1:8101"."""
    return Site.objects.get_current().domain


def scheme(host=None):
    """http for a development host, https otherwise (DJANGO_SITE_SCHEME overrides)."""
    configured = getattr(settings, "BLOG_SITE_SCHEME", "")
    if configured:
        return configured
    host = domain() if host is None else host
    return "http" if host.startswith(LOCAL_HOSTS) else "https"


def absolute(path="/"):
    """`path` on the blog's public address: "https://blog.example.com/feed/"."""
    host = domain()
    return f"{scheme(host)}://{host}{path}"


def sync_site(sender=None, using="default", **kwargs):
    """post_migrate: give the current Site the configured domain and the blog's title."""
    site, _ = Site.objects.using(using).get_or_create(
        pk=settings.SITE_ID, defaults={"domain": settings.BLOG_SITE_DOMAIN, "name": settings.BLOG_TITLE}
    )
    if (site.domain, site.name) != (settings.BLOG_SITE_DOMAIN, settings.BLOG_TITLE):
        site.domain, site.name = settings.BLOG_SITE_DOMAIN, settings.BLOG_TITLE
        site.save(using=using, update_fields=["domain", "name"])
    Site.objects.clear_cache()
