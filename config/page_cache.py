"""A lean path for anonymous readers: whole public pages from the cache.

Placed before the session and auth middleware (and before the CSP middleware: the stored
headers include the policy), so a cache hit costs no database query and at most one cache
round trip (the generation and the page, read together). Only requests that carry nothing
personal are served from or stored in the cache: GET/HEAD, no session cookie (logged-in
users and readers with a held comment or a message in their session have one), no messages
cookie. Only 200 responses without
Set-Cookie and without a private/no-store Cache-Control are stored, so a page rendered
for a logged-in user or a draft preview is never stored. Pages are keyed by scheme, host,
path and the paging parameters only (so ?utm_... does not fill the cache), and stored with
the generation of blog.cache they were rendered in: a page from an older generation is a
miss. What is stored is the status, the headers and the body as one string (not the
response object: cheaper to load, and a feed written in hundreds of pieces is sent in one).
Stored pages carry a weak ETag, the generation they were rendered in (no hash of the body
to compute: a page only changes with its generation); a matching If-None-Match gets a 304.

Each process also keeps the pages it served most recently in memory (LocalPages, at most
PAGE_CACHE_LOCAL_BYTES): a hit then needs only the generation, which blog.cache rereads from
the shared cache once a second (a 150 KB post page from Redis cost a third of a hit's time,
the generation's round trip half of it). The generation check is the same for both, so an
invalidation is seen as blog.cache describes.
"""

import hashlib
import logging
import re
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

from blog.cache import STATE_KEY, generation

CACHED_PREFIXES_EXCLUDED = ("/admin/", "/comments/", "/search/", "/static/")
CACHED_UNDER_EXCLUDED = ("/comments/feed/",)  # the comments feed is public like the other feeds
KEY_PARAMS = ("page", "cpage")  # short numbers only: see is_cacheable_request
# A page number as our links write it ("1" ... "99999"; not "01", "١" or "²", which int()
# and str.isdigit() accept): one stored copy per real page.
STORED_NUMBER = re.compile(r"[1-9][0-9]{0,4}")
PAGE_TIMEOUT = 24 * 3600
logger = logging.getLogger(__name__)


class LocalPages:
    """A size-bounded, least-recently-used map of key -> stored page, for one process."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.size = 0
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key, page):
        size = len(page[3])
        if size > self.max_bytes:
            return
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= len(old[3])
            self.pages[key] = page
            self.size += size
            while self.size > self.max_bytes:
                _, dropped = self.pages.popitem(last=False)
                self.size -= len(dropped[3])

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.size = 0


local_pages = LocalPages(getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024))


def is_cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(CACHED_PREFIXES_EXCLUDED) and not request.path.startswith(CACHED_UNDER_EXCLUDED):
        return False
    if "p" in request.GET:  # /?p=ID: an old WordPress link (blog.legacy), rare and never stored
        return False
    for name in KEY_PARAMS:  # arbitrary values must not fill the cache with copies of a page
        value = request.GET.get(name)
        if value is not None and not STORED_NUMBER.fullmatch(value):
            return False
    cookies = request.COOKIES
    # A session (signed in), a message, or held comments of one's own (comments.views): personal.
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies or "comments_pending" in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def _key(request):
    params = "&".join(f"{name}={request.GET.get(name)}" for name in KEY_PARAMS if name in request.GET)
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{params}"
    return f"page:{hashlib.sha256(raw.encode()).hexdigest()}"


def _storable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # A view that showed another page than the one asked for (?cpage=99999 shows the last
    # page of comments) says so: that copy is not stored under the number asked for.
    if getattr(request, "page_cache_store", True) is False:
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        local = local_pages.get(key)
        try:
            if local is not None:  # only the generation is needed from the shared cache
                current = generation()
                stored = local if local[0] == current else cache.get(key)
            else:
                found = cache.get_many([STATE_KEY, key])
                current = generation(found.get(STATE_KEY))
                stored = found.get(key)
        except Exception:  # noqa: BLE001 - a broken cache must not break the site
            return self.get_response(request)
        if stored is not None and stored[0] == current:
            if stored is not local:
                local_pages.put(key, stored)
            _, status, headers, content = stored
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Page-Cache"] = "hit"
            return get_conditional_response(request, etag=response["ETag"], response=response)
        response = self.get_response(request)
        if _storable(request, response):
            response.content = content = response.content  # one string, however it was written
            response["ETag"] = f'W/"{current}"'
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            page = (current, response.status_code, dict(response.items()), content)
            local_pages.put(key, page)
            try:
                cache.set(key, page, PAGE_TIMEOUT)
            except Exception as error:  # noqa: BLE001 - a broken cache must not break the site
                logger.warning("page cache: could not store %s: %s", request.path, error)
            response["X-Page-Cache"] = "miss"
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response
