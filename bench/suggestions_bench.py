"""Suggestions (suggestions/): quality on a labelled set, then speed as the blog grows.

Run: python bench/suggestions_bench.py
     (SQLite in a temporary file by default; SUGGESTIONS_BENCH_DATABASE_URL=postgres://... for
     PostgreSQL, a database that is emptied first. SUGGESTIONS_BENCH_SIZES=100,10000,100000.)

1. Quality: the 42 posts of bench/data/suggestions_labelled.toml (written for this project,
   each with the posts a careful author would pin under it). For every post, with its own tags
   in the form and with none, the top five suggested Relevant Discussions are compared with
   its labelled `related`: precision@5 and recall@5, averaged over the posts. Tags: the share
   of posts whose own tags (hidden) come back in the top five suggested tags.
2. Speed: a synthetic corpus (60 subjects of 40 words each over a 3,000-word vocabulary,
   120 words a post, three tags from a long-tailed set) at each size, indexed in bulk
   (`suggestions.index.rebuild`, timed once), then `suggest()` for 30 posts' texts (the
   editor's request) and `similar_posts()` (the Relevant Discussions hook): median and 95th
   percentile, and the queries each took. Prints Markdown tables.
"""

import os
import random
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("SUGGESTIONS_BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
SIZES = [int(s) for s in os.environ.get("SUGGESTIONS_BENCH_SIZES", "100,10000,100000").split(",")]
RUNS = 30

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from blog.models import Post, Tag, Theme  # noqa: E402
from suggestions import index  # noqa: E402
from suggestions.engine import similar_posts, suggest  # noqa: E402


def empty():
    call_command("flush", interactive=False, verbosity=0)


def setup():
    call_command("migrate", verbosity=0)
    empty()


def author_and_theme():
    user = get_user_model().objects.create_user("bench")
    theme = Theme.objects.create(name="Careers", slug="careers")
    return user, theme


def quality():
    data = tomllib.loads((ROOT / "bench/data/suggestions_labelled.toml").read_text())["posts"]
    user, theme = author_and_theme()
    now = timezone.now()
    posts, tags = {}, {}
    for n, item in enumerate(data):
        post = Post.objects.create(
            title=item["title"],
            body=item["body"],
            author=user,
            theme=theme,
            slug=item["key"],
            status=Post.Status.PUBLISHED,
            published_at=now - timezone.timedelta(days=n + 1),
        )
        for name in item["tags"]:
            tags.setdefault(name, Tag.objects.get_or_create(name=name)[0])
        post.tags.set([tags[name] for name in item["tags"]])
        posts[item["key"]] = post
    index.rebuild()
    keys = {post.pk: key for key, post in posts.items()}
    rows = []
    for mode in ("text and tags", "text only"):
        precision, recall, tag_hits = [], [], []
        for item in data:
            post = posts[item["key"]]
            tag_ids = [tags[name].pk for name in item["tags"]] if mode == "text and tags" else []
            found = suggest(title=post.title, body=post.body, post_id=post.pk, tag_ids=tag_ids, limit=5)
            top = [keys[s.post.pk] for s in found.posts[:5]]
            hits = len(set(top) & set(item["related"]))
            precision.append(hits / 5)
            recall.append(hits / len(item["related"]))
            if mode == "text only":
                suggested = [t.name for t in found.tags[:5]]
                real = set(item["tags"])
                tag_hits.append(len(real & set(suggested)) >= min(2, len(real)))
        rows.append((mode, statistics.mean(precision), statistics.mean(recall), tag_hits))
    print("| Relevant Discussions suggested from | precision@5 | recall@5 |")
    print("|---|---|---|")
    for mode, p, r, _ in rows:
        print(f"| {mode} | {p:.2f} | {r:.2f} |")
    hits = rows[1][3]
    print(
        f"\nTags hidden, top five suggested tags recover two of the post's own (or its only one): "
        f"{sum(hits)} of {len(hits)} posts\n"
    )


def synthetic(count):
    rng = random.Random(20)
    vocabulary = [f"w{n:04d}" for n in range(3000)]
    subjects = [rng.sample(vocabulary, 40) for _ in range(60)]
    user, theme = author_and_theme()
    tag_objects = Tag.objects.bulk_create([Tag(name=f"tag {n}", slug=f"tag-{n}") for n in range(max(20, count // 50))])
    now = timezone.now()
    batch = []
    for n in range(count):
        subject = subjects[n % 60]
        words = [rng.choice(subject) if rng.random() < 0.6 else rng.choice(vocabulary) for _ in range(120)]
        status = Post.Status.DRAFT if n % 50 == 0 else Post.Status.PUBLISHED
        batch.append(
            Post(
                title=" ".join(words[:6]),
                slug=f"p{n}",
                body=" ".join(words),
                body_html="",
                author=user,
                theme=theme,
                status=status,
                published_at=now - timezone.timedelta(minutes=n),
            )
        )
        if len(batch) == 5000:
            Post.objects.bulk_create(batch)
            batch = []
    Post.objects.bulk_create(batch)
    through = Post.tags.through
    ids = list(Post.objects.values_list("pk", flat=True))
    rows, weights = [], [1 / (k + 1) for k in range(len(tag_objects))]
    for pk in ids:
        for tag in set(rng.choices(tag_objects, weights=weights, k=3)):
            rows.append(through(post_id=pk, tag_id=tag.pk))
    through.objects.bulk_create(rows, batch_size=10000)
    return ids


def timed(function):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        function()
        elapsed = time.perf_counter() - start
    return elapsed * 1000, len(queries)


def speed():
    print(
        "| posts | index build (s) | suggest() median / p95 (ms) | queries "
        "| similar_posts() median / p95 (ms) | queries |"
    )
    print("|---|---|---|---|---|---|")
    for size in SIZES:
        empty()
        ids = synthetic(size)
        start = time.perf_counter()
        index.rebuild()
        build = time.perf_counter() - start
        rng = random.Random(size)
        sample = Post.objects.filter(pk__in=rng.sample(ids, min(RUNS, len(ids)))).prefetch_related("tags")
        editor, hook, q1, q2 = [], [], set(), set()
        for post in sample:
            tag_ids = [t.pk for t in post.tags.all()]
            ms, q = timed(
                lambda post=post, tag_ids=tag_ids: suggest(
                    title=post.title, body=post.body, post_id=post.pk, tag_ids=tag_ids
                )
            )
            editor.append(ms), q1.add(q)
            ms, q = timed(lambda post=post: similar_posts(post, limit=5))
            hook.append(ms), q2.add(q)
        p95 = lambda values: sorted(values)[int(0.95 * (len(values) - 1))]  # noqa: E731
        print(
            f"| {size:,} | {build:.1f} | {statistics.median(editor):.0f} / {p95(editor):.0f} | {max(q1)} "
            f"| {statistics.median(hook):.0f} / {p95(hook):.0f} | {max(q2)} |",
            flush=True,
        )
        reset_queries()


if __name__ == "__main__":
    setup()
    print(f"Database: {connection.vendor}\n")
    quality()
    speed()
