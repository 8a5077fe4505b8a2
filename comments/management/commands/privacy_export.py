"""`python manage.py privacy_export EMAIL [--output FILE]`: everything stored for one email
address, as JSON (comments.privacy: every registered source), for a reader's data request."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments import privacy


def checked(email):
    try:
        validate_email(email)
    except ValidationError:
        raise CommandError(f"{email!r} is not an email address.") from None
    return email


class Command(BaseCommand):
    help = "Export (JSON) everything stored for one email address: comments and every registered source."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args, email, output=None, **options):
        data = json.dumps(privacy.export(checked(email)), indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(data + "\n")
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(data)
