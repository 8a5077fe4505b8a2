from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers the checks, connects the cache invalidation)
        from .site import sync_site

        post_migrate.connect(sync_site, sender=self)
