"""Keeping the text index (suggestions.models) in step with the posts.

`index_post(pk)` runs in the task worker after a post is saved (suggestions.signals): it
analyses the title, summary and body (suggestions.text), moves the document counts from the
post's old vocabulary to its new one, and stores its TOP_TERMS key terms with their weights.
A save that changed none of the three costs one query. `rebuild()` indexes every post at once
(`manage.py suggestions_index`), with exact counts: run it after a bulk import that bypassed
`Post.save()`.

Weights are tf-idf: (1 + log count) times the term's smoothed IDF when the post was indexed, the
post's key terms scaled to length one. On a small blog (fewer than SMALL_BLOG posts) the IDF
still moves with every post, so an index run re-weighs every post (a fraction of a second);
above that a post's weights are fixed when it is saved and drift only slowly.
"""

import hashlib
import itertools
import json
import math

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from blog.models import Post

from .models import Posting, PostTerms, TermStat
from .text import analyse

TOP_TERMS = 64
SMALL_BLOG = 300
CHUNK = 500  # terms per IN (...): under every database's parameter limit


def idf(documents, containing):
    """Smoothed inverse document frequency, at least 1: rare terms weigh most, and a word most
    posts use still counts where a post says it often (on a career blog nearly every post
    mentions interviews; the posts *about* interviews say it in the title and throughout)."""
    return math.log((1.0 + documents) / (1.0 + containing)) + 1.0


def checksum(post):
    text = "\x00".join([post.title or "", post.summary or "", post.body or ""])
    return hashlib.sha256(text.encode()).hexdigest()


def key_terms(analysis, counts, documents, *, top=TOP_TERMS):
    """{term: [weight, words]}: the `top` terms with the most tf-idf weight, scaled to length one."""
    base = math.log(1.0 + documents)
    scored = {  # tf * idf(documents, count), inlined: a rebuild weighs every term of every post
        term: tf * (base - math.log(1.0 + counts.get(term, 0)) + 1.0) for term, tf in analysis.weights().items()
    }
    best = sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:top]
    norm = math.sqrt(sum(weight * weight for _, weight in best)) or 1.0
    return {term: [round(weight / norm, 6), analysis.surface[term][:80]] for term, weight in best}


def _chunks(items):
    items = sorted(items)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def document_counts(terms):
    counts = {}
    for chunk in _chunks(terms):
        counts.update(TermStat.objects.filter(term__in=chunk).values_list("term", "documents"))
    return counts


def _shift(terms, delta):
    for chunk in _chunks(terms):
        if delta > 0:
            TermStat.objects.bulk_create([TermStat(term=t) for t in chunk], ignore_conflicts=True)
        TermStat.objects.filter(term__in=chunk).update(documents=F("documents") + delta)


def _store(post_id, analysis, digest, counts, documents):
    terms = key_terms(analysis, counts, documents)
    PostTerms.objects.update_or_create(
        post_id=post_id, defaults={"terms": terms, "vocabulary": " ".join(sorted(analysis.counts)), "checksum": digest}
    )
    Posting.objects.filter(post_id=post_id).delete()
    Posting.objects.bulk_create([Posting(post_id=post_id, term=t, weight=w) for t, (w, _words) in terms.items()])


def index_post(pk):
    """(Re-)index one post; returns False when it no longer exists or its text had not changed."""
    post = Post.objects.filter(pk=pk).only("title", "summary", "body").first()
    if post is None:
        return False
    digest = checksum(post)
    with transaction.atomic():
        existing = PostTerms.objects.select_for_update().filter(post_id=pk).first()
        if existing is not None and existing.checksum == digest:
            return False
        analysis = analyse(post.title, post.summary, post.body)
        old = set(existing.vocabulary.split()) if existing else set()
        new = set(analysis.counts)
        _shift(old - new, -1)
        _shift(new - old, +1)
        documents = PostTerms.objects.count() + (existing is None)
        if documents <= SMALL_BLOG:
            _store(pk, analysis, digest, {}, documents)  # counts re-read below, with every post
            reweigh_all()
        else:
            _store(pk, analysis, digest, document_counts(new), documents)
    return True


def forget_post(pk):
    """Before a post is deleted: take its terms out of the document counts (its rows cascade)."""
    vocabulary = PostTerms.objects.filter(post_id=pk).values_list("vocabulary", flat=True).first()
    if vocabulary:
        _shift(set(vocabulary.split()), -1)


def reweigh_all():
    """Every indexed post's key terms again, from the current document counts (small blogs)."""
    posts = Post.objects.filter(pk__in=PostTerms.objects.values("post_id")).only("title", "summary", "body")
    analyses = {post.pk: analyse(post.title, post.summary, post.body) for post in posts}
    counts = document_counts({t for analysis in analyses.values() for t in analysis.counts})
    rows, postings = [], []
    for pk, analysis in analyses.items():
        terms = key_terms(analysis, counts, len(analyses))
        rows.append(PostTerms(post_id=pk, terms=terms))
        postings.extend((t, pk, w) for t, (w, _words) in terms.items())
    PostTerms.objects.bulk_update(rows, ["terms"], batch_size=100)
    Posting.objects.filter(post_id__in=list(analyses)).delete()
    _insert(Posting, ["term", "post_id", "weight"], postings)


def rebuild(posts=None, *, batch=2000):
    """Index every post afresh (exact document counts). `posts`: an iterable of Posts with title,
    summary and body, by default all of them. Returns the number of posts indexed."""
    if posts is None:
        posts = Post.objects.only("title", "summary", "body").order_by("pk").iterator(chunk_size=batch)
    analyses, counts = [], {}
    for post in posts:
        analysis = analyse(post.title, post.summary, post.body)
        analyses.append((post.pk, analysis, checksum(post)))
        for term in analysis.counts:
            counts[term] = counts.get(term, 0) + 1
    documents = len(analyses)
    with transaction.atomic():
        Posting.objects.all().delete()
        PostTerms.objects.all().delete()
        TermStat.objects.all().delete()
        _insert(TermStat, ["term", "documents"], counts.items())
        now = timezone.now()
        for start in range(0, documents, batch):
            rows, postings = [], []
            for pk, analysis, digest in analyses[start : start + batch]:
                terms = key_terms(analysis, counts, documents)
                vocabulary = " ".join(sorted(analysis.counts))
                rows.append((pk, json.dumps(terms), vocabulary, digest, now))
                postings.extend((t, pk, w) for t, (w, _words) in terms.items())
            _insert(PostTerms, ["post_id", "terms", "vocabulary", "checksum", "indexed_at"], rows)
            _insert(Posting, ["term", "post_id", "weight"], postings)
    return documents


def _insert(model, columns, rows, *, chunk=5000):
    """INSERT many rows through the cursor: a bulk rebuild writes millions of postings, and
    building a model instance for each (bulk_create) costs more than the writing."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - our names
    rows = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(rows, chunk)):
            cursor.executemany(sql, batch)
