from django import template

from blog import structured_data

register = template.Library()


@register.simple_tag
def website_json_ld():
    """The home page's WebSite, with the search as its SearchAction."""
    return structured_data.json_ld(structured_data.website())
