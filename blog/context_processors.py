from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .menu import menu_pages


def blog(request):
    """Site-wide names every template may use; the page menu is read only by a page that shows it."""
    return {
        "blog_title": settings.BLOG_TITLE,
        "blog_description": settings.BLOG_DESCRIPTION,
        "menu_pages": SimpleLazyObject(menu_pages),
    }
