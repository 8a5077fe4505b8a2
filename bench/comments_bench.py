"""Post page with N threaded comments, and posting one comment, measured side by side.

Run: python bench/comments_bench.py   (SQLite test database; prints Markdown tables)
Reports median server time of 9 runs, SQL queries and response size, for our thread
and for django-comments-xtd's stock render_xtdcomment_tree tag on the same comments.

    python bench/comments_bench.py --thread            only the 3-level, 1,000-comment table
    python bench/comments_bench.py --thread --profile  and a cProfile of our page (top 40)

The 3-level table: about 330 top-level threads, each a comment, a reply and a reply to
the reply (1,000 comments in all, every one on the page: COMMENTS_PER_PAGE is large),
anonymous reader, page cache emptied before each run. "Our page" is the whole post page
through Django's WSGI handler and every middleware, as a server calls it (not through the
test client, whose template-context copying no server pays; that is measured too, as the
table above does); "stock" is the xtd tag rendering the same comments. They are timed in
turn, RUNS_THREAD times each, in this one process; the ratio is of their medians.
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
RUNS_THREAD = 15  # the 3-level table: medians of this many alternate runs
TARGET_RATIO = 0.10  # our page / stock tag at 1,000 comments


def timed(function):
    times, queries, size = [], 0, 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            size = function()
            times.append(time.perf_counter() - start)
        queries = len(captured)
    return statistics.median(times) * 1000, queries, size


def three_level_thread(post, *, roots=333, total=1000, author=None):
    """`total` published comments on `post` in `roots` threads of three levels.

    Each thread is a comment, a reply and a reply to that reply; what is left over of
    `total` becomes second replies to the first threads. Every fifth commenter gives a
    website; every seventh reply to a reply is by `author` (the post's author, when given).
    Written with XtdComment.save(), which computes xtd's thread data (bench-only data: the
    real write paths live in comments/), plus each comment's Moderation row. Dates spread
    over four weeks, so the thread shows "N minutes/hours/days ago" and plain dates.
    """
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from django_comments_xtd.models import XtdComment

    from blog.models import Post
    from comments.models import Moderation, Reason, State

    content_type = ContentType.objects.get_for_model(Post)
    now = timezone.now()
    made = []

    def write(parent=None, by=None):
        n = len(made)
        name = f"Reader {n % 211}" if by is None else by.get_username()
        comment = XtdComment(
            content_type=content_type,
            object_pk=str(post.pk),
            site_id=settings.SITE_ID,
            parent_id=parent.pk if parent else 0,
            user=by,
            user_name=name,
            user_email=by.email if by else f"reader{n % 211}@example.com",
            user_url=f"https://reader{n}.example.com/" if n % 5 == 0 else "",
            comment=f"Comment {n}: a few sentences about the post, as readers write them. " * 3,
            submit_date=now - datetime.timedelta(minutes=40 * (total - n)),
            is_public=True,
            is_removed=False,
        )
        comment.save()
        made.append(comment)
        return comment

    extra = total - 3 * roots
    for i in range(roots):
        root = write()
        reply = write(root)
        write(reply, by=author if author is not None and i % 7 == 0 else None)
        if i < extra:
            write(root)
    Moderation.objects.bulk_create(  # or replace the row comments/ gave a comment saved outside it
        (
            Moderation(
                comment_id=c.pk,
                state=State.PUBLISHED,
                reason=Reason.SEEDED,
                body_html="".join(f"<p>{line}</p>" for line in c.comment.split(". ") if line),
                announced=True,
            )
            for c in made
        ),
        update_conflicts=True,
        unique_fields=["comment"],
        update_fields=["state", "reason", "body_html", "announced"],
    )
    return made


def wsgi_get(handler, url):
    """GET `url` through Django's WSGI handler (every middleware), as a server would: bytes."""
    from django.test import RequestFactory

    environ = RequestFactory().get(url).environ
    body = []
    chunks = handler(environ, lambda status, headers, exc_info=None: body.append(status))
    try:
        return b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()


def thread_table(staff, *, profile=False):
    """Our whole post page against the stock tag, 1,000 comments in 3-level threads."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.handlers.wsgi import WSGIHandler

    from tests.factories import PostFactory

    post = PostFactory(title="Bench three levels")
    # Readers only: a comment by a registered user costs the stock tag two more queries
    # (its moderator badge), so the ratio below is against the stock tag at its cheapest.
    comments = three_level_thread(post)
    handler = WSGIHandler()
    url = post.get_absolute_url()
    stock = Template("{% load comments_xtd %}{% render_xtdcomment_tree for post %}")

    def ours():
        cache.clear()  # page cache off: the page is rendered each time
        local_pages.clear()
        return len(wsgi_get(handler, url))

    client = Client()

    def ours_by_client():  # as the table above measures: the test client also copies every template's context
        cache.clear()
        local_pages.clear()
        return len(client.get(url).content)

    def theirs():
        return len(stock.render(Context({"post": post, "user": AnonymousUser()})))

    page = wsgi_get(handler, url).decode()
    shown = page.count('<li class="comment')
    assert shown == len(comments), f"our page shows {shown} of {len(comments)} comments"
    ours(), ours_by_client(), theirs()  # warm all: templates compiled, content types cached
    samples = {"ours": [], "client": [], "stock": []}
    queries = {}
    for _ in range(RUNS_THREAD):
        for name, function in (("ours", ours), ("stock", theirs), ("client", ours_by_client)):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                size = function()
                samples[name].append(time.perf_counter() - start)
            queries[name] = (len(captured), size)
    ours_ms = statistics.median(samples["ours"]) * 1000
    stock_ms = statistics.median(samples["stock"]) * 1000
    ratio = ours_ms / stock_ms
    levels = {}
    for comment in comments:
        levels[comment.level] = levels.get(comment.level, 0) + 1
    print(
        f"\n### {len(comments)} comments, 3 levels ({levels.get(0, 0)} top-level, {levels.get(1, 0)} replies, "
        f"{levels.get(2, 0)} replies to replies), one page, uncached; medians of {RUNS_THREAD} alternate runs\n"
    )
    print("| | ms (median) | min | max | queries | KB |")
    print("|---|---:|---:|---:|---:|---:|")
    rows = (
        ("ours", "our whole post page (WSGI handler)"),
        ("client", "the same through the test client"),
        ("stock", "xtd `render_xtdcomment_tree` tag"),
    )
    for name, label in rows:
        times = [t * 1000 for t in samples[name]]
        print(
            f"| {label} | {statistics.median(times):.1f} | {min(times):.1f} | {max(times):.1f} "
            f"| {queries[name][0]} | {queries[name][1] / 1024:.0f} |"
        )
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    client_ratio = statistics.median(samples["client"]) * 1000 / stock_ms
    print(
        f"\nours / stock = {ratio:.3f} (target <= {TARGET_RATIO:.2f}: {verdict}); "
        f"through the test client {client_ratio:.3f}"
    )
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(RUNS_THREAD):
            ours()
        profiler.disable()
        print(f"\ncProfile of our page, {RUNS_THREAD} runs (cumulative, top 40):\n")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(25)
    return ratio


def main():
    only_thread = "--thread" in sys.argv
    profile = "--profile" in sys.argv
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
        if only_thread:
            thread_table(staff, profile=profile)
            return
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
        thread_table(staff, profile=profile)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
