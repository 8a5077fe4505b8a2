"""Kept for code written before cache keys (blog.cache_keys): invalidate_pages() drops every page.

New code purges by key instead: `blog.cache_keys.purge(*keys)`.
"""

from . import cache_keys


def invalidate_pages(reason="", *, schedule=True):
    """Drop every cached page, here and in the HTTP caches in front (blog.cache_keys.SITE)."""
    cache_keys.purge_all(reason)


# Bulk writers (the importers): purges asked for inside the block are sent once, at its end.
invalidations_batched = cache_keys.purges_batched
