"""The post page's comment thread (comments.selectors.thread_page, comments.rendering):
three levels nested as lists, every comment of a one-page thread shown, and the same
number of queries at 10 comments as at 1,000."""

import datetime
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import moderation, selectors
from comments.models import State
from config.page_cache import local_pages

from .factories import PostFactory

pytestmark = pytest.mark.django_db
PAGE_QUERIES = 10  # an anonymous reader's post page (8 today), whatever the size of its thread


class CommentTree(HTMLParser):
    """The nesting of `<li id="c<pk>">` elements: [(pk, [children...]), ...]."""

    def __init__(self):
        super().__init__()
        self.roots = []
        self.open = []  # (tag, node or None)

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "img", "br", "meta", "link"):
            return
        ident = dict(attrs).get("id") or ""
        node = None
        if tag == "li" and ident[:1] == "c" and ident[1:].isdigit():
            node = (int(ident[1:]), [])
            parent = next((n for _, n in reversed(self.open) if n is not None), None)
            (parent[1] if parent else self.roots).append(node)
        self.open.append((tag, node))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break


def uncached_page(client, post):
    """The post page as rendered now, not as the page cache kept it."""
    cache.clear()
    local_pages.clear()
    return client.get(post.get_absolute_url()).content.decode()


def tree_of(html):
    parser = CommentTree()
    parser.feed(html)
    return parser.roots


def three_levels(post, threads, *, replies=1, extra=0):
    """`threads` threads of a comment, `replies` replies to it and a reply to each reply;
    one more reply (without replies) to each of the first `extra` threads. Returns the
    expected tree: [(pk, [(pk, [...]), ...]), ...]."""
    now = timezone.now()
    rows = []

    def add(key, parent):
        n = len(rows)
        fields = {
            "name": f"Reader {n % 50}",
            "email": f"reader{n % 50}@example.com",
            "url": "https://example.com/" if n % 4 == 0 else "",
            "submitted": now - datetime.timedelta(minutes=30 * (3 * threads - n)),
            "text": f"Comment {n}",
        }
        rows.append((key, parent, State.PUBLISHED, fields))

    shape = []
    for t in range(threads):
        add(("root", t), None)
        kids = []
        for r in range(replies):
            add(("reply", t, r), ("root", t))
            add(("deep", t, r), ("reply", t, r))
            kids.append((("reply", t, r), [(("deep", t, r), [])]))
        if t < extra:
            add(("extra", t), ("root", t))
            kids.append((("extra", t), []))
        shape.append((("root", t), kids))
    pks = moderation.seed_many(post, rows)

    def resolve(nodes):
        return [(pks[key], resolve(children)) for key, children in nodes]

    return resolve(shape)


def count_nodes(tree):
    return sum(1 + count_nodes(children) for _, children in tree)


def test_three_level_thread_is_nested_lists_in_reading_order(client, settings):
    settings.COMMENTS_PER_PAGE = 1000
    post = PostFactory()
    expected = three_levels(post, 3, replies=2)
    html = uncached_page(client, post)
    assert tree_of(html) == expected
    [(root, [(reply, [(deep, _)]), _]), *_] = expected
    assert html.index(f'id="c{root}"') < html.index('<ol class="replies">') < html.index(f'id="c{reply}"')
    assert html.index(f'id="c{reply}"') < html.index(f'id="c{deep}"')


def test_a_reply_under_a_hidden_comment_is_hidden_with_it_and_a_removed_one_keeps_its_replies(client, settings):
    settings.COMMENTS_PER_PAGE = 1000
    post = PostFactory()
    [(root, [(spam, [(deep_under_spam, _)]), (removed, [(deep_under_removed, _)])])] = three_levels(post, 1, replies=2)
    moderation.mark_spam([spam])
    moderation.remove([removed])
    html = uncached_page(client, post)
    assert tree_of(html) == [(root, [(removed, [(deep_under_removed, [])])])]
    assert f'id="c{spam}"' not in html and f'id="c{deep_under_spam}"' not in html
    assert f'<li class="comment removed" id="c{removed}">' in html


def test_queries_are_the_same_for_10_and_1000_comments_all_on_one_page(client, settings, django_assert_max_num_queries):
    settings.COMMENTS_PER_PAGE = 100_000  # every comment on the page
    small, big = PostFactory(), PostFactory()
    small_tree = three_levels(small, 3, extra=1)  # 10 comments
    big_tree = three_levels(big, 333, extra=1)  # 1,000 comments
    assert (count_nodes(small_tree), count_nodes(big_tree)) == (10, 1000)
    uncached_page(client, small)  # content types and the like, cached once per process
    counts = {}
    for post, tree, heading in ((small, small_tree, "10 comments"), (big, big_tree, "1000 comments")):
        with django_assert_max_num_queries(PAGE_QUERIES) as captured:
            html = uncached_page(client, post)
        counts[post.pk] = len(captured)
        assert tree_of(html) == tree
        assert f'<h2 id="comments-heading">{heading}</h2>' in html
    assert counts[small.pk] == counts[big.pk], [q["sql"] for q in captured.captured_queries]


def test_the_thread_spliced_in_after_rendering_is_what_the_template_would_have_written(client, settings, monkeypatch):
    """blog.views.Fragments: the same bytes as the thread rendered in place, non-ASCII included."""
    from blog import views

    settings.COMMENTS_PER_PAGE = 1000
    post = PostFactory(title="Zoë’s “plan” — ⚡")
    three_levels(post, 3)
    moderation.seed(post, name="Zoë 🎉", email="zoe@example.com", text="Merci — “bien” ⚡")
    frozen = timezone.now()
    monkeypatch.setattr("django.utils.timezone.now", lambda: frozen)
    monkeypatch.setattr("time.time", lambda: 1.8e9)  # the form's timestamp and security hash
    spliced = uncached_page(client, post)
    monkeypatch.setattr(views.Fragments, "put", lambda self, pieces: views.mark_safe("".join(pieces)))
    in_place = uncached_page(client, post)
    assert spliced == in_place
    assert "Zoë 🎉" in spliced and "<!--fragment" not in spliced
    assert len(tree_of(spliced)) == 4


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans; PostgreSQL plans from statistics")
def test_a_thread_is_read_through_the_posts_comments_not_the_whole_site():
    """comments migration 0007: without statistics SQLite took the site_id index (every comment)."""
    post, other = PostFactory(), PostFactory()
    three_levels(post, 3)
    three_levels(other, 30)
    with CaptureQueriesContext(connection) as captured:
        selectors.thread_page(post)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans.append(" / ".join(row[-1] for row in cursor.fetchall()))
    used = "INDEX comments_target_idx (content_type_id=? AND object_pk=? AND site_id=?)"
    assert len(plans) == 2 and all(used in plan for plan in plans), plans
