"""`manage.py check --deploy`: production must not send mail inside requests."""

from django.conf import settings
from django.core import checks

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@checks.register(checks.Tags.compatibility, deploy=True)
def tasks_run_outside_requests(app_configs, **kwargs):
    if settings.TASKS.get("default", {}).get("BACKEND") != IMMEDIATE:
        return []
    return [
        checks.Warning(
            "Background tasks run inside the request (ImmediateBackend): every comment waits for the "
            "author's email to be sent, and a slow mail server slows or fails comment posting.",
            hint="Set DJANGO_TASKS_BACKEND=django_tasks_db.DatabaseBackend and run `manage.py db_worker`.",
            id="comments.W001",
        )
    ]
