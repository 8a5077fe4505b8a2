import hashlib

from django import template
from django.conf import settings
from django.urls import reverse
from django_comments_xtd import get_form

from .. import moderation, selectors
from ..views import pending_ids

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, post):
    """Count, thread (one page of it) and form under a post."""
    request = context["request"]
    try:
        page = int(request.GET.get("cpage", ""))
    except ValueError:
        page = None
    thread = selectors.thread_page(post, page=page, pending_ids=pending_ids(request))
    closed = moderation.comments_closed(post)
    return {
        "request": request,
        "user": context.get("user"),
        "post": post,
        "thread": thread,
        "closed": closed,
        "form": None if closed or not post.is_public else get_form()(post),
        "max_level": _max_level(),
        "gravatar": getattr(settings, "COMMENTS_GRAVATAR", False),
        "messages": context.get("messages"),
        # URL prefixes reversed once, not twice per comment
        "reply_base": reverse("comments:reply", args=[0])[:-2],
        "report_base": reverse("comments:report", args=[0])[:-2],
    }


def _max_level():
    from ..views import _max_level as max_level

    return max_level()


@register.simple_tag
def comment_counts(posts):
    """{post pk: published comment count} for a list page, in one query."""
    return selectors.published_counts(posts)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, 0)


@register.filter
def initials(name):
    parts = [part for part in (name or "").split() if part[:1].isalnum()]
    letters = "".join(part[0] for part in parts[:2]).upper()
    return letters or "?"


@register.filter
def gravatar_hash(email):
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()
