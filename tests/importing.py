"""Running the import commands in tests: their fixtures folder and a `run` that returns the summary."""

import io
from pathlib import Path

from django.core.management import call_command

FIXTURES = Path(__file__).parent / "fixtures"


def run(path, command="import_wordpress", *args):
    """`manage.py <command> <path> --author dana <args>`; what it printed."""
    out = io.StringIO()
    call_command(command, str(path), "--author", "dana", *args, stdout=out)
    return out.getvalue()
