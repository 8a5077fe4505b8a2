"""All comment moderation: the rules, the moderator xtd calls, and every change of state.

A new comment ends in exactly one state (comments.models.State) with the rule that put it
there (comments.models.Reason). The rules, each configured in settings (see `conf`):

    reject  honeypot filled; comments closed (per post, or COMMENTS_CLOSE_AFTER_DAYS);
            more than COMMENTS_RATE_LIMIT comments from one address in COMMENTS_RATE_WINDOW
            seconds (HTTP 429); the same text from the same email on the same post within
            COMMENTS_DUPLICATE_WINDOW seconds
    publish the post's author and staff ("trusted")
    spam    a word from COMMENTS_SPAM_WORDS
    hold    more than COMMENTS_MAX_LINKS links; a word from COMMENTS_MODERATION_WORDS;
            the first comment from an email with none published yet
    publish everything else ("clean")

State changes go through approve(), mark_spam(), remove() and restore(); each takes one
comment or many and runs a fixed number of queries however many it is given.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_comments_xtd.models import XtdComment
from django_comments_xtd.moderation import XtdCommentModerator, moderator

from blog.cache import invalidate_pages
from blog.markup import MarkupRejected, MarkupTooLong, render_markdown
from blog.models import Post

from .models import Moderation, Reason, Report, State

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
    "COMMENTS_TRUSTED_PROXIES": 0,
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
    message: str = ""
    status: int = 200


# One match per link: a URL, a bare www. address, or a Markdown/HTML link to anything else.
_LINK = re.compile(r"https?://|(?<!//)www\.|\]\((?!\s*https?://|\s*www\.)|<a\s", re.IGNORECASE)


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the one the outermost trusted proxy saw.

    With COMMENTS_TRUSTED_PROXIES = N, the N-th address from the right of
    X-Forwarded-For is the one our own first proxy received the request from; anything
    further left was written by the client and is not trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = conf("COMMENTS_TRUSTED_PROXIES")
    if not trusted:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) >= trusted:
        return forwarded[-trusted]
    return remote


def comments_closed(post):
    """Why comments on `post` are closed, or "" when they are open."""
    if not post.allow_comments:
        return "Comments are closed on this post."
    days = conf("COMMENTS_CLOSE_AFTER_DAYS")
    if days and post.published_at and post.published_at < timezone.now() - timedelta(days=days):
        return f"Comments close {days} days after a post is published; this one is closed."
    return ""


def _rate_key(ip):
    return "comments:rate:" + hashlib.sha256((ip or "unknown").encode()).hexdigest()[:32]


def rate_limited(ip):
    """True when `ip` has posted COMMENTS_RATE_LIMIT comments in the current window."""
    return (cache.get(_rate_key(ip)) or 0) >= conf("COMMENTS_RATE_LIMIT")


def count_for_rate_limit(ip):
    """Count one comment from `ip`; the window starts at its first comment (shared cache)."""
    key = _rate_key(ip)
    if not cache.add(key, 1, timeout=conf("COMMENTS_RATE_WINDOW")):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=conf("COMMENTS_RATE_WINDOW"))


def rejection(post, *, email, text, user=None):
    """A Decision to reject before anything is stored, or None. (Honeypot and rate are the view's.)"""
    closed = comments_closed(post)
    if closed:
        return Decision(Outcome.REJECT, "closed", closed, status=403)
    since = timezone.now() - timedelta(seconds=conf("COMMENTS_DUPLICATE_WINDOW"))
    email = (user.email if user and user.is_authenticated and not email else email) or ""
    duplicate = XtdComment.norel_objects.filter(
        content_type__app_label="blog",
        content_type__model="post",
        object_pk=str(post.pk),
        user_email__iexact=email,
        comment=text,
        submit_date__gte=since,
    ).exists()
    if duplicate:
        return Decision(Outcome.REJECT, "duplicate", "You have already posted this comment here.", status=409)
    return None


def classify(post, *, email, text, user=None):
    """Publish, hold or spam a comment that was not rejected, with the deciding rule."""
    if user is not None and user.is_authenticated and (user.is_staff or user.pk == post.author_id):
        return Decision(Outcome.PUBLISH, Reason.TRUSTED)
    lowered = text.lower()
    if any(word.lower() in lowered for word in conf("COMMENTS_SPAM_WORDS")):
        return Decision(Outcome.SPAM, Reason.SPAM_WORD)
    if len(_LINK.findall(text)) > conf("COMMENTS_MAX_LINKS"):
        return Decision(Outcome.HOLD, Reason.LINKS)
    if any(word.lower() in lowered for word in conf("COMMENTS_MODERATION_WORDS")):
        return Decision(Outcome.HOLD, Reason.MODERATION_WORD)
    if conf("COMMENTS_HOLD_FIRST_COMMENT"):
        known = XtdComment.norel_objects.filter(user_email__iexact=email, moderation__state=State.PUBLISHED).exists()
        if not known:
            return Decision(Outcome.HOLD, Reason.FIRST_COMMENT)
    return Decision(Outcome.PUBLISH, Reason.CLEAN)


class PostCommentModerator(XtdCommentModerator):
    """xtd's hook: allow() rejects, moderate() holds (or hides as spam) a comment on a Post.

    The decision is kept on the request for comments.signals to record with the comment.
    """

    email_notification = False  # comments.notifications sends mail, from a task

    def allow(self, comment, content_object, request):
        decision = rejection(content_object, email=comment.user_email, text=comment.comment, user=comment.user)
        if decision is None:
            decision = classify(content_object, email=comment.user_email, text=comment.comment, user=comment.user)
        request.comment_decision = decision
        return decision.outcome != Outcome.REJECT

    def moderate(self, comment, content_object, request):
        decision = request.comment_decision
        if decision.outcome == Outcome.SPAM:
            comment.is_removed = True
        return decision.outcome in (Outcome.HOLD, Outcome.SPAM)


def register():
    if Post not in moderator._registry:
        moderator.register(Post, PostCommentModerator)


def render_comment(text):
    try:
        return render_markdown(text, profile="comment")
    except (MarkupTooLong, MarkupRejected):
        # The form already refused these; an imported comment may still carry one.
        from django.utils.html import escape, linebreaks

        return linebreaks(escape(text))


STATE_FOR_OUTCOME = {Outcome.PUBLISH: State.PUBLISHED, Outcome.HOLD: State.HELD, Outcome.SPAM: State.SPAM}


def record(comment, decision, *, by=None):
    """Store the moderation row of a new comment, with its rendered HTML."""
    state = STATE_FOR_OUTCOME[decision.outcome]
    return Moderation.objects.create(
        comment=comment,
        state=state,
        reason=decision.reason,
        decided_by=by,
        body_html=render_comment(comment.comment),
        announced=state == State.PUBLISHED,  # comments.notifications tells its followers now
    )


# State changes -------------------------------------------------------------------------

_FLAGS = {
    State.PUBLISHED: {"is_public": True, "is_removed": False},
    State.HELD: {"is_public": False, "is_removed": False},
    State.SPAM: {"is_public": False, "is_removed": True},
    State.REMOVED: {"is_removed": True},
}


def _ids(comments):
    if isinstance(comments, XtdComment | int):
        comments = [comments]
    return [c if isinstance(c, int) else c.pk for c in comments]


def _change(comments, state, *, by, reason=Reason.MODERATOR, only_from=None):
    """Set `state` on the comments (queryset updates: no per-comment queries). Returns their ids."""
    ids = _ids(comments)
    rows = Moderation.objects.filter(comment_id__in=ids)
    if only_from:
        rows = rows.filter(state__in=only_from)
    with transaction.atomic():
        changed = list(rows.select_for_update().values_list("comment_id", flat=True))
        if not changed:
            return []
        Moderation.objects.filter(comment_id__in=changed).update(
            state=state, reason=reason, decided_by=by, decided_at=timezone.now()
        )
        XtdComment.norel_objects.filter(pk__in=changed).update(**_FLAGS[state])
    on_state_change(changed, state)
    return changed


def _announce(changed):
    """Tell the followers of the just-published comments nobody was told of yet (once each)."""
    new = list(Moderation.objects.filter(comment_id__in=changed, announced=False).values_list("comment_id", flat=True))
    if new:
        from .notifications import enqueue_followup_notifications

        Moderation.objects.filter(comment_id__in=new).update(announced=True)
        enqueue_followup_notifications(new)


def approve(comments, *, by=None):
    """Publish held (or reported, or spam) comments; their followers hear about them once.

    A comment held after reader reports was published, and announced, before: not again;
    its reports are settled, so it takes COMMENTS_REPORT_THRESHOLD new ones to hold it again.
    """
    reported = set(
        Moderation.objects.filter(comment_id__in=_ids(comments), reason=Reason.REPORTED).values_list(
            "comment_id", flat=True
        )
    )
    changed = _change(comments, State.PUBLISHED, by=by, only_from=[State.HELD, State.SPAM])
    settled = reported & set(changed)
    if settled:
        # A moderator looked and kept it: the reports are settled, new ones count from zero.
        Report.objects.filter(comment_id__in=settled).delete()
        Moderation.objects.filter(comment_id__in=settled).update(report_count=0)
    if changed:
        _announce(changed)
    return changed


def mark_spam(comments, *, by=None):
    return _change(comments, State.SPAM, by=by, only_from=[State.HELD, State.PUBLISHED, State.REMOVED])


def remove(comments, *, by=None):
    """Hide comments; replies stay in place under a "[removed]" placeholder."""
    return _change(comments, State.REMOVED, by=by, only_from=[State.HELD, State.PUBLISHED, State.SPAM])


def restore(comments, *, by=None):
    """Undo remove or spam: the comment is published again (and announced, if it never was)."""
    changed = _change(comments, State.PUBLISHED, by=by, only_from=[State.REMOVED, State.SPAM])
    if changed:
        _announce(changed)
    return changed


def report(comment, *, reporter_key):
    """Record one reader's report; at COMMENTS_REPORT_THRESHOLD the comment goes back to the queue.

    Returns True when this report was new.
    """
    with transaction.atomic():
        _, created = Report.objects.get_or_create(comment_id=comment.pk, reporter=reporter_key[:64])
        if not created:
            return False
        count = Report.objects.filter(comment_id=comment.pk).count()
        Moderation.objects.filter(comment_id=comment.pk).update(report_count=count)
    if count >= conf("COMMENTS_REPORT_THRESHOLD"):
        _change([comment.pk], State.HELD, by=None, reason=Reason.REPORTED, only_from=[State.PUBLISHED])
    return True


def on_state_change(comment_ids, state):
    """What a change of state touches: the cached pages that show (or count) comments."""
    invalidate_pages("comment moderated")
