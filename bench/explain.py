"""EXPLAIN ANALYZE of the queries the busy pages and the moderation queue run, on real-sized data.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/explain.py
(SQLite works too, with EXPLAIN QUERY PLAN.) Creates its own test database
(test_explain), fills it with bulk posts, tags and comment threads, runs ANALYZE, then
requests each page as a browser would (the home page, a tag page, a theme page, a post
page with its Relevant Discussions and comment thread, the admin's moderation queue) and prints the
plan of every query those pages run on posts, tags, pins and comments. The test
database is dropped at the end.

Data: --posts N posts (default 3000) in 8 themes, 3 of 60 tags each; one big post with
--threads N top-level comments (default 1000) with 2 replies each; half the other posts
with 4 comments and a reply to each; one comment in twenty held for moderation.
--all also prints the plans of the small lookups (sessions, users, sites, content types);
--without-new-indexes drops the indexes our migrations add, to compare.
"""

import argparse
import os
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.pop("REDIS_URL", None)  # a page served from the cache runs no query to explain

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

INTERESTING = re.compile(
    r'"(blog_post|blog_post_tags|blog_pinnedpost|django_comments|django_comments_xtd_xtdcomment|comments_moderation)"'
)
# Index names and full scans in a PostgreSQL or a SQLite plan line.
INDEX_NAME = re.compile(r"(?:using|on) (\w+_(?:idx|uniq|pkey|like|[0-9a-f]{8}))\b|USING (?:COVERING )?INDEX (\w+)")
FULL_SCAN = re.compile(r"Seq Scan on (\w+)|^SCAN (\w+)$")
# Added by blog/migrations/0003_indexes.py and comments/migrations/0002_indexes.py.
NEW_INDEXES = [
    "blog_post_theme_pub_idx",
    "blog_post_tags_tag_post_idx",
    "comments_xtd_thread_order_idx",
    "comments_email_ci_idx",
    "comments_target_idx",
]


def explain(sql):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [" ".join(str(part) for part in row[-1:]) for row in cursor.fetchall()]


def abridged(sql, width=230):
    sql = re.sub(r'SELECT .*? FROM "', 'SELECT … FROM "', sql, count=1, flags=re.S)
    return sql if len(sql) <= width else sql[: width - 1] + "…"


def show(title, url, client, *, show_all=False):
    """Request `url` and explain the queries the page ran."""

    def request():
        response = client.get(url, secure=True)
        assert response.status_code == 200, f"{url}: {response.status_code}"

    show_queries(f"{title}: GET {url}", request, show_all=show_all)


def show_queries(title, run, *, show_all=False):
    with CaptureQueriesContext(connection) as captured:
        run()
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    print(f"\n=== {title} ({len(captured)} queries)")
    for sql in selects:
        if not show_all and not INTERESTING.search(sql):
            continue
        print(f"\n-- {abridged(sql)}")
        plan = explain(sql)
        for line in plan:
            print(f"   {line}")
        used = sorted({"".join(m) for line in plan for m in INDEX_NAME.findall(line)})
        scans = sorted({"".join(m) for line in plan for m in FULL_SCAN.findall(line.strip())})
        print(f"   => indexes: {', '.join(used) or '-'}; full scans: {', '.join(scans) or '-'}")


def posting_checks(post):
    """The reads a new comment costs: moderation rules, and xtd placing a reply."""
    from django.db.models import Max
    from django_comments_xtd.models import XtdComment

    from comments import rules

    rules.decide(post, email="someone@example.com", text="A new comment.")
    root = XtdComment.norel_objects.filter(object_pk=str(post.pk), level=0).order_by("pk").first()
    XtdComment.norel_objects.filter(thread_id=root.thread_id).aggregate(Max("order"))


def seed(posts, threads):
    from django.contrib.sites.models import Site
    from django_comments_xtd.models import XtdComment

    from blog.models import PinnedPost, Post, Tag, Theme
    from comments.models import Moderation, State
    from tests.factories import StaffFactory, UserFactory, bulk_posts, bulk_thread

    rng = random.Random(7)
    Site.objects.update(domain="testserver")
    author = UserFactory(username="author")
    staff = StaffFactory(username="bench-staff")
    themes = [Theme.objects.create(name=f"Theme {n}", slug=f"theme-{n}") for n in range(8)]
    tags = Tag.objects.bulk_create(Tag(name=f"tag {n}", slug=f"tag-{n}") for n in range(60))
    created = bulk_posts(posts, theme=themes[0], author=author, tags_for=lambda n: rng.sample(tags, 3))
    for index, theme in enumerate(themes[1:], start=1):
        Post.objects.filter(pk__in=[post.pk for post in created[index :: len(themes)]]).update(theme=theme)
    big = created[0]
    PinnedPost.objects.bulk_create(PinnedPost(post=big, target=created[n], position=n) for n in (5, 9))
    bulk_thread(big, threads, replies_per_root=2)
    for post in created[1 : max(2, len(created) // 2)]:  # half the posts have a few comments
        bulk_thread(post, 4, replies_per_root=1)
    # A moderation queue: one comment in twenty is held.
    held = list(XtdComment.norel_objects.order_by("?").values_list("pk", flat=True)[: XtdComment.objects.count() // 20])
    Moderation.objects.filter(comment_id__in=held).update(state=State.HELD)
    XtdComment.norel_objects.filter(pk__in=held).update(is_public=False)
    with connection.cursor() as cursor:  # what autovacuum would have done by now
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return big, tags, staff


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument("--all", action="store_true", help="also explain sessions, users, sites, content types")
    parser.add_argument("--without-new-indexes", action="store_true", help="drop our added indexes: the plans before")
    options = parser.parse_args()

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    if connection.vendor == "postgresql":  # not test_<name>: the test suite may be using that one
        connection.settings_dict["TEST"]["NAME"] = "test_explain"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.db.models import Count
        from django_comments_xtd.models import XtdComment

        from blog.models import Post, Theme
        from comments.models import Moderation

        if options.without_new_indexes:
            with connection.cursor() as cursor:
                for name in NEW_INDEXES:
                    cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        started = time.perf_counter()
        big, tags, staff = seed(options.posts, options.threads)
        print(
            f"{connection.vendor}: {Post.objects.count()} posts, {Post.tags.through.objects.count()} post-tag rows, "
            f"{XtdComment.norel_objects.count()} comments "
            f"({dict(Moderation.objects.values_list('state').annotate(n=Count('pk')).order_by('state'))}), "
            f"seeded in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        show("Home page", "/", client, show_all=options.all)
        show("Tag page", tags[0].get_absolute_url(), client, show_all=options.all)
        show("Theme page", Theme.objects.order_by("pk").last().get_absolute_url(), client, show_all=options.all)
        typical = Post.objects.get(slug="bulk-1")
        show("Post page, 8 comments", typical.get_absolute_url(), client, show_all=options.all)
        show("Post page, big thread", big.get_absolute_url(), client, show_all=options.all)
        show_queries("Posting a comment: moderation rules and xtd's thread position", lambda: posting_checks(big))
        staff_client = Client()
        staff_client.force_login(staff)
        show("Moderation queue (held)", "/admin/comments/moderatedcomment/", staff_client, show_all=options.all)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
