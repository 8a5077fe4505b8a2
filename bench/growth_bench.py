"""Page cost as the blog grows: 100, 10,000 and 100,000 posts on PostgreSQL.

Run: python bench/growth_bench.py   (needs PostgreSQL; default
postgres://postgres@127.0.0.1:5432/blog_bench, or GROWTH_DATABASE_URL; the database is
dropped and made afresh). Prints a Markdown table. GROWTH_SIZES=100,100000 picks the sizes,
GROWTH_PAGES=search only the pages whose name contains one of the comma-separated words.

For each size the data is generated first, in SQL (not timed): posts spread over the same
eight years (so a month holds more posts as the blog grows, but the number of months stays
the same; the newest ten are minutes apart, so the newest month's page lists ten posts at every
size), 2% drafts and 1% scheduled, three tags each from a vocabulary that grows with the
blog (N/50 tags, at least 20) with a long-tailed popularity (a few tags on a large share of
posts, as on real blogs), six themes, and ten threaded comments (four threads) per published
post: 1,000,000 comments at 100,000 posts. Then each page is requested through Django's test
client with the page cache off (every request renders: the worst case, the first reader after
a change) and timed: median of RUNS after two warm-ups, with its SQL queries.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("GROWTH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/blog_bench")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.pop("REDIS_URL", None)  # local-memory cache: the page cache is switched off below anyway
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")

SIZES = [int(size) for size in os.environ.get("GROWTH_SIZES", "100,10000,100000").split(",")]
RUNS = int(os.environ.get("GROWTH_RUNS", 11))
# Only the pages whose name contains one of these words (GROWTH_PAGES=search: the search rows).
PAGES = [word for word in os.environ.get("GROWTH_PAGES", "").split(",") if word]
SPAN_DAYS = 8 * 365
COMMENTS_PER_POST = 10


def recreate_database():
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


recreate_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

TOPICS = ["interview", "networking", "resume", "salary", "LinkedIn", "career change", "remote work", "mentoring"]
PARAGRAPHS = [
    "Most {t} advice is written for someone else. Start with what you want the next two years to look "
    "like, then work backwards: who hires for that, what they read, and where they talk to each other.",
    "Keep a short list of people you learn from and write to one of them every week. A two-line note "
    "about something they made beats a long request for a favour, and it starts a real conversation.",
    "Before the {t} conversation, write down three stories: a problem you solved, a mistake you fixed "
    "and a decision you would make differently now. Most questions are one of these in disguise.",
    "Numbers make a case: how much time you saved, how many people used what you built, what it cost "
    "before and after. Put them where a reader scanning the page for thirty seconds will see them.",
    "Follow up within a day, keep it short, and add something useful: a link, a correction, an answer "
    "you thought of on the way home. Silence is not a no, and neither is a slow reply.",
]


def bodies():
    """Five Markdown bodies (~250 words) and their HTML, rendered once by the real pipeline."""
    from blog.markup import render_markdown

    out = []
    for variant in range(5):
        topic = TOPICS[variant]
        paragraphs = [PARAGRAPHS[(variant + k) % len(PARAGRAPHS)].format(t=topic) for k in range(5)]
        body = f"## Why {topic} matters\n\n" + "\n\n".join(paragraphs) + "\n\n- Write it down\n- Ask for feedback\n"
        out.append((body, render_markdown(body), " ".join(paragraphs[0].split()[:40]) + "…", len(body.split())))
    return out


def generate(size):
    """Replace all blog content with `size` posts (and their tags and comments), in SQL."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    from blog.models import Post

    author, _ = get_user_model().objects.get_or_create(username="author", defaults={"is_staff": True})
    post_type = ContentType.objects.get_for_model(Post).pk
    variants = bodies()
    n_tags = max(20, size // 50)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE comments_report, comments_moderation, django_comments_xtd_xtdcomment, django_comments,"
            " blog_pinnedpost, blog_legacylink, blog_post_tags, blog_post, blog_tag, blog_theme"
            " RESTART IDENTITY CASCADE"
        )
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            "INSERT INTO blog_theme (name, slug, description) SELECT 'Theme ' || t, 'theme-' || t, ''"
            " FROM generate_series(1, 6) t"
        )
        cursor.execute(
            "INSERT INTO blog_tag (name, slug) SELECT 'Tag ' || t, 'tag-' || t FROM generate_series(1, %s) t",
            [n_tags],
        )
        # Written in order (i = size is the newest); every 50th is a draft, every 100th (offset) scheduled.
        cursor.execute(
            """
            INSERT INTO blog_post (title, slug, summary, body, body_html, excerpt, word_count, status,
                                   published_at, allow_comments, created_at, updated_at, author_id, theme_id)
            SELECT (%(topics)s::text[])[1 + i %% 8] || ' notes, part ' || i, 'post-' || i, '',
                   (%(bodies)s::text[])[1 + i %% 5], (%(html)s::text[])[1 + i %% 5],
                   (%(excerpts)s::text[])[1 + i %% 5], (%(words)s::int[])[1 + i %% 5],
                   CASE WHEN i %% 50 = 7 THEN 'draft' ELSE 'published' END,
                   CASE WHEN i %% 50 = 7 THEN NULL
                        WHEN i %% 100 = 13 THEN now() + i * interval '1 minute'
                        -- the newest ten a few minutes apart: the newest month lists a full page at every size
                        WHEN i > %(size)s - 10 THEN now() - (%(size)s - i + 1) * interval '1 minute'
                        ELSE now() - interval '1 hour'
                             - ((%(size)s - i)::float / %(size)s) * %(span)s * interval '1 day' END,
                   true, now(), now(), %(author)s, 1 + i %% 6
            FROM generate_series(1, %(size)s) i
            """,
            {
                "topics": TOPICS,
                "bodies": [v[0] for v in variants],
                "html": [v[1] for v in variants],
                "excerpts": [v[2] for v in variants],
                "words": [v[3] for v in variants],
                "size": size,
                "span": SPAN_DAYS,
                "author": author.pk,
            },
        )
        # Three tags per post, long-tailed: tag k is picked with probability ~ 1/k.
        cursor.execute(
            """
            INSERT INTO blog_post_tags (post_id, tag_id)
            SELECT p.id, LEAST(%(n)s, GREATEST(1, floor(exp(random() * ln(%(n)s + 1)))::int))
            FROM blog_post p CROSS JOIN generate_series(1, 3)
            ON CONFLICT DO NOTHING
            """,
            {"n": n_tags},
        )
        # Ten comments per published post: threads rooted at k = 0, 3, 6, 9; k = 1, 2 reply to 0...
        public = "p.status = 'published' AND p.published_at <= now()"
        cursor.execute(
            f"""
            INSERT INTO django_comments (id, object_pk, user_name, user_email, user_url, comment, submit_date,
                                         ip_address, is_public, is_removed, content_type_id, site_id)
            SELECT p.id * 10 + k, p.id::text, 'Reader ' || k, 'reader' || (p.id * 10 + k) || '@example.com', '',
                   'A comment on this post, number ' || k || '.', p.published_at + k * interval '1 hour',
                   NULL, true, false, %s, 1
            FROM blog_post p CROSS JOIN generate_series(0, {COMMENTS_PER_POST - 1}) k WHERE {public}
            """,
            [post_type],
        )
        cursor.execute(
            """
            INSERT INTO django_comments_xtd_xtdcomment
                (comment_ptr_id, thread_id, parent_id, level, "order", followup, nested_count)
            SELECT id, id - (id % 10) % 3, id - (id % 10) % 3, CASE WHEN (id % 10) % 3 = 0 THEN 0 ELSE 1 END,
                   (id % 10) % 3 + 1, false,
                   CASE WHEN (id % 10) % 3 = 0 AND id % 10 < 9 THEN 2 ELSE 0 END
            FROM django_comments
            """
        )
        cursor.execute(
            "INSERT INTO comments_moderation"
            " (comment_id, state, reason, decided_at, body_html, report_count, announced, note, trained)"
            " SELECT id, 'published', 'seeded', submit_date, '<p>' || comment || '</p>', 0, true, '', ''"
            " FROM django_comments"
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('django_comments', 'id'), (SELECT max(id) FROM django_comments))"
        )
        cursor.execute("SELECT count(*) FROM django_comments")
        comments = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        connection.set_autocommit(True)
        cursor.execute("VACUUM ANALYZE")
    return n_tags, comments


def timed(function):
    for _ in range(2):
        function()
    times, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        queries = len(captured)
    return statistics.median(times) * 1000, queries


def pages():
    """(name, callable) for each page measured, on the data now in the database."""
    from django.db.models import Count

    from blog import selectors
    from blog.models import Post, Tag, Theme

    client = Client()
    post = Post.objects.published().prefetch_related("tags")[4]  # has neighbours both sides
    top_tag = Tag.objects.annotate(n=Count("posts")).order_by("-n").first()
    newest = Post.objects.published().first().published_at
    theme = Theme.objects.order_by("pk").first()

    def get(url):
        def request():
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return request

    def discussions():
        cache.clear()
        fresh = Post.objects.prefetch_related("tags").get(pk=post.pk)
        return selectors.relevant_discussions(fresh)

    return [
        ("home `/`", get("/")),
        ("post (10 comments)", get(post.get_absolute_url())),
        ("Relevant Discussions alone", discussions),
        (f"tag page (most used tag, {top_tag.n} posts)", get(top_tag.get_absolute_url())),
        ("theme page", get(theme.get_absolute_url())),
        ("archive index", get("/archive/")),
        ("archive month (newest)", get(f"/archive/{newest:%Y}/{newest:%m}/")),
        ("search `?q=interview`", get("/search/?q=interview")),
        ("search `?q=interview&page=3`", get("/search/?q=interview&page=3")),
        ("search `?q=feedback` (every post, body only)", get("/search/?q=feedback")),
        ("search `?q=notes part 42` (one match)", get("/search/?q=notes+part+42")),
    ]


def main():
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = False
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "config.page_cache.PageCacheMiddleware"]
    call_command("migrate", verbosity=0)
    results, described = {}, []
    for size in SIZES:
        start = time.perf_counter()
        n_tags, comments = generate(size)
        print(
            f"generated {size:,} posts, {n_tags:,} tags, {comments:,} comments in {time.perf_counter() - start:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        described.append(f"{size:,} posts: {n_tags:,} tags, {comments:,} comments")
        for name, function in pages():
            if PAGES and not any(word in name for word in PAGES):
                continue
            results.setdefault(name.split(" (")[0] if name.startswith("tag page") else name, {})[size] = timed(function)
    first, last = SIZES[0], SIZES[-1]
    head = " | ".join(f"{size:,} posts ms (queries)" for size in SIZES)
    print(f"| page | {head} | {last:,} / {first:,} |")
    print("|---|" + "---:|" * (len(SIZES) + 1))
    for name, by_size in results.items():
        cells = " | ".join(f"{by_size[size][0]:.1f} ({by_size[size][1]})" for size in SIZES)
        print(f"| {name} | {cells} | {by_size[last][0] / by_size[first][0]:.2f}x |")
    print(
        f"\nData: {'; '.join(described)}. Median of {RUNS} runs, page cache off, PostgreSQL "
        f"{connection.pg_version // 10000}. Target: each page at {last:,} posts at most 1.5x its time at {first:,}."
    )


if __name__ == "__main__":
    main()
