"""The rules that decide what happens to a new comment: configuration and decisions, no writes.

A new comment ends in exactly one state (comments.models.State) with the rule that put it
there (comments.models.Reason). The rules, each configured in settings (see `conf`):

    reject  comments closed (per post, or COMMENTS_CLOSE_AFTER_DAYS); the same text from
            the same email on the same post within COMMENTS_DUPLICATE_WINDOW seconds;
            more than COMMENTS_RATE_LIMIT comments from one address in
            COMMENTS_RATE_WINDOW seconds (HTTP 429). (A filled honeypot is refused by the
            form itself: comments.posting.)
    publish the post's author and staff ("trusted")
    spam    a word from COMMENTS_SPAM_WORDS; a learned spam score (comments.spam) at or above
            COMMENTS_SPAM_THRESHOLD
    hold    personal details (a phone number, an email address, a salary with an employer:
            COMMENTS_PRIVACY_GUARD); more than COMMENTS_MAX_LINKS links; a word from
            COMMENTS_MODERATION_WORDS; a website from a known commenter who never gave it
            before; a spam score at or above COMMENTS_HOLD_THRESHOLD; the first comment from
            an email with none published yet
    publish everything else ("clean")

`history()` reads what the rules need in two queries; `rejection()` and `classify()` are
pure functions of it; `decide()` runs the three. comments.moderation stores what they
decide and is the only code that writes comments. The rate-limit counter (`reserve`) is
the one exception: a counter in the cache, not a comment, taken before the comment is accepted.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from . import addresses, folding, spam
from .models import Reason, State

DEFAULTS = {
    "COMMENTS_RATE_LIMIT": 5,
    "COMMENTS_RATE_WINDOW": 600,
    "COMMENTS_MAX_LINKS": 2,
    "COMMENTS_MODERATION_WORDS": [],
    "COMMENTS_SPAM_WORDS": ["casino", "betting", "viagra", "crypto giveaway", "payday loan"],
    "COMMENTS_HOLD_FIRST_COMMENT": True,
    "COMMENTS_CLOSE_AFTER_DAYS": 0,  # 0: never close automatically
    "COMMENTS_DUPLICATE_WINDOW": 86400,
    "COMMENTS_REPORT_THRESHOLD": 3,
    "COMMENTS_REPORT_RATE_LIMIT": 10,  # reports per reader (address, IPv6 /64) ...
    "COMMENTS_REPORT_RATE_WINDOW": 3600,  # ... in this many seconds
    "COMMENTS_TRUSTED_PROXIES": (),  # addresses or networks (comments.addresses)
    "COMMENTS_EDIT_WINDOW": 900,
    "COMMENTS_SPAM_THRESHOLD": 0.98,  # spam score at or above: spam (hidden, kept)
    "COMMENTS_HOLD_THRESHOLD": 0.1,  # at or above: held for the author (bench/spam_bench.py)
    "COMMENTS_PRIVACY_GUARD": True,
    "COMMENTS_MIN_SECONDS": 3,  # a form sent sooner after its page was drawn is held: a bot's
}


def conf(name):
    return getattr(settings, name, DEFAULTS[name])


class Outcome:
    REJECT = "reject"
    PUBLISH = "publish"
    HOLD = "hold"
    SPAM = "spam"


@dataclass(frozen=True)
class Decision:
    outcome: str
    reason: str  # a Reason value, or the name of the rejecting rule
    message: str = ""  # for the reader, when rejected
    status: int = 200
    note: str = ""  # for the author: why, in words (the spam score's reasons, the privacy guard's)


STATE_FOR_OUTCOME = {Outcome.PUBLISH: State.PUBLISHED, Outcome.HOLD: State.HELD, Outcome.SPAM: State.SPAM}


def client_ip(request):
    """The client's address, normalized ("" when unknown): REMOTE_ADDR, or, when the peer is one
    of COMMENTS_TRUSTED_PROXIES, the rightmost X-Forwarded-For hop that is not one of our
    proxies (comments.addresses.client_address)."""
    return addresses.client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        conf("COMMENTS_TRUSTED_PROXIES"),
    )


def is_trusted(user, post):
    """The post's author and staff publish directly."""
    return bool(user is not None and user.is_authenticated and (user.is_staff or user.pk == post.author_id))


def comments_closed(post):
    """Why comments on `post` are closed, or "" when they are open."""
    if not post.allow_comments:
        return "Comments are closed on this post."
    days = conf("COMMENTS_CLOSE_AFTER_DAYS")
    if days and post.published_at and post.published_at < timezone.now() - timedelta(days=days):
        return f"Comments close {days} days after a post is published; this one is closed."
    return ""


def _rate_key(ip, kind="rate"):
    """One counter per reader and kind: an IPv4 address or an IPv6 /64 (comments.addresses.bucket)."""
    return f"comments:{kind}:" + hashlib.sha256(addresses.bucket(ip).encode()).hexdigest()[:32]


def rate_limited(ip):
    """True when `ip` has used up COMMENTS_RATE_LIMIT comments in the current window (a read)."""
    return (cache.get(_rate_key(ip)) or 0) >= conf("COMMENTS_RATE_LIMIT")


def count_for_rate_limit(ip, *, kind="rate", window=None):
    """Count one comment (or `kind` of thing) from `ip`, atomically (the cache's add + incr:
    Redis INCR, or the local-memory cache's lock); the window starts at the first. Returns
    the count, 0 when the cache cannot count (Redis down: the limit fails open rather than
    refusing everyone)."""
    key, window = _rate_key(ip, kind), window or conf("COMMENTS_RATE_WINDOW")
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr, or no cache
        return 1 if cache.add(key, 1, timeout=window) else 0


def reserve(ip):
    """Take one of `ip`'s COMMENTS_RATE_LIMIT comments for this window, or say there is none
    left. Counting before accepting is what makes the limit hold for simultaneous posts: 20
    at once against a limit of 5 get counts 1 to 20, and only 1 to 5 go on."""
    return count_for_rate_limit(ip) <= conf("COMMENTS_RATE_LIMIT")


def reserve_report(ip):
    """Take one of the reader's COMMENTS_REPORT_RATE_LIMIT reports for this window (True), or
    say there is none left (False): a reader cannot report the whole site."""
    count = count_for_rate_limit(ip, kind="report", window=conf("COMMENTS_REPORT_RATE_WINDOW"))
    return count <= conf("COMMENTS_REPORT_RATE_LIMIT")


REPORTS_LIMITED = (
    "Many reports came from your network in the last hour, so this one was not recorded. "
    "A moderator is looking at the earlier ones; please try again later."
)


RATE_LIMITED = Decision(
    Outcome.REJECT,
    "rate",
    # Said without blaming the reader: the address may be a whole office's or a phone network's.
    "Many comments came from your network in the last few minutes, so this one was not posted. "
    "Please wait a few minutes and send it again; your text is kept below.",
    status=429,
)


@dataclass(frozen=True)
class History:
    """What the rules need to know of a commenter's past comments (two queries: `history()`)."""

    duplicate: bool  # the same text on the same post, within COMMENTS_DUPLICATE_WINDOW
    known: bool  # a published comment from this email, anywhere
    known_site: bool = True  # a published comment from this email with this website (or none given)


# How many of one commenter's recent comments on a post a new one is compared with.
DUPLICATE_LOOKBACK = 50


def history(post, *, email, text, url=""):
    """The History, in two queries: two EXISTS (each stops at its first row: a regular's
    hundreds of comments cost no more than a newcomer's none), and the commenter's recent
    texts on this post (at most DUPLICATE_LOOKBACK), compared with this one as a reader sees
    them (comments.folding.duplicate_key: spacing, line endings, entities, invisible
    characters and a final full stop make no new comment)."""
    from blog.models import Post

    since = timezone.now() - timedelta(seconds=conf("COMMENTS_DUPLICATE_WINDOW"))
    theirs = XtdComment.norel_objects.filter(
        content_type__app_label="blog", content_type__model="post", user_email__iexact=email or ""
    )
    published = theirs.filter(moderation__state=State.PUBLISHED)
    found = (
        Post.objects.filter(pk=post.pk)
        .values(
            known=Exists(published),
            known_site=Exists(published.filter(user_url__iexact=url or "")),
        )
        .first()
    ) or {"known": False, "known_site": False}
    recent = theirs.filter(object_pk=str(post.pk), submit_date__gte=since).order_by("-submit_date")
    key = folding.duplicate_key(text)
    earlier = recent.values_list("comment", flat=True)[:DUPLICATE_LOOKBACK]
    duplicate = any(folding.duplicate_key(one) == key for one in earlier)
    return History(
        duplicate=duplicate,
        known=found["known"],
        known_site=not url or found["known_site"],  # no website given: nothing new
    )


def rejection(post, *, past, user=None, ip=None):
    """A Decision to reject before anything is stored, or None. `past`: the History.

    `ip`: the client's address for the rate limit (None: not checked, as for a comment
    confirmed by email, which was counted when it was sent). The limit is checked last and
    counts this comment (`reserve`): a comment that passes it is stored, whatever else the
    rules decide, so counting here, before anything is stored, is counting what is accepted.
    """
    closed = comments_closed(post)
    if closed:
        return Decision(Outcome.REJECT, "closed", closed, status=403)
    if past.duplicate:
        return Decision(Outcome.REJECT, "duplicate", "You have already posted this comment here.", status=409)
    if ip is not None and not is_trusted(user, post) and not reserve(ip):
        return RATE_LIMITED
    return None


# Personal details a career blog's readers overshare: held, so the author can edit or approve.
# A phone number: a run of digits and separators with 9 to 15 digits, that is not a list of
# years ("1999 2005 2010", "2019-2021") or of small figures ("10 20 30 40 50").
_DIGIT_RUN = re.compile(r"(?<![\w$€£.,/])\+?\(?\d[\d\s().-]{6,}\d(?![\w%])")
_YEAR = re.compile(r"(?:19|20)\d\d")
_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A salary: an amount with pay words next to it, and an employer named after "at"/"for"...
_SALARY = re.compile(
    r"(?:salary|offer|paid|pay|earn\w*|make|making|base|comp\w*|package)\D{0,25}"
    r"(?:[$€£]\s?\d[\d,.]*\s?k?|\b\d{2,3}(?:,\d{3}|k)\b)"
    r"|(?:[$€£]\s?\d[\d,.]*\s?k?|\b\d{2,3}(?:,\d{3}|k)\b)\s*(?:a|per|/)\s*(?:year|yr|annum)",
    re.IGNORECASE,
)
_EMPLOYER = re.compile(r"\b(?:at|for|with|from)\s+(?:[A-Z][\w&.-]+)(?:\s+[A-Z][\w&.-]+)*")


def _looks_like_phone(run):
    digits = "".join(ch for ch in run if ch.isdigit())
    if not 9 <= len(digits) <= 15:
        return False
    groups = [group for group in re.split(r"[^\d]+", run) if group]
    if all(len(group) == 4 and _YEAR.fullmatch(group) for group in groups):
        return False  # years
    return not (len(groups) >= 3 and all(len(group) <= 2 for group in groups) and not run.lstrip().startswith("+"))


def privacy_problem(text):
    """What personal detail `text` seems to give away, in words, or ""."""
    if any(_looks_like_phone(match.group()) for match in _DIGIT_RUN.finditer(text)):
        return "privacy: looks like a phone number"
    if _EMAIL_IN_TEXT.search(text):
        return "privacy: contains an email address"
    if _SALARY.search(text) and _EMPLOYER.search(text):
        return "privacy: a salary together with an employer's name"
    return ""


def classify(post, *, text, past, user=None, score=None, seconds=None):
    """Publish, hold or spam a comment that was not rejected, with the deciding rule.

    `score`: the learned spam score (comments.spam.Score), or None for none.
    """
    if is_trusted(user, post):
        return Decision(Outcome.PUBLISH, Reason.TRUSTED)
    if folding.contains_any(text, conf("COMMENTS_SPAM_WORDS")):
        return Decision(Outcome.SPAM, Reason.SPAM_WORD)
    if score is not None and score.probability >= conf("COMMENTS_SPAM_THRESHOLD"):
        return Decision(Outcome.SPAM, Reason.SCORE, note=score.explain())
    if seconds is not None and seconds < conf("COMMENTS_MIN_SECONDS"):
        # The form's signed timestamp is when the page was drawn, never later than it was
        # opened (a cached page is older still): a person cannot have read and typed this fast.
        return Decision(Outcome.HOLD, Reason.FAST, note=f"sent {max(0, int(seconds))} s after the page was drawn")
    private = privacy_problem(text) if conf("COMMENTS_PRIVACY_GUARD") else ""
    if private:
        return Decision(Outcome.HOLD, Reason.PRIVACY, note=private)
    if folding.link_count(text) > conf("COMMENTS_MAX_LINKS"):
        return Decision(Outcome.HOLD, Reason.LINKS)
    if folding.contains_any(text, conf("COMMENTS_MODERATION_WORDS")):
        return Decision(Outcome.HOLD, Reason.MODERATION_WORD)
    if past.known and not past.known_site:
        # A trusted commenter who suddenly advertises a website: the returning spammer's move.
        return Decision(Outcome.HOLD, Reason.NEW_WEBSITE)
    if score is not None and score.probability >= conf("COMMENTS_HOLD_THRESHOLD"):
        return Decision(Outcome.HOLD, Reason.SCORE, note=score.explain())
    if conf("COMMENTS_HOLD_FIRST_COMMENT") and not past.known:
        return Decision(Outcome.HOLD, Reason.FIRST_COMMENT)
    return Decision(Outcome.PUBLISH, Reason.CLEAN)


def decide(post, *, email, text, user=None, ip=None, name="", url="", seconds=None):
    """The one decision for a new comment: rejection(), or else classify() with the learned
    spam score, from two reads (the commenter's history, the model's counts for its tokens).

    `seconds`: from opening the page to sending the form, when known (the signed form's
    timestamp): a form sent within seconds is a bot's.
    """
    if user is not None and user.is_authenticated and not email:
        email = user.email
    past = history(post, email=email, text=text, url=url)
    refused = rejection(post, past=past, user=user, ip=ip)
    if refused is not None:
        return refused
    score = None
    if not is_trusted(user, post):
        tokens = spam_tokens(post, text=text, name=name, email=email, url=url, ip=ip, known=past.known, seconds=seconds)
        score = spam.score(tokens)
    return classify(post, text=text, past=past, user=user, score=score, seconds=seconds)


def spam_tokens(post, **comment):
    """comments.spam.features() of a comment on `post` (the post's title words tell on-topic praise)."""
    return spam.features(post_words=spam.words_of(f"{post.title} {post.summary}"), **comment)
