"""Old addresses of imported posts answer with a permanent redirect to the new page.

Blogger: /YYYY/MM/slug.html (a post), /search/label/NAME (a tag page), /feeds/posts/default
(the Atom feed; ?alt=rss the RSS feed). WordPress: /YYYY/MM/DD/slug/ and /?p=ID (a post).
Any other old address (WordPress's other permalink structures: /slug/,
/category/slug/, /archives/ID, custom endings such as .html; a page's /p/about.html on Blogger)
is the path of the item's <link> in the export, kept as LegacyLink.old_path: an address that
would be a 404 here is looked up there first (old_address(), from the 404 handler), so no
route has to know every structure.

Posts are found through blog.models.LegacyLink (the old path, or the WordPress post id)
written by the importers; only public posts (and published pages) redirect, anything else is
a 404 (or, for /?p=, the home page as usual). Ids and paths are unique per old site only: when
several imported sites have one, the site whose host is the request's wins (an old domain
pointed at this blog), else the latest import.
"""

from functools import wraps

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from .models import LegacyLink, Page, Post, Tag


def _host(request):
    """The request's host as LegacyLink.site starts: no port, no "www."."""
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost is answered elsewhere; here it only means "no preference"
        return ""
    return host.rsplit(":", 1)[0].lower().removeprefix("www.")


def _best(links, request):
    """The link of the site whose host is the request's, else the latest one."""
    links = list(links[:50])  # an id or path is shared by a handful of imported sites at most
    host = _host(request) if request is not None else ""
    for link in links:
        if host and link.site.split("/", 1)[0].split(":", 1)[0] == host:
            return link
    return links[0] if links else None


def _post_redirect(request=None, **lookup):
    links = LegacyLink.objects.filter(kind=LegacyLink.Kind.POST, post__isnull=False, **lookup).order_by("-pk")
    link = _best(links.only("site", "post_id"), request)
    post = Post.objects.published().filter(pk=link.post_id).first() if link else None
    if post is None:
        raise Http404("No imported post at this address.")
    return HttpResponsePermanentRedirect(post.get_absolute_url())


def old_address(request):
    """A 301 to the post or page that had this path on the old blog, or None (a real 404)."""
    # No NUL (PostgreSQL refuses one in a query) nor anything longer than an old path can be.
    if request.method not in ("GET", "HEAD") or len(request.path) > 500 or "\x00" in request.path:
        return None
    links = (
        LegacyLink.objects.filter(
            source__in=LegacyLink.Source.values,  # (source, old_path) is the index
            old_path=request.path,
            kind__in=[LegacyLink.Kind.POST, LegacyLink.Kind.PAGE],
        )
        .exclude(post__isnull=True, page__isnull=True)
        .order_by("-pk")
    )
    for link in filter(None, [_best(links.only("site", "post_id", "page_id"), request)]):
        if link.post_id:
            post = Post.objects.published().filter(pk=link.post_id).first()
            target = post.get_absolute_url() if post else None
        else:
            page = Page.objects.published().filter(pk=link.page_id).first()
            target = page.get_absolute_url() if page else None
        if target and target != request.path:
            return HttpResponsePermanentRedirect(target)
    return None


@require_safe
def blogger_post(request, year, month, slug):
    return _post_redirect(request, source=LegacyLink.Source.BLOGGER, old_path=request.path)


@require_safe
def blogger_label(request, name):
    tag = get_object_or_404(Tag, name__iexact=name.strip())
    return HttpResponsePermanentRedirect(tag.get_absolute_url())


@require_safe
def blogger_feed(request):
    return HttpResponsePermanentRedirect(reverse("blog:feed" if request.GET.get("alt") == "rss" else "blog:atom_feed"))


@require_safe
def wordpress_post(request, year, month, day, slug):
    return _post_redirect(request, source=LegacyLink.Source.WORDPRESS, old_path=request.path)


def wordpress_query_redirect(request):
    """For the home page: /?p=ID of an imported WordPress post -> its page; else None."""
    post_id = request.GET.get("p", "")
    if not post_id.isdigit() or len(post_id) > 20:
        return None
    try:
        return _post_redirect(request, source=LegacyLink.Source.WORDPRESS, source_id=post_id)
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
