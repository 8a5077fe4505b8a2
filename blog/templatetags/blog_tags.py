import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from blog import site

from ..models import author_name as _author_name

register = template.Library()


@register.filter
def author_name(user):
    """The byline's name for `user` (blog.models.author_name: no query when the profile is joined)."""
    return _author_name(user)


@register.filter(needs_autoescape=False)
def highlight(text, terms):
    """Escape `text`, then wrap each search term in <mark>.

    Safe because the whole text is escaped first and the terms are escaped the same way
    before matching, so only our own <mark> tags are markup.
    """
    escaped = escape(text or "")
    words = [escape(term) for term in terms or [] if term]
    if not words:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.I)
    marked = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
    return mark_safe(marked)  # noqa: S308 - escaped above, only our <mark> tags added


@register.filter
def snippet(text, terms, width=30):
    """About `width` words of `text` around the first search term found in it."""
    text = " ".join((text or "").split())
    lowered = text.lower()
    positions = [lowered.find(term.lower()) for term in terms or [] if term and term.lower() in lowered]
    if not positions:
        return Truncator(text).words(width, truncate="…")
    words_before = len(text[: min(positions)].split())
    words = text.split()
    start = max(0, words_before - width // 3)
    chunk = " ".join(words[start : start + width])
    return ("…" if start else "") + chunk + ("…" if start + width < len(words) else "")


@register.simple_tag(takes_context=True)
def absolute_url(context, path=None):
    """`path` (default: the current page without its query) on the blog's public address (blog.site)."""
    return site.absolute(path if path is not None else context["request"].path)
