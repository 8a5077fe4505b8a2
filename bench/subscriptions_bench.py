"""Sending one post to 10,000 subscribers: the database task backend and a local mail backend.

Run from the project root:  python bench/subscriptions_bench.py [--subscribers 10000]
     (DATABASE_URL picks the database: default a fresh SQLite file in a temporary folder,
     migrated here; postgres://... uses that database, which must be empty: it is migrated
     and then flushed at the end.)

What runs: a post is published (saved live), which enqueues subscriptions.sending.announce_post
in the database queue (django_tasks_db.DatabaseBackend, as in production); then
`manage.py db_worker --batch` runs it, timed. Mail goes to the locmem backend for the 10,000
run (the messages are counted and their headers checked), and to the console backend writing
to /dev/null for the memory runs (locmem keeps every message in a list: that list, not the
sender, would grow). Queries are counted over the worker's whole run (its own bookkeeping
included) on the untraced runs. Memory: tracemalloc's peak during the worker run (Python
allocations), at 1,000 and at 10,000 subscribers, after the first run has imported
everything: flat means the same peak for ten times the mail. A second run of the same task
(a retry) sends nothing and is timed too. Markdown on stdout, progress on stderr.
"""

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
TMP = tempfile.mkdtemp(prefix="subs_bench_")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ["DJANGO_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")

import django  # noqa: E402

django.setup()

from benchlib import log  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from blog.models import Post, Theme  # noqa: E402
from subscriptions import sending  # noqa: E402
from subscriptions.models import Delivery, Subscriber, Subscription  # noqa: E402


def setup(count):
    Delivery.objects.all().delete()
    Subscription.objects.all().delete()
    Subscriber.objects.all().delete()
    now = timezone.now()
    step = 5000
    for start in range(0, count, step):
        made = Subscriber.objects.bulk_create(
            Subscriber(email=f"reader{n}@example.com") for n in range(start, min(count, start + step))
        )
        Subscription.objects.bulk_create(Subscription(subscriber=s, kind="blog", confirmed_at=now) for s in made)


def publish(author, theme, n):
    return Post.objects.create(
        title=f"Bench post {n}",
        author=author,
        theme=theme,
        body="Some **career** advice.\n\nMore text.",
        summary="A summary for the mail.",
        status=Post.Status.PUBLISHED,
    )


def run_worker(*, trace):
    """(seconds, queries, peak traced bytes): queries are counted on untraced runs only (counting
    keeps every statement's SQL, batches of inserts included: memory that grows with the run)."""
    if trace:
        tracemalloc.start()
        started = time.perf_counter()
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return elapsed, None, peak
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    args = parser.parse_args()
    log(f"database: {connection.vendor}; migrating")
    call_command("migrate", verbosity=0)
    author, _ = get_user_model().objects.get_or_create(username="bench-author")
    theme, _ = Theme.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    rows = []

    # Sending, to locmem: total time, queries per mail, the mails themselves.
    setup(args.subscribers)
    log(f"{args.subscribers} subscribers; publishing a post and running the worker (locmem)")
    mail.outbox = []
    post = publish(author, theme, 1)
    elapsed, queries, _ = run_worker(trace=False)
    sent = len(mail.outbox)
    assert sent == args.subscribers, sent
    first = mail.outbox[0]
    assert first.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len({m.to[0] for m in mail.outbox}) == sent  # one each
    rows.append(("send (locmem)", args.subscribers, sent, elapsed, queries, None))
    mail.outbox = []

    # A retry of the same task: nothing is sent twice.
    sending.announce_post.enqueue(post_id=post.pk)
    elapsed, queries, _ = run_worker(trace=False)
    rows.append(("retry of the same post", args.subscribers, len(mail.outbox), elapsed, queries, None))

    # Memory: console backend to /dev/null, 1,000 then the full count.
    for n, count in enumerate((args.subscribers // 10, args.subscribers), start=2):
        setup(count)
        log(f"{count} subscribers; memory run (console backend to /dev/null)")
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"),
            contextlib.redirect_stdout(io.StringIO()) as sink,
        ):
            publish(author, theme, n)
            sink.write = lambda text: len(text)  # keep nothing
            elapsed, queries, peak = run_worker(trace=True)
        sent_now = Delivery.objects.filter(status=Delivery.Status.SENT).count()
        rows.append((f"send (console, traced), {count}", count, sent_now, elapsed, queries, peak))

    print(
        f"Database: {connection.vendor}; batch size {sending.batch_size()}; "
        "DJANGO_TASKS_BACKEND=django_tasks_db.DatabaseBackend"
    )
    print()
    print("| run | subscribers | mails sent | worker time (s) | mails/s | queries | queries per mail | peak memory |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, count, sent, elapsed, queries, peak in rows:
        per_mail = f"{queries / sent:.4f}" if sent and queries is not None else "–"
        queries = "–" if queries is None else queries
        rate = f"{sent / elapsed:,.0f}" if sent else "–"
        memory = f"{peak / 1e6:.1f} MB" if peak is not None else "–"
        print(f"| {name} | {count:,} | {sent:,} | {elapsed:.2f} | {rate} | {queries} | {per_mail} | {memory} |")
    call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
