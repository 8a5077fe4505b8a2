"""Readable differences between two revisions, field by field, as escaped HTML.

Every piece of text is escaped here (bodies are author text, `<script>` included) and wrapped
in <ins>/<del>; the result is marked safe only after that, so templates print it as is.
"""

import difflib
import re

from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..models import Post

WORDS = re.compile(r"\s+|[^\s]+")
CONTEXT_LINES = 2

LABELS = {
    "title": "Title",
    "slug": "Slug",
    "theme": "Theme",
    "tags": "Tags",
    "summary": "Summary",
    "body": "Body",
    "status": "Status",
    "published_at": "Publication date",
    "allow_comments": "Comments",
}


def _safe(pieces):
    # Each piece is escape()d text or a literal tag from this module.
    return mark_safe("".join(pieces))  # noqa: S308


def inline(old, new):
    """Word-level diff of two strings: unchanged words, <del>removed</del>, <ins>added</ins>."""
    a, b = WORDS.findall(old or ""), WORDS.findall(new or "")
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            pieces.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return _safe(pieces)


def lines(old, new):
    """Line-level diff of two texts for the body: rows of (kind, html), with long unchanged
    stretches folded to CONTEXT_LINES either side, changed lines diffed word by word."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            block = a[i1:i2]
            head = block[:CONTEXT_LINES] if index > 0 else []
            tail = block[-CONTEXT_LINES:] if index < len(opcodes) - 1 else []
            if len(block) <= len(head) + len(tail) + 1:
                head, tail = block, []
            rows += [("same", escape(line)) for line in head]
            folded = len(block) - len(head) - len(tail)
            if folded:
                rows.append(("fold", f"{folded} unchanged line{'s' if folded != 1 else ''}"))
            rows += [("same", escape(line)) for line in tail]
        elif op == "replace" and i2 - i1 == j2 - j1:
            rows += [("changed", inline(x, y)) for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
        else:
            rows += [("removed", _safe(["<del>", escape(line), "</del>"])) for line in a[i1:i2]]
            rows += [("added", _safe(["<ins>", escape(line), "</ins>"])) for line in b[j1:j2]]
    return rows


def _date(value):
    if value is None:
        return "none (publishing means now)"
    return formats.date_format(timezone.localtime(value), "j M Y, H:i")


def _status(revision):
    if revision.status == Post.Status.PUBLISHED and revision.published_at and revision.published_at > timezone.now():
        return "Scheduled"
    return Post.Status(revision.status).label if revision.status in Post.Status.values else revision.status


def _theme(revision):
    return revision.theme.name if revision.theme_id else f"{revision.theme_name} (deleted)"


def compare(old, new):
    """The fields that differ from revision `old` (None: nothing before) to `new`, in form order.

    Each: {"field", "label", "inline": html} for short fields, {"lines": rows} for the body,
    {"added": [...], "removed": [...]} for tags.
    """
    changes = []

    def text(field, before, after):
        if before != after:
            changes.append({"field": field, "label": LABELS[field], "inline": inline(before, after)})

    text("title", old.title if old else "", new.title)
    text("slug", old.slug if old else "", new.slug)
    text("theme", _theme(old) if old else "", _theme(new))
    before_tags = old.tags if old else []
    if before_tags != new.tags:
        changes.append(
            {
                "field": "tags",
                "label": LABELS["tags"],
                "added": [name for name in new.tags if name not in before_tags],
                "removed": [name for name in before_tags if name not in new.tags],
            }
        )
    text("summary", old.summary if old else "", new.summary)
    if (old.body if old else "") != new.body:
        changes.append({"field": "body", "label": LABELS["body"], "lines": lines(old.body if old else "", new.body)})
    text("status", _status(old) if old else "", _status(new))
    if old is None or old.published_at != new.published_at:
        text("published_at", _date(old.published_at) if old else "", _date(new.published_at))
    if old is None or old.allow_comments != new.allow_comments:
        allowed = {True: "allowed", False: "closed"}
        text("allow_comments", allowed[old.allow_comments] if old else "", allowed[new.allow_comments])
    return changes
