"""The site's URLs plus uploaded images from MEDIA_ROOT, for the browser tests of images.

The live server runs with DEBUG off, where config/urls.py serves no media (nginx or the
bucket do in production); tests/e2e/test_images.py switches ROOT_URLCONF to this module.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from config.urls import handler404, handler500  # noqa: F401 - handlers
from config.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)  # read per request: tests move it


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
