"""Signed links, in the comments' convention (comments.notifications): the state is in the
signed payload, GET asks and only a POST acts (subscriptions.views).

- confirm: the whole request (address, list, frequency), so nothing is stored before the
  address proves it reads its mail; expires after SUBSCRIPTIONS_CONFIRM_MAX_AGE.
- unsubscribe: the subscriptions one mail was sent for, never expires (old mails keep working; RFC 8058 one-click).
- manage: every subscription of one address; expires after SUBSCRIPTIONS_MANAGE_MAX_AGE
  (the page then offers to mail a fresh link).
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from blog import site
from blog.models import Post, Tag, Theme

CONFIRM_SALT = "subscriptions.confirm"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"
MANAGE_SALT = "subscriptions.manage"


def confirm_max_age():
    return getattr(settings, "SUBSCRIPTIONS_CONFIRM_MAX_AGE", 3 * 86400)


def manage_max_age():
    return getattr(settings, "SUBSCRIPTIONS_MANAGE_MAX_AGE", 60 * 86400)


class BadLink(Exception):
    """Tampered with, or expired (`expired` says which, for the page)."""

    def __init__(self, expired=False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _loads(token, salt, max_age=None):
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise BadLink(expired=True) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadLink() from error


def confirm_url(email, spec, frequency):
    token = signing.dumps({"e": email, "l": spec, "f": frequency}, salt=CONFIRM_SALT, compress=True)
    return site.absolute(reverse("subscriptions:confirm", args=[token]))


def read_confirm(token):
    payload = _loads(token, CONFIRM_SALT, confirm_max_age())
    try:
        return str(payload["e"]), str(payload["l"]), str(payload["f"])
    except (KeyError, TypeError) as error:
        raise BadLink() from error


def unsubscribe_url(subscription_ids):
    """Stops every subscription a mail was sent for (one address may match a post through the
    blog, its theme and a tag: one click stops that mail). An empty list: a confirmation
    request, where nothing is subscribed yet and nothing will be without the confirm link."""
    token = signing.dumps({"s": sorted(subscription_ids)}, salt=UNSUBSCRIBE_SALT, compress=True)
    return site.absolute(reverse("subscriptions:unsubscribe", args=[token]))


def read_unsubscribe(token):
    payload = _loads(token, UNSUBSCRIBE_SALT)
    try:
        ids = [int(pk) for pk in payload["s"]]
        if len(ids) > 100 or not all(0 < pk < 10**18 for pk in ids):
            raise ValueError("ids")
        return ids
    except (KeyError, TypeError, ValueError) as error:
        raise BadLink() from error


def manage_url(email):
    token = signing.dumps({"e": email}, salt=MANAGE_SALT, compress=True)
    return site.absolute(reverse("subscriptions:manage", args=[token]))


def read_manage(token):
    payload = _loads(token, MANAGE_SALT, manage_max_age())
    try:
        return str(payload["e"])
    except (KeyError, TypeError) as error:
        raise BadLink() from error


def resolve_list(spec):
    """("blog"|"theme"|"tag"|"post", the Theme/Tag/Post or None) for a form's `list` value, or
    None when it names nothing public: "blog", "theme:<slug>", "tag:<slug>", "post:<id>"."""
    kind, _, value = str(spec).partition(":")
    if kind == "blog" and not value:
        return ("blog", None)
    if kind == "theme" and value:
        theme = Theme.objects.filter(slug=value[:200]).first()
        return ("theme", theme) if theme else None
    if kind == "tag" and value:
        tag = Tag.objects.filter(slug=value[:200]).first()
        return ("tag", tag) if tag else None
    if kind == "post" and value.isdecimal() and len(value) < 19:
        post = Post.objects.published().filter(pk=int(value)).first()
        return ("post", post) if post else None
    return None


def list_label(kind, target):
    if kind == "blog":
        return "every new post"
    if kind == "theme":
        return f"new posts on {target.name}"
    if kind == "tag":
        return f"new posts tagged “{target.name}”"
    return f"new comments on “{target.title}”"
