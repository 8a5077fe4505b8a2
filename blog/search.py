"""Search: which public posts match, in what order, and the passage that shows why.

`search_terms(query)` splits the search box's text; `search_posts(terms)` returns a
`SearchResults`: every public post matching every term (a word or a "quoted phrase"),
posts with all the terms in their title first, each group newest first.

The vendor branch, once (`_matchers`):
- PostgreSQL: full-text search (stemmed: "interviews" finds "interviewing") on two stored,
  GIN-indexed columns that migration 0011 adds as generated columns: `search_vector`
  (title A, summary B, body C) and `title_vector` (the title alone). The model does not
  declare them (SQLite has no tsvector; PostgreSQL fills them on every write, bulk ones
  included); `StoredVector` names them in queries.
- Elsewhere (SQLite in development): a case-insensitive substring match.

Why two groups read separately instead of one ORDER BY over a score: a score must be
computed for every match before the first page can be sorted out (a word in a third of
100,000 posts: 30,000 rows read for ten). Each group is either small (read whole through
its GIN index: at most PROBE rows) or large enough to walk in date order down the
(status, published_at) index, stopping after a page: the cost of a page follows its
depth, not the size of the blog.

Excerpts (`SearchResults.page` fills `post.search_excerpt`): when the post's summary does
not show a term, a short passage of the body around the match with the terms in <mark>:
PostgreSQL's ts_headline, a plain excerpt elsewhere. Both are escaped before our <mark>
tags go in, so a post's text can never become markup.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, Expression, ExpressionWrapper, Q
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from .markup import without_permalinks

MAX_SEARCH_TERMS = 8
MAX_TERM_LENGTH = 60
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SEARCH_CONFIG = "english"  # migration 0011's columns are built with the same configuration
EXCERPT_WORDS = 30


def search_terms(query):
    """Split a search box's text into at most MAX_SEARCH_TERMS words ("quoted phrases" kept)."""
    terms = []
    query = _CONTROL_CHARS.sub(" ", query or "")  # PostgreSQL refuses NUL in text
    for phrase, word in re.findall(r'"([^"]+)"|(\S+)', query):
        term = (phrase or word).strip()[:MAX_TERM_LENGTH]
        if term and term.lower() not in {t.lower() for t in terms}:
            terms.append(term)
    return terms[:MAX_SEARCH_TERMS]


class StoredVector(Expression):
    """A tsvector column of blog_post that the model does not declare (migration 0011)."""

    output_field = SearchVectorField()

    def __init__(self, column):
        super().__init__()
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.{connection.ops.quote_name(self.column)}", []


def tsquery(terms):
    """Every term, stemmed; a term with a space is a phrase."""
    query = None
    for term in terms:
        part = SearchQuery(term, config=SEARCH_CONFIG, search_type="phrase" if " " in term else "plain")
        query = part if query is None else query & part
    return query


def _matchers(queryset, terms):
    """(matching, in the title, matching elsewhere only, "is in the title" as a Q) over `queryset`.

    The one vendor branch.
    """
    if connection.vendor == "postgresql":
        query = tsquery(terms)
        matching = queryset.alias(
            search_vector=StoredVector("search_vector"), title_vector=StoredVector("title_vector")
        ).filter(search_vector=query)
        title = Q(title_vector=query)
    else:
        everywhere, title = Q(), Q()
        for term in terms:
            everywhere &= Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term)
            title &= Q(title__icontains=term)
        matching = queryset.filter(everywhere)
    return matching, matching.filter(title), matching.exclude(title), title


NEWEST_FIRST = ("-published_at", "-pk")


# A set of matches smaller than this is read whole (one GIN lookup, sorted here); a larger
# one is walked in date order, where it is common enough for a page to come within a few
# thousand rows. Either way the planner's guess of how common a word is (default low for a
# word it has no statistics on) cannot send it walking every post for a rare one. One more
# than the search page's count cap (blog.pagination.CappedCountPaginator): a set too large
# to read whole means "200+ posts found" without counting.
PROBE = 201


def _probe(queryset, limit):
    """The ids of `queryset` newest first if it has fewer than `limit` rows, else None."""
    rows = list(queryset.order_by().values_list("published_at", "pk")[:limit])
    return [pk for _, pk in sorted(rows, reverse=True)] if len(rows) < limit else None


class SearchResults:
    """Matching public posts, title matches first: slices as a list, counts up to a cap.

    What blog.pagination.CappedCountPaginator pages through. The matches are probed once (up
    to 2 * PROBE of them, each with whether it matches in its title), and when there are more,
    the title matches on their own (up to PROBE): a set that fits is sliced here; a larger one
    is walked in date order, only as far as the page.
    The others are all matches less the title ones, taken out here rather than by a NOT in
    SQL (which would read every post matching both, to keep none). Then the page's posts
    are read in one query.
    """

    def __init__(self, terms):
        from .models import Post

        self.terms = terms
        self._probed = {}
        if not terms:
            self.matching = self.in_title = self.elsewhere = Post.objects.none()
            return
        self.matching, in_title, elsewhere, self.title = _matchers(Post.objects.published(), terms)
        self.matching = self.matching.order_by(*NEWEST_FIRST)
        self.in_title, self.elsewhere = in_title.order_by(*NEWEST_FIRST), elsewhere.order_by(*NEWEST_FIRST)

    def _probe(self):
        """Read up to 2 * PROBE matches at once, each with whether it matches in its title.

        Fewer: every match and every title match are known, newest first (the usual case,
        one query). More: the title matches are probed on their own (up to PROBE).
        """
        if "all" in self._probed:
            return
        if not self.terms:
            self._probed.update(all=[], first=[])
            return
        in_title = ExpressionWrapper(self.title, output_field=BooleanField())
        rows = list(
            self.matching.order_by()
            .annotate(in_title=in_title)
            .values_list("published_at", "pk", "in_title")[: 2 * PROBE]
        )
        if len(rows) < 2 * PROBE:
            rows.sort(key=lambda row: row[:2], reverse=True)
            self._probed.update(all=[pk for _, pk, _ in rows], first=[pk for _, pk, hit in rows if hit])
        else:
            self._probed.update(all=None, first=_probe(self.in_title, PROBE))

    def _first(self):
        """The title matches newest first when fewer than PROBE (or all matches are few), else None."""
        self._probe()
        return self._probed["first"]

    def _all(self):
        """Every match newest first when fewer than 2 * PROBE, else None."""
        self._probe()
        return self._probed["all"]

    def count_up_to(self, limit):
        """How many posts match, counting no further than `limit`."""
        matches = self._all()
        if matches is not None:
            return min(limit, len(matches))
        if limit <= 2 * PROBE:  # 2 * PROBE matches or more
            return limit
        return self.matching.order_by()[:limit].count()

    def count(self):
        return self.matching.count()

    def _others(self, first, offset, wanted):
        """Matches not in the title, [offset : offset + wanted] of them, newest first."""
        if first is None:  # more than PROBE title matches, and a page past them (past the count cap)
            return list(self.elsewhere.values_list("pk", flat=True)[offset : offset + wanted])
        in_title = set(first)
        matches = self._all()
        if matches is None:  # many matches: walk as far as this page, the title matches included
            matches = list(self.matching.values_list("pk", flat=True)[: offset + wanted + len(first)])
        return [pk for pk in matches if pk not in in_title][offset : offset + wanted]

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("SearchResults supports slices only.")
        start, stop = key.start or 0, key.stop
        if stop is None or stop <= start or not self.terms:
            return []
        first = self._first()
        if first is not None:
            ids, size = first[start:stop], len(first)
        else:
            ids = list(self.in_title.values_list("pk", flat=True)[start:stop])
            size = None
        in_title = set(ids)
        wanted = stop - start - len(ids)
        if wanted > 0:
            if size is None:  # the title matches end on this page, or before its start
                size = start + len(ids) if ids else self.in_title[:start].count()
            ids += self._others(first, max(0, start - size), wanted)
        return self._posts(ids, in_title)

    def _posts(self, ids, in_title):
        from .models import Post

        if not ids:
            return []
        posts = Post.objects.filter(pk__in=ids).for_lists()
        postgresql = connection.vendor == "postgresql"
        if postgresql:
            posts = posts.annotate(
                headline=SearchHeadline(
                    "body",
                    tsquery(self.terms),
                    config=SEARCH_CONFIG,
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=EXCERPT_WORDS,
                    min_words=EXCERPT_WORDS // 2,
                    short_word=3,
                    max_fragments=1,
                )
            )
        else:
            posts = posts.defer(None).defer("author__author_profile__bio", "author__author_profile__bio_html")
        by_pk = {post.pk: post for post in posts}
        ordered = [by_pk[pk] for pk in ids if pk in by_pk]
        for post in ordered:
            post.title_match = post.pk in in_title
            if _shows_a_term(post.excerpt, self.terms):
                post.search_excerpt = None  # the card's own excerpt, highlighted, says why
            elif postgresql:
                post.search_excerpt = headline_html(post.headline)
            else:
                post.search_excerpt = plain_excerpt(strip_tags(without_permalinks(post.body_html)), self.terms)
        return ordered


def _shows_a_term(text, terms):
    lowered = (text or "").lower()
    return any(term.lower() in lowered for term in terms)


# ts_headline's markers around a match: characters that escape() leaves alone and that the
# Markdown clean-up below does not touch. A body containing them can at most add a <mark>.
_START, _STOP = "\ue000", "\ue001"
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)?")
_MARKDOWN_MARKS = re.compile(r"(?m)^\s*(?:#{1,6}|>|[-*+]|\d+[.)])\s+|[*`~]+|(?<!\w)_+|_+(?!\w)|</?[a-zA-Z][^>]*>")


def headline_html(headline):
    """ts_headline's passage of the Markdown body as safe HTML: plain text, matches in <mark>.

    None when the passage has no match (a post found by its title or summary only).
    """
    if not headline or _START not in headline:
        return None
    text = _MARKDOWN_MARKS.sub(" ", _MARKDOWN_LINK.sub(r"\1", headline))
    text = " ".join(text.split())
    return _marked(escape(text), "…", "…")


def plain_excerpt(text, terms, width=EXCERPT_WORDS):
    """About `width` words of `text` around the first term found, terms in <mark>; None without one."""
    words = " ".join((text or "").split())
    lowered = words.lower()
    found = [lowered.find(term.lower()) for term in terms if term and term.lower() in lowered]
    if not found:
        return None
    before = words[: min(found)].split()
    all_words = words.split()
    start = max(0, len(before) - width // 3)
    chunk = " ".join(all_words[start : start + width])
    marked = escape(chunk)
    pattern = re.compile("|".join(re.escape(escape(t)) for t in sorted(terms, key=len, reverse=True) if t), re.I)
    marked = pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", marked)
    return _marked(marked, "…" if start else "", "…" if start + width < len(all_words) else "")


def _marked(escaped, prefix, suffix):
    """`escaped` text with our markers as balanced <mark> tags (a stray marker is dropped)."""
    out, open_ = [], False
    for char_run in re.split(f"([{_START}{_STOP}])", escaped):
        if char_run == _START:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif char_run == _STOP:
            if open_:
                out.append("</mark>")
                open_ = False
        else:
            out.append(char_run)
    if open_:
        out.append("</mark>")
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - text escaped first; only our <mark> tags added


def search_posts(terms):
    """Public posts matching every term, title matches first (SearchResults)."""
    return SearchResults(terms)
