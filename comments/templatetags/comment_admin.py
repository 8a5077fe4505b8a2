from django import template

register = template.Library()


@register.simple_tag
def held_comment_count():
    from ..admin import held_count

    return held_count()


@register.inclusion_tag("admin/comments/moderatedcomment/queue_tabs.html")
def queue_tabs(cl):
    """The state tabs above the queue; their counts were read with the page (QueueChangeList)."""
    return {"tabs": getattr(cl, "tabs", [])}
