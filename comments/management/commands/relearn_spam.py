"""`python manage.py relearn_spam`: rebuild the spam filter from the starter corpus and every
decision the author has made. Run it after changing comments.spam.features() (the learned
counts are keyed by the tokens it makes) or after editing the starter corpus."""

from django.core.management.base import BaseCommand
from django.db import transaction

from comments import moderation, spam
from comments.models import Moderation, SpamToken


class Command(BaseCommand):
    help = "Rebuild the spam filter: the starter corpus, then every comment the author approved or marked spam."

    def handle(self, *args, **options):
        with transaction.atomic():
            SpamToken.objects.all().delete()
            spam_count, ham_count = spam.learn_starter()
            decided = {
                label: list(Moderation.objects.filter(trained=label).values_list("comment_id", flat=True))
                for label in ("spam", "ham")
            }
            Moderation.objects.filter(trained__in=["spam", "ham"]).update(trained="")
            for label, ids in decided.items():
                for start in range(0, len(ids), 500):
                    moderation.relearn(ids[start : start + 500], label)
        self.stdout.write(
            self.style.SUCCESS(
                f"Learned the starter corpus ({spam_count} spam, {ham_count} genuine) and "
                f"{len(decided['spam'])} spam and {len(decided['ham'])} genuine decisions of the author."
            )
        )
