"""Reads that pages share. Each returns in a fixed number of queries, whatever the data size."""

import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.module_loading import import_string

from . import cache_keys, search
from .models import PinnedPost, Post, Tag, Theme


@dataclass
class Discussion:
    """One entry under Relevant Discussions."""

    post: Post
    shared_tags: list
    pinned: bool
    similar: list = field(default_factory=list)  # phrases, when text similarity chose it (below)


# Relevant Discussions looks at the this-many most recently written public posts of each of a
# post's tags: every post of a tag on most blogs, and a bound on the work on a very large one
# (where the newer of two equally related posts is preferred anyway).
CANDIDATES_PER_TAG = 200


def relevant_discussions(post, *, limit=None, exclude=()):
    """Pinned posts first (author's order), then published posts sharing tags with `post`.

    Ranked by the number of tags shared; ties go to the same theme, then to the newer post.
    Never `post` itself, never a post that is not public, no duplicates. Pinned posts are
    always shown; the tag-ranked ones fill the list up to `limit`
    (default settings.BLOG_RELEVANT_DISCUSSIONS_LIMIT). Candidates are the CANDIDATES_PER_TAG
    most recently written public posts of each tag, so the cost stays flat as the blog grows.
    `exclude`: posts shown beside the list anyway (the post page's Previous/Next), left out of
    the tag-ranked entries so the list fills with others (pins stay: the author chose them).
    Four queries at most.
    """
    limit = settings.BLOG_RELEVANT_DISCUSSIONS_LIMIT if limit is None else limit
    tag_ids = sorted(tag.pk for tag in post.tags.all())  # free when the caller prefetched tags
    public = Post.objects.published()
    pinned = [
        pin.target
        for pin in PinnedPost.objects.filter(post=post, target__in=public)
        .select_related("target__theme")
        .defer("target__body", "target__body_html")
        .order_by("position", "pk")
    ]
    ranked = []
    room = limit - len(pinned)
    if tag_ids and room > 0:
        # Counted per candidate through the (post, tag) index: a join would read every row of the tags.
        shared = (
            Post.tags.through.objects.filter(post_id=OuterRef("pk"), tag_id__in=tag_ids)
            .values("post_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        ranked = list(
            public.filter(pk__in=_newest_of_each_tag(post, tag_ids))
            .exclude(pk__in=[p.pk for p in pinned] + [p.pk for p in exclude if p is not None])
            .annotate(
                shared=Subquery(shared, output_field=IntegerField()),
                same_theme=Case(
                    When(theme_id=post.theme_id, then=Value(1)), default=Value(0), output_field=IntegerField()
                ),
            )
            .select_related("theme")
            .defer("body", "body_html")
            .order_by("-shared", "-same_theme", "-published_at", "-pk")[:room]
        )
    similar = _fill_with_similar(
        post, exclude=[p.pk for p in pinned + ranked], room=limit - len(pinned) - len(ranked), tagged=len(ranked)
    )
    entries = pinned + ranked + [entry for entry, _ in similar]
    if not entries:
        return []
    tags_by_post = {}
    for row in Post.tags.through.objects.filter(post__in=entries, tag__in=tag_ids).select_related("tag"):
        tags_by_post.setdefault(row.post_id, []).append(row.tag)
    return [
        Discussion(
            post=entry,
            shared_tags=sorted(tags_by_post.get(entry.pk, []), key=lambda t: t.name.lower()),
            pinned=index < len(pinned),
            similar=phrases,
        )
        for index, (entry, phrases) in enumerate(
            [(entry, []) for entry in pinned + ranked] + [(entry, phrases) for entry, phrases in similar]
        )
    ]


def _fill_with_similar(post, *, exclude, room, tagged):
    """Posts similar in text, when `post` shares tags with fewer than BLOG_RELATED_FILL_SIMILAR others.

    Off by default (0). The posts come from the function named by BLOG_RELATED_SIMILAR_POSTS
    (`f(post, exclude=[pk, ...], limit=n)` -> [(public Post, [phrase, ...])], a fixed number of
    queries), so blog depends on no text index; suggestions.engine.similar_posts is the default.
    """
    wanted = getattr(settings, "BLOG_RELATED_FILL_SIMILAR", 0)
    path = getattr(settings, "BLOG_RELATED_SIMILAR_POSTS", "")
    if not wanted or not path or room <= 0 or tagged >= wanted or post.pk is None:
        return []
    return [
        (entry, list(phrases))
        for entry, phrases in import_string(path)(post, exclude=exclude, limit=room)
        if entry.pk != post.pk and entry.is_public
    ]


def _newest_of_each_tag(post, tag_ids):
    """The CANDIDATES_PER_TAG most recently written public posts of each tag (not `post`).

    As a subquery. Most recently written = highest id: each is a short walk down the
    (tag, post) index, however many posts the tag has (by publication date it would walk
    every post until it found enough of a rare tag's).
    """
    public = Post.objects.published().exclude(pk=post.pk)
    through = Post.tags.through.objects.filter(post__in=public).order_by("-post_id").values("post_id")
    per_tag = [through.filter(tag_id=tag_id)[:CANDIDATES_PER_TAG] for tag_id in tag_ids]
    if len(per_tag) == 1:
        return per_tag[0]
    if connection.features.supports_slicing_ordering_in_compound:  # PostgreSQL: a UNION of index walks
        return per_tag[0].union(*per_tag[1:])
    # SQLite cannot LIMIT inside a UNION: the same sets as subqueries.
    either = Q()
    for newest in per_tag:
        either |= Q(pk__in=newest)
    return Post.objects.filter(either).values("pk")


def adjacent_posts(post):
    """(previous, next) public posts by publication time, or None at either end."""
    if not post.published_at:
        return None, None
    public = Post.objects.published().defer("body", "body_html")
    previous = (
        public.filter(Q(published_at__lt=post.published_at) | Q(published_at=post.published_at, pk__lt=post.pk))
        .order_by("-published_at", "-pk")
        .first()
    )
    following = (
        public.filter(Q(published_at__gt=post.published_at) | Q(published_at=post.published_at, pk__gt=post.pk))
        .order_by("published_at", "pk")
        .first()
    )
    return previous, following


def tags_with_counts():
    """Tags that have public posts, each with `num_posts` (public posts only)."""
    cache_keys.add(cache_keys.TAGS)
    return (
        Tag.objects.annotate(num_posts=Count("posts", filter=Q(posts__in=Post.objects.published())))
        .filter(num_posts__gt=0)
        .order_by(Lower("name"))
    )


def tag_sort_key(tag):
    """How readers expect a list of names sorted, whatever the case and accents.

    "cover letters" before "LinkedIn", "Économie" beside "economy": letters compared without
    case or accents first (then with them, so the order is stable), as a dictionary does.
    Python's own, not the database's collation (which differs between SQLite, a C-locale
    PostgreSQL and an en_US one) nor the process locale (usually C on servers).
    """
    name = tag.name
    base = "".join(char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char))
    return (base.casefold(), name.casefold(), name)


def tag_index():
    """tags_with_counts() as a list in tag_sort_key order: the tags page."""
    return sorted(tags_with_counts(), key=tag_sort_key)


def themes_with_counts():
    cache_keys.add(cache_keys.THEMES)
    return Theme.objects.annotate(num_posts=Count("posts", filter=Q(posts__in=Post.objects.published()))).order_by(
        "name"
    )


def browse_themes():
    """Themes with public posts (and `num_posts`), by name: where to go after an empty search."""
    return [theme for theme in themes_with_counts() if theme.num_posts]


def browse_tags(*, limit=20):
    """The `limit` most used tags (public posts), in tag_list order: with an empty search's themes."""
    return sorted(tags_with_counts().order_by("-num_posts", Lower("name"))[:limit], key=tag_sort_key)


def related_tags(tag, *, limit=10):
    """Tags that most often appear on the same public posts as `tag`, with `together` counts.

    Counted over the tag's newest CANDIDATES_PER_TAG public posts, so the cost stays flat
    as the blog grows (and recent use weighs in, as readers of a tag page expect).
    """
    newest = Post.objects.published().filter(tags=tag).order_by("-published_at", "-pk")
    return (
        Tag.objects.filter(posts__in=newest.values("pk")[:CANDIDATES_PER_TAG])
        .exclude(pk=tag.pk)
        .annotate(together=Count("posts"))
        .order_by("-together", "name")[:limit]
    )


def archive_months():
    """[(year, [month_start, ...]), ...], newest first: the months that have public posts.

    On PostgreSQL a "skip scan": one index probe per month (the newest post before the
    month after), so the cost follows the number of months, not of posts. Months are in
    the site's time zone.
    """
    cache_keys.add(cache_keys.ARCHIVE)
    if connection.vendor == "postgresql":
        months = _months_by_skip_scan()
    else:
        months = Post.objects.published().datetimes("published_at", "month", order="DESC")
    years = {}
    for month in months:
        years.setdefault(month.year, []).append(month)
    return list(years.items())


def _months_by_skip_scan():
    table = connection.ops.quote_name(Post._meta.db_table)
    # "Public" in SQL, compiled from Post.objects.published(), not restated here.
    public = Post.objects.published().query
    where, where_params = public.where.as_sql(public.get_compiler(connection=connection), connection)
    sql = f"""
        WITH RECURSIVE months(start) AS (
            SELECT date_trunc('month', max(published_at) AT TIME ZONE %s) FROM {table} WHERE {where}
          UNION ALL
            SELECT (SELECT date_trunc('month', max(published_at) AT TIME ZONE %s) FROM {table}
                    WHERE {where} AND published_at < months.start AT TIME ZONE %s)
            FROM months WHERE months.start IS NOT NULL
        )
        SELECT start FROM months WHERE start IS NOT NULL
    """  # noqa: S608 - the table name is ours, the condition is Django's; values are parameters
    tz = timezone.get_current_timezone()
    params = [str(tz), *where_params, str(tz), *where_params, str(tz)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [start.replace(tzinfo=tz) for (start,) in cursor.fetchall()]


# Search lives in blog.search (its own vendor branch and stored columns); its two entry
# points are named here too, beside the other reads.
search_posts, search_terms = search.search_posts, search.search_terms


__all__ = [
    "Discussion",
    "adjacent_posts",
    "archive_months",
    "related_tags",
    "relevant_discussions",
    "search_posts",
    "search_terms",
    "browse_tags",
    "browse_themes",
    "tag_index",
    "tag_sort_key",
    "tags_with_counts",
    "themes_with_counts",
]
