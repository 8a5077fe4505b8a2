"""`python manage.py privacy_erase EMAIL [--no-input]`: erase everything stored for one email
address (comments.privacy: comments anonymised, follow-ups and reports removed, and every
registered source). Export first (privacy_export) if the reader asked for a copy."""

from django.core.management.base import BaseCommand, CommandError

from comments import privacy

from .privacy_export import checked


class Command(BaseCommand):
    help = "Erase everything stored for one email address (comments anonymised, follow-ups and reports removed)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="Do not ask to confirm.")

    def handle(self, *args, email, interactive=True, **options):
        checked(email)
        if interactive:
            answer = input(f"Erase everything stored for {email}? This cannot be undone. Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing erased.")
        erased = privacy.erase(email)
        said = ", ".join(f"{name}: {count}" for name, count in erased.items())
        self.stdout.write(self.style.SUCCESS(f"Erased what was stored for {email} ({said})."))
