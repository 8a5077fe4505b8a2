"""Importing a large WordPress export: time and rate.

Run: python bench/import_bench.py [POSTS [COMMENTS]]   (default 1,000 posts, 20,000 comments)
Writes a WXR file to a temp directory (comments spread evenly over the posts: a third
top-level, then replies, replies to replies and a fourth level that gets clipped; a few held
and spam), imports it into a fresh SQLite test database with `manage.py import_wordpress`,
then imports it again (nothing changes: the idempotent path) and prints both times.
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>bench</wp:author_login>
<wp:author_email>bench@example.com</wp:author_email></wp:author>
"""


def write_export(path, posts, comments):
    per_post = comments // posts
    extra = comments - per_post * posts
    comment_id = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD)
        for p in range(1, posts + 1):
            day = 1 + p % 28
            body = escape(
                f"<p>Post {p}: some <strong>career</strong> advice with a "
                f'<a href="https://example.com/{p}">link</a>.</p>\n\nA second paragraph.'
            )
            out.write(
                f"<item><title>Bench post {p}</title>"
                f"<link>https://old.example.com/2020/01/{day:02d}/bench-post-{p}/</link>"
                f"<dc:creator>bench</dc:creator><content:encoded>{body}</content:encoded>"
                f"<wp:post_id>{p}</wp:post_id><wp:post_date_gmt>2020-01-{day:02d} 09:00:00</wp:post_date_gmt>"
                f"<wp:post_name>bench-post-{p}</wp:post_name><wp:status>publish</wp:status>"
                f"<wp:post_type>post</wp:post_type>"
                f'<category domain="post_tag">tag {p % 50}</category>'
                f'<category domain="category">Category {p % 7}</category>\n'
            )
            ids = []
            for n in range(per_post + (1 if p <= extra else 0)):
                comment_id += 1
                # Shape: a, a>b, a>b>c, a>b>c>d (clipped), repeated.
                parent = ids[-1] if n % 4 else 0
                ids.append(comment_id)
                approved = "spam" if n % 37 == 36 else "0" if n % 23 == 22 else "1"
                author = "bench@example.com" if n % 5 == 1 else f"reader{n % 40}@example.com"
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>Reader {n % 40}</wp:comment_author>"
                    f"<wp:comment_author_email>{author}</wp:comment_author_email>"
                    f"<wp:comment_author_IP>192.0.2.{n % 250}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>2020-02-01 {n // 60 % 24:02d}:{n % 60:02d}:00</wp:comment_date_gmt>"
                    f"<wp:comment_content>{escape(f'Comment {comment_id}: thanks, <em>useful</em>.')}"
                    f"</wp:comment_content><wp:comment_approved>{approved}</wp:comment_approved>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def main():
    posts = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    comments = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from tests.factories import StaffFactory

        StaffFactory(username="bench")
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "export.xml"
            start = time.perf_counter()
            write_export(path, posts, comments)
            size = path.stat().st_size
            print(
                f"export: {posts:,} posts, {comments:,} comments, {size / 1e6:.1f} MB, "
                f"written in {time.perf_counter() - start:.1f} s"
            )
            for run in ("first import", "second import (unchanged)"):
                out = io.StringIO()
                start = time.perf_counter()
                call_command("import_wordpress", str(path), "--author", "bench", stdout=out)
                elapsed = time.perf_counter() - start
                print(f"{run}: {elapsed:.1f} s ({comments / elapsed:,.0f} comments/s)")
                print("  " + "\n  ".join(out.getvalue().splitlines()[:3]))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
