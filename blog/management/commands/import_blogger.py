"""`python manage.py import_blogger EXPORT.xml [--author USERNAME] [--theme SLUG] [--dry-run]`.

Imports posts, tags and threaded comments from a Blogger export (Atom XML); safe to run again
(blog.importers.common explains how).
"""

from django.core.management.base import BaseCommand

from blog.importers import blogger
from blog.importers.common import add_arguments, handle
from blog.models import LegacyLink


class Command(BaseCommand):
    help = (
        "Import posts, tags and comments from a Blogger export (Atom XML). "
        "Running it again updates instead of duplicating."
    )

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, **options):
        handle(self, blogger.parse, LegacyLink.Source.BLOGGER, options)
