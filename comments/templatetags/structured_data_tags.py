from django import template

from blog import structured_data
from comments import selectors
from comments.structured_data import post_graph

register = template.Library()


@register.simple_tag(takes_context=True)
def post_json_ld(context, post):
    """JSON-LD for a public post's page (nothing for a draft preview)."""
    if not post.is_public:
        return ""
    image_url = ""
    if post.cover:
        image_url = context["request"].build_absolute_uri(post.cover.closest(1200)[0])
    # The first page as an anonymous reader sees it; the comment section below reuses it.
    thread = selectors.thread_page(post, page=1)
    context["request"].comments_first_page = thread
    return structured_data.json_ld(post_graph(post, image_url, thread))
