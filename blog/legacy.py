"""Old addresses of imported posts answer with a permanent redirect to the new page.

Blogger: /YYYY/MM/slug.html (a post), /search/label/NAME (a tag page), /feeds/posts/default
(the Atom feed; ?alt=rss the RSS feed). WordPress: /YYYY/MM/DD/slug/ and /?p=ID (a post).
Posts are found through blog.models.LegacyLink (the old path, or the WordPress post id)
written by the importers; only public posts redirect, anything else is a 404 (or, for
/?p=, the home page as usual).
"""

from functools import wraps

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from .models import LegacyLink, Post, Tag


def _post_redirect(**lookup):
    link = (
        LegacyLink.objects.filter(kind=LegacyLink.Kind.POST, post__isnull=False, **lookup)
        .order_by("-pk")
        .values_list("post_id", flat=True)
        .first()
    )
    post = Post.objects.published().filter(pk=link).first() if link else None
    if post is None:
        raise Http404("No imported post at this address.")
    return HttpResponsePermanentRedirect(post.get_absolute_url())


@require_safe
def blogger_post(request, year, month, slug):
    return _post_redirect(source=LegacyLink.Source.BLOGGER, old_path=request.path)


@require_safe
def blogger_label(request, name):
    tag = get_object_or_404(Tag, name__iexact=name.strip())
    return HttpResponsePermanentRedirect(tag.get_absolute_url())


@require_safe
def blogger_feed(request):
    return HttpResponsePermanentRedirect(reverse("blog:feed" if request.GET.get("alt") == "rss" else "blog:atom_feed"))


@require_safe
def wordpress_post(request, year, month, day, slug):
    return _post_redirect(source=LegacyLink.Source.WORDPRESS, old_path=request.path)


def wordpress_query_redirect(request):
    """For the home page: /?p=ID of an imported WordPress post -> its page; else None."""
    post_id = request.GET.get("p", "")
    if not post_id.isdigit() or len(post_id) > 20:
        return None
    try:
        return _post_redirect(source=LegacyLink.Source.WORDPRESS, source_id=post_id)
    except Http404:
        return None


def with_wordpress_ids(view):
    """Wrap the home view: /?p=ID of an imported post redirects, anything else is the home page."""

    @wraps(view)
    def home(request, *args, **kwargs):
        if "p" in request.GET and request.method in ("GET", "HEAD"):
            response = wordpress_query_redirect(request)
            if response is not None:
                return response
        return view(request, *args, **kwargs)

    return home
