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


@checks.register(checks.Tags.security)
def trusted_proxies_are_addresses(app_configs, **kwargs):
    """COMMENTS_TRUSTED_PROXIES must name the proxies (comments.addresses); a count trusted anyone."""
    from django.core.exceptions import ImproperlyConfigured

    from .addresses import trusted_networks

    try:
        trusted_networks(getattr(settings, "COMMENTS_TRUSTED_PROXIES", ()))
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="comments.E001")]
    return []
