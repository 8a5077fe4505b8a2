"""The error pages Django draws itself (handler400, handler404, handler500), with the security headers.

An exception raised in a middleware that runs before the CSP and clickjacking middleware (a
Host header not in ALLOWED_HOSTS, found by config.page_cache, for one) becomes a response at
that point, so those middleware never see it: these handlers set X-Frame-Options and the
Content-Security-Policy themselves (SecurityMiddleware, outermost, adds the rest).
"""

import functools

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.http import Http404
from django.views import defaults
from django.views.decorators.cache import never_cache

from blog import views


def with_security_headers(handler):
    @functools.wraps(handler)
    def wrapper(request, *args, **kwargs):
        response = handler(request, *args, **kwargs)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        response.headers.setdefault(CSP_HEADER, build_policy())
        return response

    return wrapper


bad_request = with_security_headers(defaults.bad_request)
page_not_found = with_security_headers(views.page_not_found)
server_error = with_security_headers(views.server_error)


@never_cache
def preview_not_found(request):
    """/404/ under DEBUG (config.urls), for staff: the blog's own 404 page, with its 404 status.

    With DEBUG on, Django answers a missing page with its technical 404 instead of
    templates/404.html; this is where a writer sees the page readers will get.
    """
    if not (request.user.is_authenticated and request.user.is_staff):
        raise Http404("The 404 preview is for staff.")
    return page_not_found(request, Http404("A preview of the 404 page."))
