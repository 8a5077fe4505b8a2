from django.core.management.base import BaseCommand

from suggestions.index import rebuild


class Command(BaseCommand):
    help = (
        "Index every post's text afresh for the editor's suggestions (tags, Relevant Discussions). "
        "Saving a post indexes it by itself; run this after a bulk import that bypassed Post.save()."
    )

    def handle(self, *args, **options):
        count = rebuild()
        self.stdout.write(f"Indexed {count} post(s).")
