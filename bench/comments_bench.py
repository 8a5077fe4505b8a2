"""Post page with N threaded comments, and posting one comment, measured side by side.

Run: python bench/comments_bench.py   (SQLite test database; prints a Markdown table)
Reports median server time of 9 runs, SQL queries and response size, for our thread
and for django-comments-xtd's stock render_xtdcomment_tree tag on the same comments.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from config.page_cache import local_pages  # noqa: E402

SIZES = [0, 10, 100, 1000, 5000]
RUNS = 9


def timed(function):
    times, queries, size = [], 0, 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            size = function()
            times.append(time.perf_counter() - start)
        queries = len(captured)
    return statistics.median(times) * 1000, queries, size


def main():
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain http
    settings.COMMENTS_PER_PAGE = 100_000  # one page: the whole thread
    settings.COMMENTS_RATE_LIMIT = 10**9
    settings.PAGE_CACHE_GENERATION_RECHECK = 0  # "uncached" below empties the cache: see it at once
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from django.contrib.sites.models import Site
        from django.urls import reverse

        from tests.commenting import form_fields
        from tests.factories import PostFactory, StaffFactory, bulk_thread

        Site.objects.update(domain="testserver")
        staff = StaffFactory(username="bench-staff")
        stock = Template("{% load comments_xtd %}{% render_xtdcomment_tree for post %}")
        rows = []
        for size in SIZES:
            post = PostFactory(title=f"Bench {size}")
            if size:
                bulk_thread(post, size // 2, replies_per_root=1)
            client = Client()
            url = post.get_absolute_url()

            def uncached():
                cache.clear()  # no page cache: the page is rendered (local-memory cache, cheap to clear)
                local_pages.clear()  # nor this process's copies of pages
                return len(client.get(url).content)

            ours = timed(uncached)
            client.get(url)
            cached = timed(lambda: len(client.get(url).content))
            from django.contrib.auth.models import AnonymousUser

            theirs = timed(lambda: len(stock.render(Context({"post": post, "user": AnonymousUser()}))))
            poster = Client()
            poster.force_login(staff)
            fields = form_fields(poster, post.get_absolute_url())  # read once, as a browser does

            def post_one():
                data = {**fields, "comment": f"Bench {time.perf_counter()}", "honeypot": ""}
                return poster.post(reverse("comments:post"), data).status_code

            posting = timed(post_one)
            rows.append((size, ours, cached, theirs, posting))
        print(
            "| comments | page uncached ms | queries | KB | page cached ms | queries "
            "| xtd stock tree ms | queries | stock / ours uncached | post ms | post queries |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size, ours, cached, theirs, posting in rows:
            ratio = f"{theirs[0] / ours[0]:.1f}x" if ours[0] else "-"
            print(
                f"| {size} | {ours[0]:.1f} | {ours[1]} | {ours[2] / 1024:.0f} | {cached[0]:.1f} | {cached[1]} "
                f"| {theirs[0]:.1f} | {theirs[1]} | {ratio} | {posting[0]:.1f} | {posting[1]} |"
            )
        print("\n'post' = POST one comment as staff through the real view (the form read once beforehand).")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
