"""Words into index terms: the one analyser the index and every query use.

Local and deterministic (no model, no network): lower-case words, English stop words dropped,
a light suffix stemmer ("referrals" and "referral" are one term, "hiring" and "hired" are
"hir"), and pairs of neighbouring words within a sentence ("personal connection") as terms
of their own, written with "_" ("person_connect" after stemming). A title counts three times,
a summary twice, the body once. Each term remembers the words it first came from in this text
("hired by referral"), so a reason can quote the writer's own words.
"""

import functools
import math
import re
from dataclasses import dataclass, field

TITLE_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0
MAX_TERM_LENGTH = 80
# Text beyond this many characters is not read: the first 50,000 say what a post is about.
MAX_TEXT = 50_000

STOP_WORDS = frozenset(
    """a about above after again against all almost also although always am among an and another any anyone
    anything are aren't around as at away back be became because become been before being below best better
    between both but by can can't cannot could couldn't did didn't do does doesn't doing don't done down
    during each either else enough even ever every few first for from further get gets getting give given go
    goes going gone good got great had hadn't has hasn't have haven't having he her here hers herself him
    himself his how however i if in into is isn't it it's its itself just keep know last least less let
    like likely little long look lot lots made make makes making many may maybe me might mine more most
    much must my myself need needs never new next no nobody none nor not nothing now of off often on once
    one ones only onto or other others otherwise our ours ourselves out over own part per perhaps put
    quite rather really right same say says see seem seems several she should shouldn't show since so
    some someone something sometimes soon still such sure take takes than that that's the their theirs
    them themselves then there there's these they they're thing things think this those though three
    through thus to together too two under until up upon us use used uses using very via want wants was
    wasn't way ways we well went were weren't what what's when where whether which while who whom whose
    why will with within without won't would wouldn't yet you you'd you'll you're you've your yours
    yourself yourselves""".split()  # noqa: SIM905 - a word list reads better as words
)

_LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^>]+>|https?://\S+|`[^`]*`")
_CHUNK = re.compile(r"[.!?;:,()\[\]\n\"“”]+|\s-\s|\s—\s")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


@functools.lru_cache(maxsize=100_000)
def stem(word):
    """A light English stemmer: enough to make plurals and verb forms meet, never a dictionary."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if len(word) <= 3:
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh")):
        if word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix, keep in (
        ("ingly", 3),
        ("edly", 3),
        ("ing", 3),
        ("ed", 3),
        ("ers", 5),
        ("er", 5),
        ("ly", 4),
        ("ments", 4),
        ("ment", 4),
        ("ions", 4),
        ("ion", 4),
        ("al", 4),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # "running" -> "run"
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


@dataclass
class Analysis:
    """A text's terms: weighted counts, and the words each first came from."""

    counts: dict = field(default_factory=dict)
    surface: dict = field(default_factory=dict)

    def add(self, term, weight, words):
        self.counts[term] = self.counts.get(term, 0.0) + weight
        self.surface.setdefault(term, words)

    def weights(self):
        """Sub-linear term weights, 1 + log(count): a word said ten times is not ten times the topic."""
        return {term: 1.0 + math.log(count) if count >= 1 else count for term, count in self.counts.items()}


def _feed(analysis, text, weight):
    text = _LINK_TARGET.sub(" ", (text or "")[:MAX_TEXT].lower())
    for chunk in _CHUNK.split(text):
        previous = None  # (stem, start, position) of the last content word in this chunk
        for position, match in enumerate(_WORD.finditer(chunk)):
            word = match.group()
            if word in STOP_WORDS or word.replace("’", "'") in STOP_WORDS or word.isdigit() or len(word) < 2:
                continue
            term = stem(word)[:MAX_TERM_LENGTH]
            analysis.add(term, weight, word)
            # A pair: neighbours, or two words with one stop word between ("hired by referral").
            if previous is not None and previous[0] != term and position - previous[2] <= 2:
                pair = f"{previous[0]}_{term}"[:MAX_TERM_LENGTH]
                analysis.add(pair, weight, " ".join(chunk[previous[1] : match.end()].split()))
            previous = (term, match.start(), position)


def analyse(title="", summary="", body=""):
    analysis = Analysis()
    _feed(analysis, title, TITLE_WEIGHT)
    _feed(analysis, summary, SUMMARY_WEIGHT)
    _feed(analysis, body, BODY_WEIGHT)
    return analysis


def name_terms(name):
    """The term a tag's name stands for: "LinkedIn" -> "linkedin", "job search" -> "job_search"."""
    words = [stem(w) for w in _WORD.findall(name.lower()) if w not in STOP_WORDS]
    if not words:
        return None
    return "_".join(words[:2])[:MAX_TERM_LENGTH]
