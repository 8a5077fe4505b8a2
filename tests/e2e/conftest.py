"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Skipped, with the reason, when Chromium or Playwright is missing. The accessibility checks also
need axe-core in tests/e2e/node_modules (`npm ci` here; `make test` does it when npm exists).
"""

import contextlib
import datetime
import json
import os
import time
from pathlib import Path

import pytest
from django.utils import timezone

from ..factories import PostFactory, StaffFactory, TagFactory, ThemeFactory, pin
from .support import seed_comment

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

if not os.access(CHROMIUM, os.X_OK):
    MISSING = f"Chromium not found at {CHROMIUM}: run `apt-get install chromium` (make test does it when run as root)"
elif sync_playwright is None:
    MISSING = "Playwright is not installed: run `make test` (it installs requirements-dev.txt)"
else:
    MISSING = ""


@pytest.fixture(autouse=True)
def _needs_a_browser():
    if MISSING:
        pytest.skip(MISSING)


@pytest.fixture(scope="package")
def browser():
    if MISSING:  # a wider scope than _needs_a_browser's, so set up before it
        pytest.skip(MISSING)
    # Playwright's sync API keeps an asyncio loop in this thread, which Django's ORM takes for an
    # async context; the tests' own database calls (seed data, checks) are plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser, live_server):
    """new_context(**options): a fresh browser (own cookies), pages opening on the live server."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        in_flight = set()
        context.on("request", lambda request: in_flight.add(request))
        context.on("requestfinished", lambda request: in_flight.discard(request))
        context.on("requestfailed", lambda request: in_flight.discard(request))
        contexts.append((context, in_flight))
        return context

    yield make
    for context, in_flight in contexts:
        quiesce(context, in_flight)
        context.close()


def quiesce(context, in_flight, timeout=5.0):
    """Let the test's last requests finish and send no more, before the database is flushed.

    A page still talking to the live server when the test ends (a debounced preview, the
    editor's autosave on `pagehide` as the page closes) would write while PostgreSQL
    truncates the tables: a deadlock, and a failed test that did nothing wrong.
    """
    context.route("**/*", lambda route: route.abort())
    pages = context.pages
    for page in pages:  # keepalive requests sent while a page unloads bypass Playwright's routing
        with contextlib.suppress(Exception):
            page.evaluate("() => { window.fetch = () => new Promise(() => {}); navigator.sendBeacon = () => true; }")
    deadline = time.monotonic() + timeout
    while pages and in_flight and time.monotonic() < deadline:
        pages[0].wait_for_timeout(50)  # lets Playwright deliver the requests' events


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def site(transactional_db, live_server):
    """A small blog: three posts cross-referenced by tags, one with a thread, the author staff."""
    author = StaffFactory(username="author", first_name="Ada", last_name="Writer", email="author@example.com")
    theme = ThemeFactory(name="Job Search", slug="job-search")
    other_theme = ThemeFactory(name="Changing Careers", slug="changing-careers")
    networking = TagFactory(name="networking", slug="networking")
    interviews = TagFactory(name="interviews", slug="interviews")
    post = PostFactory(
        title="Knock on doors",
        author=author,
        theme=theme,
        body="Going to a company in person still works.\n\n## Why it works\n\nPeople remember a face.",
        tags=[networking, interviews],
    )
    related = PostFactory(
        title="Coffee with strangers",
        author=author,
        theme=other_theme,
        body="An informational interview is a conversation, not a favour.",
        tags=[networking],
        published_at=timezone.now() - datetime.timedelta(days=2),
    )
    pinned = PostFactory(
        title="Thank-you notes that get answers",
        author=author,
        theme=theme,
        body="Write it the same day.",
        tags=[interviews],
        published_at=timezone.now() - datetime.timedelta(days=3),
    )
    pin(post, pinned)
    first = seed_comment(post, name="Sam Reader", email="sam@example.com", text="This worked for me in **2019**.")
    answer = seed_comment(post, user=author, parent=first, text="Glad to hear it, Sam. What did you say first?")
    return {"author": author, "post": post, "related": related, "pinned": pinned, "first": first, "answer": answer}


@pytest.fixture
def axe():
    """axe(page) -> the serious and critical violations axe-core finds on the page, as text."""
    if not AXE.exists():
        pytest.skip(f"axe-core not installed: run `npm ci` in {AXE.parents[2]} (make test does it when npm exists)")
    source = AXE.read_text()

    def run(page):
        # Evaluated through the DevTools protocol: the site's CSP forbids inline <script> tags.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(f"() => {{ {source}\n }}")
        result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
        serious = [v for v in result if v["impact"] in {"serious", "critical"}]
        return [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + json.dumps([node["target"] for node in v["nodes"]][:5])
            + " "
            + (v["nodes"][0].get("failureSummary", "").replace("\n", " ") if v["nodes"] else "")
            for v in serious
        ]

    return run
