"""Every routed URL, with ids that are not public, too large or malformed, answers 4xx or 2xx/3xx,
never 5xx, and every response carries the security headers (issue 18, quality bar).

The URL map is read from config.urls' resolver, so a route added later is tested too. Each
route's converters are filled with a draft's or a held comment's id or slug, a huge number,
or a malformed value; each address is requested by an anonymous reader with GET, HEAD, POST
and an unknown method (PATCH), and with a Host header the site does not serve. Regex routes
(the admin's catch-all, comments' huge-id guard) are filled the same way as far as a regex
allows; route patterns must each be reached by the address made for them.

Static files (/static/) are left out of the header check: whitenoise answers them before the
middleware that sets X-Frame-Options and the CSP (issue 18, finding 10, is about that).
"""

import contextlib
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern
from django_comments_xtd.models import XtdComment

from .commenting import post_comment
from .factories import DraftFactory, PostFactory, ScheduledFactory, TagFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
SECURITY_HEADERS = ("X-Frame-Options", "Content-Security-Policy", "X-Content-Type-Options")
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
GROUP = re.compile(r"\((?:\?P<\w+>)?[^()]*\)")


def routes(patterns=None, prefix="", is_regex=False):
    """(the pattern's full text, whether any part of it is a regex, the URLPattern) for every route."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        text = prefix + str(entry.pattern)
        regex = is_regex or not isinstance(entry.pattern, RoutePattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, text, regex)
        elif isinstance(entry, URLPattern):
            yield text, regex, entry


def fill(text, is_regex, values):
    """An address for the route: each converter (or regex group) replaced by a sample value."""
    if not is_regex:
        return "/" + CONVERTER.sub(lambda m: values.get(m["kind"] or "str", values["str"]), text) + values["query"]
    text = text.replace("(?:^|/)", "").replace("(?:/|$)", "/").replace("^", "").replace("$", "").replace(r"\Z", "")
    text = re.sub(r"\\d\{\d+,\d*\}", HUGE, text)  # comments' guard against ids too long for the database
    text = GROUP.sub(values["int"], text)
    return "/" + re.sub(r"[\\?*+{}\[\]|]", "", text) + values["query"]


@pytest.fixture
def hidden():
    """A public post with a published comment, a draft and a scheduled post, a held comment."""
    post = PostFactory(title="Knock on doors", tags=[TagFactory(name="networking")])
    draft = DraftFactory(title="Not out yet", slug="not-out-yet")
    scheduled = ScheduledFactory(title="Out on Monday", slug="out-on-monday")
    assert post_comment(Client(), post, name="New", email="new@example.com", comment="Held.").status_code == 302
    return {"draft": draft, "scheduled": scheduled, "held": XtdComment.norel_objects.latest("pk")}


def variants(hidden):
    draft, scheduled, held = hidden["draft"], hidden["scheduled"], hidden["held"]
    date = scheduled.published_at
    common = {"yyyy": f"{date.year:04d}", "mm": f"{date.month:02d}", "query": ""}

    def private(pk, slug):
        return {**common, "int": str(pk), "id": str(pk), "path": str(pk), "slug": slug, "str": slug}

    return {
        "draft post": private(draft.pk, draft.slug),
        "scheduled post": private(scheduled.pk, scheduled.slug),
        "held comment": {**private(held.pk, "held"), "str": str(held.pk)},
        "huge": {
            "yyyy": "9999",
            "mm": "12",
            "int": HUGE,
            "id": "9" * 18,
            "slug": "a" * 300,
            "str": HUGE,
            "path": HUGE,
            # the paging and id parameters of the list pages, the thread, and old WordPress links
            "query": f"?page={HUGE}&cpage={HUGE}&c={HUGE}&p={HUGE}&q={HUGE}",
        },
        "malformed": {
            "yyyy": "0000",
            "mm": "00",
            "int": "-1",
            "id": "x",
            "slug": "%E2%80%AE",
            "str": "%00%ff",
            "path": "..%2F..%2Fetc",
            "query": "?page=-1&cpage=x&c=%00&p=1e9&q=%ff",
        },
    }


def addresses(hidden):
    """{address: (route text, variant)}, and the route patterns no address reached."""
    found, unreached = {}, []
    for text, is_regex, pattern in routes():
        reached = is_regex
        for name, values in variants(hidden).items():
            address = fill(text, is_regex, values)
            found.setdefault(address, (text, name))
            with contextlib.suppress(Resolver404):
                reached = reached or resolve(address.split("?")[0]).func == pattern.callback
        if not reached:
            unreached.append(text)
    return found, unreached


def problems(response, address, how):
    status = response.status_code
    if status >= 500:
        return [f"{how} {address}: {status}"]
    if address.startswith("/static/"):
        return []
    missing = [header for header in SECURITY_HEADERS if not response.has_header(header)]
    return [f"{how} {address}: {status} without {', '.join(missing)}"] if missing else []


def test_the_url_map_is_read_whole(hidden):
    """The test below is only as good as this: every route pattern gets an address of its own."""
    found, unreached = addresses(hidden)
    assert not unreached
    texts = {text for text, _ in found.values()}
    for route in (
        "comments/moderate/<str:token>/",
        "comments/cr/<id:content_type_id>/<str:object_pk>/",
        "<yyyy:year>/<mm:month>/<slug:slug>/",
        "admin/blog/post/<path:object_id>/change/",
    ):
        assert route in texts
    assert len(found) > 200


def test_no_routed_url_answers_5xx_and_every_answer_has_the_security_headers(hidden):
    reader = Client(raise_request_exception=False)
    found, _ = addresses(hidden)
    failures = []
    for address in found:
        for method in ("get", "head", "post", "patch"):
            failures += problems(getattr(reader, method)(address), address, method.upper())
        for host in ("evil.example", ""):
            failures += problems(reader.get(address, HTTP_HOST=host), address, f"GET (Host {host!r})")
    assert not failures, "\n".join(failures)


def test_drafts_scheduled_posts_and_held_comments_are_never_shown_to_a_reader(hidden):
    reader = Client(raise_request_exception=False)
    found, _ = addresses(hidden)
    leaks = []
    for address, (_, variant) in found.items():
        if variant not in ("draft post", "scheduled post", "held comment") or address.startswith("/admin/"):
            continue
        response = reader.get(address)
        body = response.content.decode(errors="replace") + response.get("Location", "")
        for secret in ("Not out yet", "not-out-yet", "Out on Monday", "out-on-monday", "Held."):
            if secret in body and secret not in address:
                leaks.append(f"{address} ({response.status_code}) shows {secret!r}")
    assert not leaks, "\n".join(leaks)


def test_no_routed_url_answers_5xx_to_staff(hidden, staff):
    """The admin's own pages too, signed in: a huge or malformed object id is a 4xx or a redirect."""
    editor = Client(raise_request_exception=False)
    editor.force_login(staff)
    found, _ = addresses(hidden)
    failures = []
    for address in found:
        failures += problems(editor.get(address), address, "GET (staff)")
    assert not failures, "\n".join(failures)
