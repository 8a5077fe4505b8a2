"""The thread's HTML, built in Python: the one hot loop of a post page.

The same markup as a template would give, for a fraction of the cost (the figures are in
bench/comments_bench.py and docs/benchmarks.md, not here: they drift). It reads the thread's rows as
the database returned them (comments.selectors.ThreadPage): one f-string per comment; what
many comments share (a commenter's escaped name and avatar, a day's date) is formatted
once per page. Every value that comes from a reader is escaped here; `body_html` is
already sanitized (blog.markup, comment profile) when the comment is posted.

Also here: the comment form's widgets, written without the template engine (FormRenderer).
"""

import datetime
import functools
import hashlib
from html import escape  # what django.utils.html.escape calls, without its lazy-string wrapper

from django.forms.renderers import DjangoTemplates
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .models import Reason, Report, State

MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_SHORT = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEK = 8 * 86400  # from 8 days on, a comment shows its date instead of "N days ago"


def _ago(when, now):
    """ "3 hours ago"; the date after a week. (django.utils.dateformat and humanize cost
    more than the rest of a comment; the page is English only.)"""
    seconds = int((now - when).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            if unit == "day" and n > 7:
                break
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return f"{when.day} {MONTHS_SHORT[when.month]} {when.year}"


@functools.lru_cache(maxsize=1024)  # the same people comment again and again
def _initials(name):
    parts = [part for part in (name or "").split() if part[:1].isalnum()]
    return "".join(part[0] for part in parts[:2]).upper() or "?"


def _gravatar(email):
    digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()
    return (
        f'<img class="avatar" src="https://www.gravatar.com/avatar/{digest}?s=64&amp;d=identicon" '
        'alt="" width="32" height="32" loading="lazy">'
    )


def _initials_avatar(name):
    return f'<span class="avatar" aria-hidden="true">{escape(_initials(name))}</span>'


class _Times:
    """A comment's <time> attributes and text, from its submit_date as the driver returned it.

    (datetime="2026-11-03T19:26:57+00:00", title="3 November 2026, 19:26 UTC", text "2 hours
    ago" or "3 Nov 2026"), in the current time zone. On SQLite the thread's rows carry the
    stored UTC text ("2026-11-03 19:26:57.799326"): in UTC, which is the default, the strings
    are cut from it with no datetime made, except for "N minutes/hours/days ago". Any other
    zone or database: a datetime in the current zone, formatted. What a day shares is
    formatted once a page.
    """

    def __init__(self):
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.utc = self.tz is datetime.UTC or getattr(self.tz, "key", None) == "UTC"  # the default TIME_ZONE
        # On or before this (as stored text), a comment shows its date.
        self.week_ago = str((self.now - datetime.timedelta(seconds=WEEK)).replace(tzinfo=None))
        self.days = {}

    def __call__(self, value):
        if isinstance(value, str):
            if self.utc and len(value) in (19, 26) and value[10] == " ":
                return self._from_text(value)
            value = parse_datetime(value)  # as Django's SQLite converter reads it
        if value.tzinfo is None:  # stored as UTC (USE_TZ)
            value = value.replace(tzinfo=datetime.UTC)
        when = value.astimezone(self.tz)
        exact = f"{when.day} {MONTHS[when.month]} {when.year}, {when.hour:02}:{when.minute:02} {when.tzname()}"
        return when.isoformat(timespec="seconds"), exact, _ago(when, self.now)

    def _from_text(self, text):
        day = self.days.get(text[:10])
        if day is None:
            year, month, date = int(text[:4]), int(text[5:7]), int(text[8:10])
            day = self.days[text[:10]] = (f"{date} {MONTHS[month]} {year}, ", f"{date} {MONTHS_SHORT[month]} {year}")
        iso, exact = f"{text[:10]}T{text[11:19]}+00:00", f"{day[0]}{text[11:16]} UTC"
        if text <= self.week_ago:  # as stored text, older than a week: the date
            return iso, exact, day[1]
        return iso, exact, _ago(datetime.datetime.fromisoformat(text + "+00:00"), self.now)


def thread_html(thread, **options):
    """The `<ol class="comment-thread">` of a ThreadPage (comments.selectors), as safe HTML."""
    return mark_safe("".join(thread_pieces(thread, **options)))  # noqa: S308 - escaped in thread_pieces


# Why a held comment waits, in a reader's words (from its recorded reason). Spam is never
# shown to its writer, and a reason that would help a spammer is not spelled out.
PENDING_WHY = {
    Reason.FIRST_COMMENT: (
        "First comments are read by the author before they appear; your next ones will appear at once."
    ),
    Reason.LINKS: "Comments with several links are read by the author before they appear.",
}
EDITED_MARK = ' <span class="edited">(edited)</span>'
PENDING_DEFAULT = "The author reads some comments before they appear."


def _notes(notices):
    """Messages shown beside their comment (comments.views tags them "comment-<pk>")."""
    return "".join(
        f'<p class="notice notice-{escape(level)}" role="status">{escape(str(text))}</p>' for level, text in notices
    )


# The report form's reasons: radio buttons inside their labels (no ids: the same on every comment).
REPORT_CHOICES = "".join(
    f'<label><input type="radio" name="why" value="{value}"{" checked" if n == 0 else ""}> {escape(label)}</label>'
    for n, (value, label) in enumerate(Report.Why.choices)
)


def _moderate_form(pk, reason, moderate_base, csrf_input):
    """A held comment as its post's moderator sees it on the page: why, and the decisions."""
    why = escape(Reason(reason).label if reason in Reason.values else reason)
    return (
        f'<p class="pending-note">Held for review: {why}.</p>'
        f'<form class="moderate-form" method="post" action="{moderate_base}{pk}/">{csrf_input}'
        '<button type="submit" name="action" value="approve">Approve</button> '
        '<button type="submit" name="action" value="spam" class="secondary">Spam</button> '
        '<button type="submit" name="action" value="remove" class="secondary">Remove</button></form>'
    )


def thread_pieces(
    thread,
    *,
    actions,
    gravatar,
    reply_base,
    report_base,
    csrf_token=None,
    notices=None,
    viewer_id=None,
    moderate_base=None,
):
    """thread_html() in pieces, to be joined: a list of str, safe HTML once joined.

    `notices`: {comment pk: [(level tag, text)]}, drawn inside that comment (where the
    reader lands after posting or reporting it), announced to screen readers.
    `viewer_id`: the signed-in reader (no "Report" on their own comments).
    `moderate_base`: for staff, the URL prefix of comments:moderate; held comments then
    carry Approve / Spam / Remove.
    """
    notices = notices or {}
    times = _Times()
    reply_base = escape(reply_base)
    report_base = escape(report_base)
    page_prefix = f"?cpage={thread.number}" if thread.is_paginated else ""
    # Signed-in readers only: anonymous pages are shared from the cache (comments.views.forgery_check).
    csrf_input = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">' if csrf_token else ""
    author_id = thread.author_id
    removed_state, pending_state = State.REMOVED, State.HELD
    people = {}  # (name, email) -> (escaped name, avatar): the same people comment again and again

    out = ['<ol class="comment-thread">\n']
    append = out.append
    previous = -1  # the level of the comment before, -1 before the first
    for pk, name, url, email, user_id, submitted, _parent, level, state, body_html, reason, edited in thread.rows:
        if previous >= 0:  # close the comment before, now that we know whether this one is its reply
            append('<ol class="replies">\n' if level > previous else "</li>\n" + "</ol></li>\n" * (previous - level))
        previous = level
        if user_id is not None and user_id == author_id:
            classes, badge = "comment by-author", '<span class="badge">Author</span>'
        else:
            classes, badge = "comment", ""
        if state == removed_state:
            append(
                f'<li class="{classes} removed" id="c{pk}">\n'
                '  <article><p class="comment-removed">[removed]</p></article>\n'
            )
            continue
        pending = state == pending_state
        person = people.get((name, email))
        if person is None:
            person = people[name, email] = (escape(name), _gravatar(email) if gravatar else _initials_avatar(name))
        escaped_name, avatar = person
        # Only http(s) links: a comment adopted from xtd (or the shell) may carry anything.
        linked = url and url[:8].lower().startswith(("http://", "https://"))
        author = f'<a href="{escape(url)}" rel="nofollow ugc noopener">{escaped_name}</a>' if linked else escaped_name
        iso, exact, ago = times(submitted)
        if pending and moderate_base:
            classes += " pending"
            note = _moderate_form(pk, reason, moderate_base, csrf_input)
        elif pending:
            classes += " pending"
            why = PENDING_WHY.get(reason, PENDING_DEFAULT)
            note = f'<p class="pending-note">Awaiting moderation: only you can see this comment. {why}</p>'
        else:
            note = ""
        if pk in notices:
            note = _notes(notices[pk]) + note
        footer = (
            (
                '<footer class="comment-actions">'
                f'<a class="reply-link" href="{reply_base}{pk}/" data-reply-to="{pk}">'
                f'Reply<span class="visually-hidden"> to {escaped_name}</span></a>'
                + (
                    ""
                    if viewer_id is not None and user_id == viewer_id  # nobody reports themselves
                    else f'<details class="report"><summary>Report</summary>'
                    f'<form class="report-form" method="post" action="{report_base}{pk}/">{csrf_input}'
                    f"<fieldset><legend>Why report this comment?</legend>{REPORT_CHOICES}</fieldset>"
                    '<button type="submit" class="secondary">Send report</button></form></details>'
                )
                + "</footer>"
            )
            if actions and not pending
            else ""
        )
        append(
            f'<li class="{classes}" id="c{pk}">\n'
            f'  <article><header class="comment-header">{avatar}<span class="comment-author">{author}</span>'
            f"{badge}"
            f'<a class="comment-permalink" href="{page_prefix}#c{pk}">'
            f'<time datetime="{iso}" title="{exact}">{ago}</time></a>{EDITED_MARK if edited else ""}</header>'
            f'{note}<div class="comment-body">{body_html}</div>{footer}</article>\n'
        )
    if previous >= 0:
        append("</li>\n" + "</ol></li>\n" * previous)
    append("</ol>")
    return out  # every reader-supplied value is escaped above


# The comment form's widgets -------------------------------------------------------------


def _widget_attrs(attrs):
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget):
    """django/forms/widgets/input.html (text, email, url, hidden, checkbox...)"""
    value = widget["value"]
    value = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{_widget_attrs(widget['attrs'])}>"
    )


def _textarea(widget):
    """django/forms/widgets/textarea.html"""
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_widget_attrs(widget["attrs"])}>\n{value}</textarea>'


class FormRenderer(DjangoTemplates):
    """Django's default form renderer, with the comment form's widget templates written in Python.

    The comment form under every post has about ten widgets; through the template engine
    they cost more than the rest of the post's template together. The functions above
    write what Django's templates for them write (autoescaped the same way:
    conditional_escape; tests/test_thread_rendering.py compares both renderers on bound
    and unbound forms). Any other template goes to Django's.
    """

    WIDGETS = {
        **{f"django/forms/widgets/{name}.html": _input for name in ("text", "email", "url", "hidden", "checkbox")},
        "django/forms/widgets/textarea.html": _textarea,
    }

    def render(self, template_name, context, request=None):
        write = self.WIDGETS.get(template_name)
        if write is not None and context.keys() == {"widget"}:
            return write(context["widget"])
        return super().render(template_name, context, request)


form_renderer = FormRenderer()
