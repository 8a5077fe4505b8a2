"""Staying up when a backing service is down, and logs that say so in one line.

DatabaseUnavailableMiddleware: when the database cannot be reached (connection refused,
dropped, timed out), the reader gets a friendly 503 page with `Retry-After: 30` instead
of a 500, and the site recovers by itself once the database is back (Django opens a new
connection on the next query). Pages the page cache holds are still served by that
middleware, which answers before anything touches the database.

How it sees the error, wherever it is raised:

- in a view, or while a TemplateResponse renders (lazy querysets, `request.user` in a
  context processor, the session loaded for a logged-in user): `process_exception`
  answers 503 before Django turns the error into a 500;
- in a middleware below this one (e.g. SessionMiddleware saving the session): Django
  turns every exception into a response at each middleware boundary
  (`convert_exception_to_response`), so a try/except in `__call__` never sees it. Django
  sends `got_request_exception` with the exception in `sys.exc_info()` when it does; the
  receiver below marks the request, and `__call__` swaps that 500 for the 503 page.

The 503 page (templates/503.html) is rendered without a request context: no context
processor, nothing that could query the failing database.

OneLineFormatter: one log line per event (time, level, logger, message), with an
exception summarised as "ExcType: message @ file:line" and the response status of
django.request records appended, never a multi-line traceback.
"""

import logging
import sys
import traceback
from pathlib import Path

from django.conf import settings
from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import get_template
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER = 30  # seconds, in the 503's Retry-After header

UNAVAILABLE_ERRORS = [OperationalError, InterfaceError]
try:  # psycopg's own errors, should one ever surface without Django's wrapper
    import psycopg

    UNAVAILABLE_ERRORS += [psycopg.OperationalError, psycopg.InterfaceError]
except ImportError:  # pragma: no cover - SQLite-only installs
    pass
UNAVAILABLE_ERRORS = tuple(UNAVAILABLE_ERRORS)

FALLBACK_BODY = (
    "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Back in a moment</title>"
    "<h1>Back in a moment</h1><p>This page can't be shown right now. Please try again in a minute.</p></html>"
)


def database_unavailable(error):
    """The database error behind `error` (itself or what it was raised from), or None."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, UNAVAILABLE_ERRORS):
            return error
        error, seen = error.__cause__, seen + 1
    return None


def one_line(text):
    return " ".join(str(text).split())


def exception_name(error_type):
    module = error_type.__module__
    return error_type.__qualname__ if module == "builtins" else f"{module}.{error_type.__qualname__}"


def unavailable_response():
    """The 503 page, rendered without a request (no context processors, no database)."""
    try:
        body = get_template("503.html").render({"blog_title": getattr(settings, "BLOG_TITLE", "")})
    except Exception:  # noqa: BLE001 - the outage page must not fail in turn
        logger.exception("the 503 page could not be rendered; sending the plain one")
        body = FALLBACK_BODY
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)  # no proxy or browser keeps the outage page
    return response


def _remember_database_error(sender, request=None, **kwargs):
    """got_request_exception: mark the request when the exception is the database's."""
    if request is not None:
        error = database_unavailable(sys.exc_info()[1])
        if error is not None:
            request._database_unavailable = error


got_request_exception.connect(_remember_database_error, dispatch_uid="config.resilience.database_unavailable")


class DatabaseUnavailableMiddleware:
    """503 + Retry-After, rendered without the database, when the database is unreachable.

    Place it near the top of MIDDLEWARE, before SessionMiddleware (and after the page
    cache, so cached pages never reach it). Django's OperationalError also covers
    transient failures of a reachable database (deadlock, statement timeout, "database
    is locked" on SQLite): those get the same 503 "try again", which is what they mean.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, "_database_unavailable", None)
        if error is not None and response.status_code == 500:
            return self.unavailable(request, error)
        return response

    def process_exception(self, request, exception):
        error = database_unavailable(exception)
        if error is None:
            return None
        return self.unavailable(request, error)

    def unavailable(self, request, error):
        logger.error(
            "database unavailable: %s %s answered 503 (%s: %s)",
            request.method,
            request.get_full_path()[:500],
            exception_name(type(error)),
            one_line(error)[:300],
        )
        response = unavailable_response()
        # Logged above with its cause: django.request need not log it again (one line per event).
        response._has_been_logged = True
        return response


class OneLineFormatter(logging.Formatter):
    """Every record on one line; an exception as "ExcType: message @ file:line".

    django.request records carry the response status (`status=500`) after the message
    ("Internal Server Error: /path"). The full traceback is not written: the summary
    names the innermost frame of the project's own code (or the innermost frame at all).
    """

    project_root = str(Path(__file__).resolve().parent.parent)

    def format(self, record):
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        parts = [self.formatMessage(record)]
        status = getattr(record, "status_code", None)
        if status is not None:
            parts.append(f"status={status}")
        if record.exc_info and record.exc_info[0] is not None:
            parts.append("| " + self.formatException(record.exc_info))
        elif record.exc_text:
            parts.append("| " + record.exc_text)
        if record.stack_info:
            parts.append("| " + self.formatStack(record.stack_info))
        return " ".join(" | ".join(line.strip() for line in str(part).splitlines() if line.strip()) for part in parts)

    def formatException(self, ei):
        error_type, error, tb = ei
        summary = f"{exception_name(error_type)}: {one_line(error)}"
        frames = traceback.extract_tb(tb) if tb is not None else []
        if not frames:
            return summary
        ours = [frame for frame in frames if self._is_ours(frame.filename)]
        frame = (ours or frames)[-1]
        return f"{summary} @ {self._short(frame.filename)}:{frame.lineno}"

    def formatStack(self, stack_info):
        lines = [line.strip() for line in stack_info.splitlines() if line.strip()]
        return "stack: " + (lines[-2] if len(lines) >= 2 else " ".join(lines))

    def _is_ours(self, filename):
        return filename.startswith(self.project_root) and "site-packages" not in filename

    def _short(self, filename):
        if "site-packages" in filename:
            return filename.split("site-packages", 1)[1].lstrip("/\\")
        if filename.startswith(self.project_root):
            return filename[len(self.project_root) :].lstrip("/\\")
        return filename
