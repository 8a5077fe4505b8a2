from django import template
from django.conf import settings
from django.urls import reverse
from django_comments_xtd import get_form

from blog import cache_keys
from blog.pagination import canonical_number

from .. import rules, selectors
from ..views import pending_ids

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def comment_section(context, post):
    """Count, thread (one page of it) and form under a post."""
    request = context["request"]
    cache_keys.add(request, cache_keys.comments(post.pk))  # the thread and the count (blog.cache_keys)
    page = canonical_number(request.GET.get("cpage"))  # "01", "١", "0": the newest page, as without one
    user = context.get("user")
    moderator = bool(user and user.is_authenticated and user.is_staff)  # never an anonymous, cached page
    pending = pending_ids(request)
    first = getattr(request, "comments_first_page", None)  # read already for the JSON-LD (structured_data_tags)
    if first is not None and not (moderator or pending) and (page == 1 or (page is None and first.num_pages == 1)):
        thread = first
    else:
        thread = selectors.thread_page(post, page=page, pending_ids=pending, moderator=moderator)
    if page is not None and thread.number != page:
        request.page_cache_store = False  # ?cpage=99999 shows the last page: not a copy to keep (config.page_cache)
    closed = rules.comments_closed(post)
    shown = {row[selectors.PK] for row in thread.rows}
    general, beside = [], {}  # messages about one comment go beside it, if it is on this page
    for message in context.get("messages") or ():
        target = _comment_of(message)
        if target in shown:
            beside.setdefault(target, []).append((message.level_tag, message.message))
        else:
            general.append(message)
    return {
        "request": request,
        "user": context.get("user"),
        "post": post,
        "thread": thread,
        "closed": closed,
        "form": None if closed or not post.is_public else get_form()(post),
        "gravatar": getattr(settings, "COMMENTS_GRAVATAR", False),
        "messages": general,
        "notices": beside,
        "fragments": context.get("fragments"),  # blog.views.Fragments, on a post page
        # URL prefixes reversed once, not twice per comment
        "reply_base": reverse("comments:reply", args=[0])[:-2],
        "report_base": reverse("comments:report", args=[0])[:-2],
        "moderate_base": reverse("comments:moderate", args=[0])[:-2] if moderator else None,
    }


def _comment_of(message):
    """The pk of the comment a message is about (extra tag "comment-<pk>"), or None."""
    for tag in (message.extra_tags or "").split():
        if tag.startswith("comment-") and tag[8:].isdecimal():
            return int(tag[8:])
    return None


@register.simple_tag
def comment_counts(posts):
    """{post pk: published comment count} for a list page, in one query."""
    cache_keys.add(*(cache_keys.comments(post.pk) for post in posts))
    return selectors.published_counts(posts)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, 0)


@register.simple_tag(takes_context=True)
def comment_thread(context):
    """The thread of the section's context, drawn by comments.rendering (see its docstring).

    On a page that takes fragments (blog.views.Fragments: the post page), the thread goes
    into the page after the template is rendered, as bytes: a 1,000-comment thread is about
    1 MB of HTML, which every template level above this tag would join and copy again.
    """
    from django.middleware.csrf import get_token

    from ..rendering import thread_html, thread_pieces

    user = context.get("user")
    signed_in = bool(user and user.is_authenticated)
    options = {
        "actions": bool(context.get("form")),
        "gravatar": context.get("gravatar", False),
        "reply_base": context["reply_base"],
        "report_base": context["report_base"],
        "csrf_token": get_token(context["request"]) if signed_in else None,
        "notices": context.get("notices"),
        "viewer_id": user.pk if signed_in else None,
        "moderate_base": context.get("moderate_base"),
    }
    fragments = context.get("fragments")
    if fragments is None:
        return thread_html(context["thread"], **options)
    return fragments.put(thread_pieces(context["thread"], **options))
