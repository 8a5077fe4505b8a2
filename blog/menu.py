"""The menu of standalone pages (About, Contact) in the header of every page.

Read once per page generation (blog.cache): the list is kept in the cache under the current
generation, so rendering a page costs no query for it, and a change to any Page (which starts
a new generation, blog.signals) shows in the menu of the very next page rendered. A page
served from the page cache does not run this at all.
"""

import contextlib

from django.core.cache import cache

from .cache import generation
from .models import Page

MENU_TIMEOUT = 300


def _read():
    return [
        {"title": title, "url": Page(slug=slug).get_absolute_url()}
        for title, slug in Page.objects.in_menu().values_list("title", "slug")
    ]


def menu_pages():
    """[{"title", "url"}, ...] of the published in-menu pages, in menu order: at most one query."""
    try:
        key = f"menu:{generation()}"
        items = cache.get(key)
    except Exception:  # noqa: BLE001 - a broken cache must not break the site
        return _read()
    if items is None:
        items = _read()
        with contextlib.suppress(Exception):  # the menu was read; storing it is only a saving
            cache.set(key, items, MENU_TIMEOUT)
    return items
