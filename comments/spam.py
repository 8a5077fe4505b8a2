"""A spam score that learns from the author: naive Bayes over a comment's tokens and signals.

Why this model: naive Bayes over which tokens a comment has (presence only, add-half
smoothing; tokens never seen say nothing) is small,
well understood, trains in one pass and learns from a single decision: exactly what an
author marking a handful of campaign comments as spam needs. Counts live in the database
(`SpamToken`, one row per hashed token), so every app server scores and learns from the same
model; a decision is an atomic `UPDATE ... SET spam = spam + n`, so two servers learning at
once lose no counts. No library (scikit-learn would add ~40 MB for a hundred lines of
arithmetic) and no network service.

The features (`features()`): the words of the text (and pairs of words, which catch spun
campaign variants), link domains and the words in them, the email and website domains, the
name's words, the address's /24 (or /64), and signals: a name that is a URL or keywords, a
website on a first comment, link-heavy or link-only text, BBCode/HTML link markup, generic
praise that shares no word with the post, a form sent seconds after the page was opened,
text mostly in another script than the blog's.

A new blog starts from a starter corpus written for this project
(comments/spam_corpus/starter.jsonl, learned by migration 0011); the author's decisions
count COMMENTS_SPAM_AUTHOR_WEIGHT times as much, so they outweigh it as they accumulate.
comments.rules turns the score into a decision; comments.moderation calls learn() and
unlearn() as the author decides. The reader is never told the score.
"""

import hashlib
import ipaddress
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

STARTER = Path(__file__).resolve().parent / "spam_corpus" / "starter.jsonl"
TOTALS = 0  # the SpamToken row that counts documents (spam, ham) instead of a token
BUCKETS = 2**62
MAX_TOKENS = 400

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)
_URL = re.compile(
    r"(?:https?:)?//[^\s<>\"')\]]+|\bwww\.[^\s<>\"')\]]+"
    # a bare domain: "luckyspin.example", "cheap-essays.com/order"
    r"|(?<![@\w.-])(?:[a-z0-9-]+\.)+(?:com|net|org|info|biz|io|co|xyz|top|site|online|shop|club|example)\b[^\s<>\"')\]]*",
    re.IGNORECASE,
)
_MARKUP_LINK = re.compile(r"\[url[=\]]|<a\s|\]\(\s*(?:https?:)?//", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
GENERIC_PRAISE = re.compile(
    r"\b(nice|great|good|awesome|amazing|excellent|informative|useful|helpful|wonderful|fantastic)\s+"
    r"(blog|post|article|information|info|site|website|content|share|sharing|work|job|read)\b"
    r"|\bthanks? for (sharing|the (post|article|info))\b|\bkeep (it up|posting|up the good work)\b"
    r"|\bi am agree\b|\bvery (informative|nice|helpful) (post|article|blog)\b",
    re.IGNORECASE,
)
PROMOTION = re.compile(
    r"\b(?:visit|check (?:it )?out|sign up|signup|register|join|claim|bonus|airdrop|free|earn|discount|promo|"
    r"coupon|dm me|whatsapp|telegram|click|order|buy|cheap|guaranteed|wallet|offer ends|limited time|"
    r"passive income|download|per day|per week|use code)\b",
    re.IGNORECASE,
)
# A product name written as one word with inner capitals: "CryptoAir", "SlotKing", "SEOBoost".
BRAND = re.compile(r"\b[A-Z][a-z]+[A-Z][A-Za-z]+\b|\b[A-Z]{2,}[a-z]{2,}[A-Za-z]*\b")
NAME_KEYWORDS = re.compile(
    r"seo|service|cheap|best|casino|slot|bet|loan|essay|crypto|bitcoin|pharma|pills|backlink|marketing|"
    r"agency|online|buy|sale|discount|writing|review",
    re.IGNORECASE,
)


def conf(name, default):
    return getattr(settings, name, default)


def _normal(text):
    """NFKC (fullwidth letters, ligatures), invisible characters out, lower case."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def _host(url):
    url = url if "//" in url else "//" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _host_tokens(prefix, host):
    if not host:
        return []
    parts = [part for part in re.split(r"[.-]", host) if part and not part.isdigit()]
    return [f"{prefix}:{host}", *(f"{prefix}w:{part}" for part in parts[:-1] or parts)]


def network_of(ip):
    """The /24 (IPv4, IPv4-mapped IPv6) or /64 (IPv6) of an address, or "": one household or office."""
    return _network(ip)


def _network(ip):
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    if address.version == 6:
        mapped = address.ipv4_mapped
        if mapped is None:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        address = mapped
    return str(ipaddress.ip_network(f"{address}/24", strict=False))


def _foreign_script(text):
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 12:
        return False
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, "LATIN"))
    return latin / len(letters) < 0.6


def words_of(text):
    """The words of `text` as features() sees them (normalised, links left out)."""
    return {word for word in _WORD.findall(_URL.sub(" ", _normal(text))) if len(word) > 3}


def features(*, text, name="", email="", url="", ip="", post_words=(), known=False, seconds=None):
    """The comment's tokens (strings), at most MAX_TOKENS, each once."""
    plain = _normal(text)
    words = _WORD.findall(_URL.sub(" ", plain))
    tokens = [f"w:{word}" for word in words if len(word) > 1]
    tokens += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    links = _URL.findall(plain)
    for link in links[:20]:
        tokens += _host_tokens("d", _host(link))
    if email and "@" in email:
        tokens += _host_tokens("e", _normal(email).rsplit("@", 1)[1])
        tokens.append(f"em:{_normal(email)}")
    if url:
        tokens += _host_tokens("s", _host(_normal(url)))
        tokens.append("sig:website")  # readers seldom give one; advertisers nearly always do
        if not known:
            tokens.append("sig:website_first")
    name_plain = _normal(name)
    tokens += [f"n:{word}" for word in _WORD.findall(name_plain)]
    if _URL.search(name_plain) or re.search(r"\.[a-z]{2,}\b", name_plain):
        tokens.append("sig:name_url")
    if NAME_KEYWORDS.search(name_plain):
        tokens.append("sig:name_keyword")
    network = _network(ip)
    if network:
        tokens.append(f"ip:{network}")
    if links and (len(links) >= 2 or len(words) < 15):
        tokens.append("sig:link_heavy")
    if links and len(words) <= 2 * len(links):
        tokens.append("sig:link_only")
    if _MARKUP_LINK.search(plain):
        tokens.append("sig:markup_link")
    if GENERIC_PRAISE.search(plain) and len(words) < 40 and not set(words) & set(post_words):
        tokens.append("sig:generic_praise")
    if seconds is not None and seconds < 5:
        tokens.append("sig:fast")
    if _foreign_script(plain):
        tokens.append("sig:script")
    if len(PROMOTION.findall(plain)) >= 2:
        tokens.append("sig:promotion")
    if BRAND.search(text or ""):
        tokens.append("sig:brand")
    return list(dict.fromkeys(tokens))[:MAX_TOKENS]


def bucket(token):
    """A stable 62-bit hash of a token (never TOTALS)."""
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big") % (BUCKETS - 1) + 1


@dataclass(frozen=True)
class Score:
    probability: float
    because: tuple  # the tokens that pushed most towards spam, with whether the author marked them

    def explain(self):
        """The score in the author's words: "spam 0.97: a link to a domain you marked spam; 'slot'"."""
        said = [describe(token, marked) for token, marked in self.because]
        shown = min(self.probability, 0.99)  # "0.99", never a certainty
        return f"spam {shown:.2f}" + (": " + "; ".join(said) if said else "")


def describe(token, marked):
    kind, _, value = token.partition(":")
    you = " you marked spam" if marked else ""
    words = {
        "d": f"a link to {value}",
        "dw": f"a link with '{value}' in its address",
        "e": f"an email at {value}",
        "em": f"an email{you or ' seen in spam'}",
        "s": f"a website at {value}",
        "sw": f"'{value}' in the website's address",
        "n": f"the name '{value}'",
        "ip": f"an address in {value}",
        "w": f"'{value}'",
        "b": f"'{value.replace('_', ' ')}'",
    }
    signals = {
        "website_first": "a website on a first comment",
        "name_url": "a name that is a web address",
        "name_keyword": "a name made of keywords",
        "link_heavy": "mostly links",
        "link_only": "nothing but links",
        "markup_link": "link markup (BBCode or HTML)",
        "generic_praise": "generic praise that says nothing about the post",
        "fast": "sent seconds after the page was opened",
        "script": "mostly in another script than the blog's",
        "website": "a website given",
        "promotion": "the words of an advertisement",
        "brand": "a product name",
    }
    text = signals.get(value, value) if kind == "sig" else words.get(kind, token)
    if marked and kind in {"d", "e", "s", "ip"}:
        text += ", which you marked spam before"
    return text


def score(tokens):
    """P(spam | tokens) from the learned counts, with the strongest reasons: two queries at most."""
    from .models import SpamToken

    by_bucket = {bucket(token): token for token in tokens}
    rows = {
        row[0]: row[1:]
        for row in SpamToken.objects.filter(bucket__in=[TOTALS, *by_bucket]).values_list(
            "bucket", "spam", "ham", "marked"
        )
    }
    spam_docs, ham_docs, _ = rows.get(TOTALS, (0.0, 0.0, 0))
    if spam_docs + ham_docs == 0:
        return Score(0.0, ())
    log_odds = math.log((spam_docs + 1) / (ham_docs + 1))
    text_odds = signal_odds = 0.0
    pushes = []
    for key, token in by_bucket.items():
        spam, ham, marked = rows.get(key, (0.0, 0.0, 0))
        spam, ham = max(spam, 0.0), max(ham, 0.0)
        if spam == 0 and ham == 0:
            continue  # never seen: says nothing
        weight = math.log((spam + 0.5) / (spam_docs + 1)) - math.log((ham + 0.5) / (ham_docs + 1))
        if token[:2] in ("w:", "b:"):
            text_odds += weight
        elif token[:4] == "sig:":
            signal_odds += weight
        else:
            log_odds += weight
        pushes.append((weight, token, bool(marked)))
    # The words of a long text add up to certainty either way and would drown every other
    # signal (naive Bayes treats them as independent; they are not): their sum is bounded.
    log_odds += max(-WORDS_BOUND, min(WORDS_BOUND, text_odds))
    # Signals alone (a website, a link) make a comment suspect, never spam by themselves:
    # genuine readers give websites too; their sum is bounded below the spam threshold.
    log_odds += max(-SIGNALS_BOUND, min(SIGNALS_BOUND, signal_odds))
    probability = 1 / (1 + math.exp(-max(-50.0, min(50.0, log_odds))))
    # The strongest reasons, a place the author marked spam before (a domain, an email) first.
    pushes.sort(key=lambda push: (push[2] and push[1].split(":")[0] in NAMED_PLACES, push[0]), reverse=True)
    because = tuple((token, marked) for weight, token, marked in pushes if weight > 1)[:3]
    return Score(probability, because)


NAMED_PLACES = {"d", "e", "s", "em", "ip"}
WORDS_BOUND = 6.0  # nats: at most e^6 (about 400) to 1 from the words alone
SIGNALS_BOUND = 3.0  # nats: about 20 to 1 from the signals alone


def _add(counts, *, label, sign, marked=False, model=None):
    """Add (sign=+1) or take back (-1) one weighted document per token set in `counts`.

    Counts never go below zero (taking back what was never learned, after a text changed).
    `model`: the SpamToken model (a migration passes its historical one).
    """
    if model is None:
        from .models import SpamToken as model

    if not counts:
        return
    column = "spam" if label == "spam" else "ham"
    with transaction.atomic(savepoint=False):  # inside a decision's transaction: part of it
        keys = sorted(counts)  # the same lock order on every server: no deadlock between learners
        model.objects.bulk_create([model(bucket=key) for key in keys], ignore_conflicts=True)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            change = Case(
                *(When(bucket=key, then=Value(sign * counts[key])) for key in chunk),
                default=Value(0.0),
                output_field=FloatField(),
            )
            values = {column: F(column) + change}
            if marked and label == "spam":
                values["marked"] = F("marked") + (1 if sign > 0 else -1)
                values["marked_at"] = timezone.now()
            values[column] = Greatest(values[column], Value(0.0))
            if "marked" in values:
                values["marked"] = Greatest(values["marked"], Value(0))
            model.objects.filter(bucket__in=chunk).update(**values)


def _counts(documents, weight):
    """{bucket: weighted number of documents containing it}, TOTALS included."""
    counts = {TOTALS: 0.0}
    for tokens in documents:
        counts[TOTALS] += weight
        for key in {bucket(token) for token in tokens}:
            counts[key] = counts.get(key, 0.0) + weight
    return counts


def learn(documents, *, label, author=True, model=None):
    """Learn token lists as `label` ("spam" or "ham"); the author's weigh more than the starter's."""
    weight = conf("COMMENTS_SPAM_AUTHOR_WEIGHT", 3.0) if author else 1.0
    _add(_counts(documents, weight), label=label, sign=1, marked=author, model=model)


def unlearn(documents, *, label):
    """Take back what learn(..., author=True) added: the author changed their mind."""
    _add(_counts(documents, conf("COMMENTS_SPAM_AUTHOR_WEIGHT", 3.0)), label=label, sign=-1, marked=True)


def learn_starter(path=STARTER, model=None):
    """The starter corpus (written for this project), at weight 1."""
    spam, ham = [], []
    with open(path, encoding="utf-8") as corpus:
        for line in corpus:
            if not line.strip():
                continue
            row = json.loads(line)
            tokens = features(
                text=row["text"], name=row.get("name", ""), email=row.get("email", ""), url=row.get("website", "")
            )
            (spam if row["label"] == "spam" else ham).append(tokens)
    learn(spam, label="spam", author=False, model=model)
    learn(ham, label="ham", author=False, model=model)
    return len(spam), len(ham)
