"""Subscribing (double opt-in), confirming, unsubscribing and managing, by signed links.

As comments' email links: a link's GET (or a mail scanner's HEAD) shows a page and changes
nothing; only a POST acts. Two exceptions to the CSRF token, each with its reason:
- the subscribe form sits on cached pages shared by everyone, so, like the comment form,
  anonymous readers are checked by Origin/Referer (comments.views.forgery_check);
- the unsubscribe link takes RFC 8058's one-click POST from mail providers, which carry no
  cookie and no token: the signed link itself is the proof.

A subscription request answers the same whatever the address (subscribed, unsubscribed,
unknown): what differs is only the mail, which goes to that address alone.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from comments.rules import client_ip
from comments.views import forgery_check

from . import sending, tokens
from .forms import EmailForm, SubscribeForm
from .models import Subscriber, Subscription


def _conf(name, default):
    return getattr(settings, name, default)


def _counted(key, limit, window):
    """Count one event under `key`; True when it is over `limit` in the window (shared cache;
    the same fixed-window counter as comments.rules' rate limit)."""
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return False


def _hashed(prefix, value):
    return f"subscriptions:{prefix}:" + hashlib.sha256(value.encode()).hexdigest()[:32]


def _page(request, template, context=None, status=200):
    return render(request, f"subscriptions/{template}", context or {}, status=status)


def _bad_link(request, error, *, again=True):
    message = (
        "This link has expired. Please ask again: the form is at the bottom of every page."
        if error.expired
        else "This link is invalid: it may have been cut or changed. Please use the whole link from the email."
    )
    return _page(request, "error.html", {"message": message, "again": again}, status=400)


@csrf_exempt  # forgery_check() instead: the form is on cached pages (see the module docstring)
@never_cache
@require_POST
def subscribe(request):
    form = SubscribeForm(request.POST)
    forged = forgery_check(request)
    if forged:
        return _page(request, "subscribe_page.html", {"form": form, "message": forged}, status=403)
    if request.POST.get("honeypot"):
        return _page(request, "error.html", {"message": "This form was filled in by a robot, it seems."}, status=400)
    if _counted(
        _hashed("rate", client_ip(request) or "unknown"),
        _conf("SUBSCRIPTIONS_RATE_LIMIT", 5),
        _conf("SUBSCRIPTIONS_RATE_WINDOW", 600),
    ):
        message = "Too many subscription requests from your address. Please wait a few minutes and try again."
        return _page(request, "subscribe_page.html", {"form": form, "message": message}, status=429)
    if not form.is_valid():
        return _page(request, "subscribe_page.html", {"form": form, "message": "Please check the form."}, status=400)
    resolved = tokens.resolve_list(form.cleaned_data["list"])
    if resolved is None:
        return _page(request, "error.html", {"message": "That list does not exist (any more)."}, status=404)
    email, spec = form.cleaned_data["email"], form.cleaned_data["list"]
    frequency = form.cleaned_data["frequency"] if resolved[0] != "post" else Subscription.Frequency.EACH
    # At most a few mails a day to one address, whoever asks: the form cannot flood an inbox.
    if not _counted(_hashed("address", email), _conf("SUBSCRIPTIONS_MAILS_PER_ADDRESS", 3), 86400):
        transaction.on_commit(lambda: sending.send_confirmation.enqueue(email=email, spec=spec, frequency=frequency))
    label = tokens.list_label(*resolved)
    return _page(request, "check_inbox.html", {"email": email, "label": label}, status=200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    try:
        email, spec, frequency = tokens.read_confirm(token)
    except tokens.BadLink as error:
        return _bad_link(request, error)
    resolved = tokens.resolve_list(spec)
    if resolved is None or frequency not in Subscription.Frequency.values:
        return _page(request, "error.html", {"message": "That list does not exist (any more)."}, status=404)
    kind, target = resolved
    context = {"email": email, "label": tokens.list_label(kind, target), "frequency": frequency, "kind": kind}
    if request.method != "POST":
        return _page(request, "confirm.html", context)
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(email=email)
        lookup = {"subscriber": subscriber, "kind": kind, **({kind: target} if target else {})}
        subscription = Subscription.objects.select_for_update().filter(**lookup).first()
        if subscription is not None and subscription.active:
            context["already"] = True  # a second click: nothing changes
        elif subscription is not None:
            subscription.active, subscription.unsubscribed_at = True, None
            subscription.confirmed_at, subscription.frequency = timezone.now(), frequency
            subscription.save()
        else:
            try:
                with transaction.atomic():
                    Subscription.objects.create(**lookup, frequency=frequency, confirmed_at=timezone.now())
            except IntegrityError:  # the same link clicked twice at once: the other click made it
                context["already"] = True
    context["manage_url"] = tokens.manage_url(email)
    return _page(request, "confirmed.html", context)


@csrf_exempt  # RFC 8058 one-click: the signed link is the proof (see the module docstring)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        ids = tokens.read_unsubscribe(token)
    except tokens.BadLink as error:
        return _bad_link(request, error, again=False)
    subscriptions = list(Subscription.objects.filter(pk__in=ids).select_related("subscriber", "theme", "tag", "post"))
    email = subscriptions[0].subscriber.email if subscriptions else ""
    context = {"subscriptions": subscriptions, "email": email, "manage_url": tokens.manage_url(email) if email else ""}
    if request.method != "POST":
        return _page(request, "unsubscribe.html", context)
    Subscription.objects.filter(pk__in=ids, active=True).update(active=False, unsubscribed_at=timezone.now())
    return _page(request, "unsubscribe.html", {**context, "done": True})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    """Every subscription of one address: stop one, change how often, or stop all."""
    try:
        email = tokens.read_manage(token)
    except tokens.BadLink as error:
        return _bad_link(request, error)
    rows = Subscription.objects.filter(subscriber__email=email, active=True).select_related("theme", "tag", "post")
    if request.method == "POST":
        action, pk = request.POST.get("action", ""), request.POST.get("subscription", "")
        mine = rows.filter(pk=int(pk)) if pk.isdecimal() and len(pk) < 19 else rows.none()
        now = timezone.now()
        if action == "stop-all":
            rows.update(active=False, unsubscribed_at=now)
        elif action == "stop" and mine:
            mine.update(active=False, unsubscribed_at=now)
        elif action in Subscription.Frequency.values and mine:
            mine.exclude(kind="post").update(frequency=action)
        else:
            return _page(
                request,
                "error.html",
                {"message": "Nothing to change: that subscription is not yours or has gone."},
                status=400,
            )
        context = {"email": email, "subscriptions": list(rows), "done": action}
        return _page(request, "manage.html", context)
    return _page(request, "manage.html", {"email": email, "subscriptions": list(rows)})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage_request(request):
    """Ask for the manage link by email: the same answer for any address."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        limited = _counted(
            _hashed("rate", client_ip(request) or "unknown"),
            _conf("SUBSCRIPTIONS_RATE_LIMIT", 5),
            _conf("SUBSCRIPTIONS_RATE_WINDOW", 600),
        )
        if limited:
            return _page(
                request,
                "manage_request.html",
                {"form": form, "message": "Too many requests. Please wait a few minutes."},
                status=429,
            )
        if not _counted(_hashed("address", email), _conf("SUBSCRIPTIONS_MAILS_PER_ADDRESS", 3), 86400):
            transaction.on_commit(lambda: sending.send_manage_link.enqueue(email=email))
        return _page(request, "check_inbox.html", {"email": email, "label": "", "manage": True}, status=200)
    status = 400 if request.method == "POST" else 200
    return _page(request, "manage_request.html", {"form": form}, status=status)
