"""The menu of standalone pages (About, Contact) in the header of every page.

Kept in the cache under the token of the cache key MENU (blog.cache_keys), which every page
showing it carries: rendering a page costs no query for it, and a change to any Page (which
purges MENU, blog.signals) shows in the menu of the very next page rendered. A page served
from the page cache does not run this at all.
"""

import contextlib

from django.core.cache import cache

from . import cache_keys
from .models import Page

MENU_TIMEOUT = 300


def _read():
    return [
        {"title": title, "url": Page(slug=slug).get_absolute_url()}
        for title, slug in Page.objects.in_menu().values_list("title", "slug")
    ]


def menu_pages():
    """[{"title", "url"}, ...] of the published in-menu pages, in menu order: at most one query."""
    cache_keys.add(cache_keys.MENU)
    try:
        key = f"menu:{cache_keys.tokens([cache_keys.MENU])[cache_keys.MENU]}"
        items = cache.get(key)
    except Exception:  # noqa: BLE001 - a broken cache must not break the site
        return _read()
    if items is None:
        items = _read()
        with contextlib.suppress(Exception):  # the menu was read; storing it is only a saving
            cache.set(key, items, MENU_TIMEOUT)
    return items
