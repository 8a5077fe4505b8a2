"""The security headers on static files, which WhiteNoise answers before Django's middleware.

WhiteNoiseMiddleware returns a static file without calling the middleware below it, so the
Content-Security-Policy (django-csp) and X-Frame-Options (XFrameOptionsMiddleware) never reach
it; SecurityMiddleware, above it, adds the rest. WhiteNoise's WHITENOISE_ADD_HEADERS_FUNCTION
adds them to every file it serves, from the same settings as the pages' (an SVG or an HTML
file under static/ is a document a browser would run and frame like any page).
"""


def add_security_headers(headers, path, url):
    from csp.constants import HEADER as CSP_HEADER
    from csp.utils import build_policy
    from django.conf import settings

    headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault(CSP_HEADER, build_policy())
