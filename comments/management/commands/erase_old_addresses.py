"""`python manage.py erase_old_addresses`: erase commenters' IP addresses older than
COMMENTS_IP_RETENTION_DAYS now (the task worker does it daily by itself: comments.privacy)."""

from django.core.management.base import BaseCommand

from comments import privacy


class Command(BaseCommand):
    help = "Erase commenters' IP addresses (and reports' hashed networks) older than COMMENTS_IP_RETENTION_DAYS."

    def handle(self, *args, **options):
        comments, reports = privacy.forget_old_addresses()
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased the addresses of {comments} comment(s) and {reports} report(s) older than "
                f"{privacy.retention_days()} days."
            )
        )
