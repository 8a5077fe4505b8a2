from django import template

register = template.Library()


@register.simple_tag
def held_comment_count():
    from ..admin import held_count

    return held_count()
