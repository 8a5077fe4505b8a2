"""`python manage.py import_blogger EXPORT.xml [--author USERNAME] [--theme SLUG] [--dry-run] [--recover]`.

Imports posts, tags and threaded comments from a Blogger export (Atom XML); safe to run again
(content.importers.common explains how).
"""

from django.core.management.base import BaseCommand

from blog.models import LegacyLink
from content.importers import blogger
from content.importers.common import add_arguments, handle


class Command(BaseCommand):
    help = (
        "Import posts, tags and comments from a Blogger export (Atom XML). "
        "Running it again updates instead of duplicating."
    )

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, **options):
        handle(self, blogger.parse, LegacyLink.Source.BLOGGER, options)
