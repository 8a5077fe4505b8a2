from django.core.management.base import BaseCommand
from django.db import transaction

from blog.cache import invalidate_pages
from blog.markup import MarkupRejected, MarkupTooLong
from blog.models import Post


class Command(BaseCommand):
    help = "Re-render every post's body_html from its Markdown (run after changing blog.markup)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, batch_size, **options):
        changed = failed = 0
        fields = ["body_html", "excerpt", "word_count"]
        queryset = Post.objects.order_by("pk")
        batch = []
        for post in queryset.iterator(chunk_size=batch_size):
            before = (post.body_html, post.excerpt, post.word_count)
            try:
                post.render()
            except (MarkupTooLong, MarkupRejected) as error:
                failed += 1
                self.stderr.write(f"Post {post.pk} “{post.title}” kept its old HTML: {error}")
                continue
            if (post.body_html, post.excerpt, post.word_count) != before:
                batch.append(post)
            if len(batch) >= batch_size:
                changed += self._save(batch, fields)
        changed += self._save(batch, fields)
        if changed:  # bulk_update sends no signal: tell the page cache here
            invalidate_pages("posts re-rendered")
        self.stdout.write(self.style.SUCCESS(f"Re-rendered {changed} post(s); {failed} could not be rendered."))

    @staticmethod
    def _save(batch, fields):
        with transaction.atomic():
            Post.objects.bulk_update(batch, fields)
        count = len(batch)
        batch.clear()
        return count
