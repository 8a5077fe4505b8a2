from django.core.management.base import BaseCommand

from subscriptions import sending


class Command(BaseCommand):
    help = (
        "Enqueue the subscribers' mail that is due: posts that went live unannounced, and weekly "
        "digests past their time. Not needed with the database task backend (its worker runs "
        "them on time); for the immediate backend, or to catch up by hand."
    )

    def handle(self, *args, **options):
        sending.send_due.enqueue()
        self.stdout.write("Enqueued what was due.")
