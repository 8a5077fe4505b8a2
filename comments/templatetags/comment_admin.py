from django import template

register = template.Library()


@register.simple_tag
def comment_state_counts():
    """{state: n} for the admin index: held to read, spam the filter caught (one query)."""
    from ..admin import state_counts

    return state_counts()


@register.inclusion_tag("admin/comments/moderatedcomment/queue_tabs.html")
def queue_tabs(cl):
    """The state tabs above the queue; their counts were read with the page (QueueChangeList)."""
    return {"tabs": getattr(cl, "tabs", [])}
