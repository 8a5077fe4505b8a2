"""`python manage.py import_wordpress EXPORT.xml [--author USERNAME] [--theme SLUG] [--dry-run] [--recover]`.

Imports posts, tags and threaded comments from a WordPress export (WXR); safe to run again
(content.importers.common explains how).
"""

from django.core.management.base import BaseCommand

from blog.models import LegacyLink
from content.importers import wordpress
from content.importers.common import add_arguments, handle


class Command(BaseCommand):
    help = (
        "Import posts, tags and comments from a WordPress export (WXR). "
        "Running it again updates instead of duplicating."
    )

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, **options):
        handle(self, wordpress.parse, LegacyLink.Source.WORDPRESS, options)
