"""Suggested tags and Relevant Discussions for a text, from the local index (suggestions.models).

`suggest(title=, summary=, body=, tag_ids=, post_id=)` is what the editor asks (the unsaved
text, the tags in the form); `similar_posts(post, exclude=, limit=)` is what Relevant
Discussions asks when BLOG_RELATED_FILL_SIMILAR is on (a saved post's stored key terms).
Both return public posts only, in a fixed number of queries whatever the blog's size:

1. the text's terms are weighed (tf-idf, document counts in one query);
2. candidates come from the inverted lists of its CANDIDATE_TERMS most telling terms (rare
   terms weigh most), each list walked for its POSTINGS_PER_TERM strongest posts only, and
   from the newest POSTS_PER_TAG public posts of each tag in the form, in one query each;
3. the best RERANK of them are scored on all their key terms (one query): cosine similarity
   of the texts, plus TAG_WEIGHT for the share of the form's tags they carry;
4. the winners are read with their tags (one query).

Suggested tags are voted for by the NEIGHBOURS most similar texts (each vote weighs its
similarity) and by the tag's own name in the text; a new tag is proposed only for a phrase
of this text that several other posts (MIN_POSTS_FOR_NEW_TAG) also use.
"""

import math
from dataclasses import dataclass, field

from django.db import connection

from blog.models import Post, Tag, public_posts

from .index import document_counts, idf
from .models import Posting, PostTerms
from .text import analyse, name_terms

QUERY_TERMS = 400  # terms of a long text weighed at all (its most frequent)
CANDIDATE_TERMS = 24
POSTINGS_PER_TERM = 200
POSTS_PER_TAG = 200
RERANK = 60
NEIGHBOURS = 12
TAG_WEIGHT = 0.35
MIN_POSTS_FOR_NEW_TAG = 3
MAX_NEW_TAGS = 2
MIN_SIMILARITY = 0.02
NAMED_WEIGHT = 1.0  # a tag named in the text, against the similar posts' votes (which sum to 1)


@dataclass
class PostSuggestion:
    post: Post
    score: float
    similarity: float
    shared_tags: list = field(default_factory=list)
    phrases: list = field(default_factory=list)

    @property
    def reason(self):
        """ "shares: referrals, recruiters; similar text: 'hired by referral', 'personal connections'" """
        parts = []
        if self.shared_tags:
            parts.append("shares: " + ", ".join(tag.name for tag in self.shared_tags))
        if self.phrases:
            parts.append("similar text: " + ", ".join(f"‘{p}’" for p in self.phrases))
        return "; ".join(parts)


@dataclass
class TagSuggestion:
    name: str
    score: float
    reason: str
    tag: Tag | None = None  # None: a new tag

    @property
    def is_new(self):
        return self.tag is None


@dataclass
class Suggestions:
    posts: list
    tags: list


def _walks(make, keys, sentinel):
    """Rows of `make(key)` for every key, in one query: a UNION ALL of the sliced subqueries,
    which both PostgreSQL and SQLite accept (Django's union() cannot slice its parts on SQLite).

    The queryset is compiled once, for `sentinel`, and its SQL repeated with each key in the
    sentinel's place: compiling a queryset per key cost more than running them all.
    """
    if not keys:
        return []
    sql, params = make(sentinel).query.sql_with_params()
    params = list(params)
    at = params.index(sentinel)
    parts, values = [], []
    for number, key in enumerate(keys):
        parts.append(f"SELECT * FROM ({sql}) AS part{number}")  # noqa: S608 - Django-compiled SQL
        values.extend([*params[:at], key, *params[at + 1 :]])
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), values)
        return cursor.fetchall()


def _normalise(vector):
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {term: w / norm for term, w in vector.items()}


def query_vector(analysis, *, own_vocabulary=frozenset()):
    """{term: weight} of a text to compare with the index, and the document counts used."""
    weights = analysis.weights()
    terms = sorted(weights, key=lambda t: (-weights[t], t))[:QUERY_TERMS]
    counts = document_counts(terms)
    documents = PostTerms.objects.count()
    vector = {}
    for term in terms:
        others = counts.get(term, 0) - (term in own_vocabulary)
        if others > 0:  # a term no other post uses finds nothing
            vector[term] = weights[term] * idf(documents, others)
    return _normalise(vector), counts, documents


def _text_candidates(vector, exclude):
    telling = sorted(vector, key=lambda t: (-vector[t], t))[:CANDIDATE_TERMS]
    rows = _walks(
        lambda term: (
            Posting.objects.filter(public_posts("post__"), term=term)
            .exclude(post_id__in=exclude)
            .order_by("-weight")
            .values_list("post_id", "term", "weight")[:POSTINGS_PER_TERM]
        ),
        telling,
        "\x00term",
    )
    scores = {}
    for post_id, term, weight in rows:
        scores[post_id] = scores.get(post_id, 0.0) + vector[term] * weight
    return scores


def _tag_candidates(tag_ids, exclude):
    through = Post.tags.through.objects
    rows = _walks(
        lambda tag_id: (
            through.filter(public_posts("post__"), tag_id=tag_id)
            .exclude(post_id__in=exclude)
            .order_by("-post_id")
            .values_list("post_id", "tag_id")[:POSTS_PER_TAG]
        ),
        sorted(tag_ids),
        -1,
    )
    shared = {}
    for post_id, tag_id in rows:
        shared.setdefault(post_id, set()).add(tag_id)
    return shared


def _phrases(vector, terms, surface, *, most=3):
    """The shared terms that made two texts similar, in the writer's words: pairs first."""
    shared = sorted((t for t in terms if t in vector), key=lambda t: ("_" not in t, -(vector[t] * terms[t][0]), t))
    chosen, covered = [], set()
    strongest = max((vector[t] * terms[t][0] for t in shared), default=0.0)
    for term in shared:
        if vector[term] * terms[term][0] < strongest / (8 if "_" in term else 3):
            continue  # a word (or pair) that barely counted says little
        words = surface.get(term) or terms[term][1]
        parts = set(term.split("_"))
        if parts <= covered or words in chosen:
            continue
        chosen.append(words)
        covered |= parts
        if len(chosen) == most:
            break
    return chosen


def rank_posts(vector, surface, *, tag_ids=(), exclude=(), limit=8):
    """[(PostSuggestion without its post loaded, {term: [w, words]})] for the best `limit` public posts."""
    exclude = sorted(set(exclude))
    text = _text_candidates(vector, exclude) if vector else {}
    tagged = _tag_candidates(tag_ids, exclude) if tag_ids else {}
    share = {pk: len(tags) / len(tag_ids) for pk, tags in tagged.items()} if tag_ids else {}
    best_text = max(text.values(), default=0.0)
    provisional = {pk: text.get(pk, 0.0) + TAG_WEIGHT * best_text * 2 * share.get(pk, 0.0) for pk in {*text, *tagged}}
    finalists = sorted(provisional, key=lambda pk: (-provisional[pk], -pk))[:RERANK]
    stored = dict(PostTerms.objects.filter(post_id__in=finalists).values_list("post_id", "terms")) if finalists else {}
    ranked = []
    for pk in finalists:
        terms = stored.get(pk, {})
        similarity = sum(vector.get(t, 0.0) * w for t, (w, _words) in terms.items())
        score = similarity + TAG_WEIGHT * share.get(pk, 0.0)
        if score < MIN_SIMILARITY:
            continue
        ranked.append(
            (
                PostSuggestion(post=None, score=score, similarity=similarity, phrases=_phrases(vector, terms, surface)),
                tagged.get(pk, set()),
                pk,
            )
        )
    ranked.sort(key=lambda item: (-item[0].score, -item[2]))
    return ranked[: max(limit, NEIGHBOURS)]


def suggest(*, title="", summary="", body="", tag_ids=(), post_id=None, limit=8, tag_limit=5):
    """Suggestions for a text being written (the editor's panel). A fixed number of queries."""
    tag_ids = sorted({int(t) for t in tag_ids})
    analysis = analyse(title, summary, body)
    own = set()
    if post_id is not None:
        vocabulary = PostTerms.objects.filter(post_id=post_id).values_list("vocabulary", flat=True).first()
        own = set((vocabulary or "").split())
    vector, counts, documents = query_vector(analysis, own_vocabulary=own)
    exclude = [post_id] if post_id is not None else []
    ranked = rank_posts(vector, analysis.surface, tag_ids=tag_ids, exclude=exclude, limit=limit)
    ids = [pk for _, _, pk in ranked]
    posts = {
        post.pk: post
        for post in Post.objects.published()
        .filter(pk__in=ids)
        .select_related("theme")
        .prefetch_related("tags")
        .only("title", "slug", "published_at", "created_at", "theme__name", "theme__slug")
    }
    suggestions = []
    for suggestion, shared, pk in ranked:
        if pk in posts:  # public now (the index may lag a moment behind an unpublish)
            suggestion.post = posts[pk]
            suggestion.shared_tags = sorted((t for t in posts[pk].tags.all() if t.pk in shared), key=_tag_key)
            suggestions.append(suggestion)
    tags = suggest_tags(analysis, vector, counts, documents, suggestions, tag_ids, tag_limit)
    return Suggestions(posts=suggestions[:limit], tags=tags)


def _tag_key(tag):
    return tag.name.lower()


def suggest_tags(analysis, vector, counts, documents, neighbours, chosen, limit):
    """Existing tags first (voted by similar posts, or named in the text), then new ones."""
    weights = analysis.weights()
    votes, voters = {}, {}
    by_text = sorted((s for s in neighbours if s.similarity > 0), key=lambda s: -s.similarity)[:NEIGHBOURS]
    for suggestion in by_text:
        for tag in suggestion.post.tags.all():
            votes[tag.pk] = votes.get(tag.pk, 0.0) + suggestion.similarity
            voters.setdefault(tag.pk, []).append(suggestion.post.title)
    all_tags = list(Tag.objects.only("name", "slug"))
    top_weight = max(weights.values(), default=1.0)
    named = {}
    for tag in all_tags:
        term = name_terms(tag.name)
        if term and term in weights:
            named[tag.pk] = (weights[term] / top_weight, analysis.surface[term])
    total = sum(s.similarity for s in by_text) or 1.0
    existing = []
    for tag in all_tags:
        if tag.pk in chosen or (tag.pk not in votes and tag.pk not in named):
            continue
        vote = votes.get(tag.pk, 0.0) / total
        said = named.get(tag.pk, (0.0, ""))
        reasons = []
        if tag.pk in voters:
            n = len(voters[tag.pk])
            reasons.append(
                f"on {n} similar post{'s' if n != 1 else ''}: " + ", ".join(f"“{t}”" for t in voters[tag.pk][:2])
            )
        if said[0]:
            reasons.append(f"the text says ‘{said[1]}’")
        existing.append(
            TagSuggestion(name=tag.name, score=vote + NAMED_WEIGHT * said[0], reason="; ".join(reasons), tag=tag)
        )
    existing.sort(key=lambda s: (-s.score, s.name.lower()))
    known_terms = {name_terms(tag.name) for tag in all_tags}
    new = []
    for term in sorted(vector, key=lambda t: (-vector[t], t))[:30]:
        others = counts.get(term, 0)
        if (
            term in known_terms
            or others < MIN_POSTS_FOR_NEW_TAG
            or others > max(documents // 10, MIN_POSTS_FOR_NEW_TAG)
        ):
            continue
        words = analysis.surface[term]
        if "_" not in term or analysis.counts[term] < 2:  # a phrase, said more than once here
            continue
        new.append(
            TagSuggestion(name=words, score=vector[term], reason=f"new tag: {others} other posts also say ‘{words}’")
        )
        if len(new) == MAX_NEW_TAGS:
            break
    return existing[:limit] + new


def similar_posts(post, *, exclude=(), limit=5):
    """Public posts whose text is most like `post`'s saved text: [(Post, [phrase, ...])], best first.

    The hook of Relevant Discussions (settings.BLOG_RELATED_SIMILAR_POSTS); three queries at most.
    """
    terms = PostTerms.objects.filter(post_id=post.pk).values_list("terms", flat=True).first()
    if not terms or limit <= 0:
        return []
    vector = _normalise({term: weight for term, (weight, _words) in terms.items()})
    surface = {term: words for term, (_weight, words) in terms.items()}
    ranked = rank_posts(vector, surface, exclude=[post.pk, *exclude], limit=limit)[:limit]
    ids = [pk for _, _, pk in ranked]
    posts = {
        p.pk: p for p in Post.objects.published().filter(pk__in=ids).select_related("theme").defer("body", "body_html")
    }
    return [(posts[pk], suggestion.phrases) for suggestion, _, pk in ranked if pk in posts]
