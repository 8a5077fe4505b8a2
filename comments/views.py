"""The comment post view (a front for django_comments' own), reply page, reports, email links."""

import hashlib
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.http import Http404, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_comments_xtd import get_form
from django_comments_xtd.models import XtdComment

from blog.models import Post

from . import moderation, rules, spam
from .converters import IdConverter
from .models import Moderation, Report, State
from .notifications import ACTION_MAX_AGE, ACTION_SALT, UNSUBSCRIBE_SALT
from .posting import FORM_FIELDS, Submission, confirmation_of, resolve_parent, submit, text_problem
from .posting import confirm as confirm_submission

# Held comments a browser wrote are shown to it, marked pending: their ids travel in a signed
# cookie (no session row per held comment). config/page_cache.py never serves or stores a
# page for a request carrying it, so the pending comments never reach anyone else.
PENDING_COOKIE, PENDING_SALT, PENDING_MAX_AGE = "comments_pending", "comments.pending", 30 * 86400


def pending_ids(request):
    """Ids of held comments this browser wrote (at most 50)."""
    raw = request.get_signed_cookie(PENDING_COOKIE, default="", salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    return [int(part) for part in raw.split(",") if part.isdecimal()][-50:]


def remember_pending(request, response, comment_id):
    ids = [pk for pk in pending_ids(request) if pk != comment_id][-49:] + [comment_id]
    response.set_signed_cookie(
        PENDING_COOKIE,
        ",".join(map(str, ids)),
        salt=PENDING_SALT,
        max_age=PENDING_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _form_page(request, post, form, *, status, message="", parent=None, preview_html=""):
    """The comment form again: the reader's text kept, what to fix said."""
    context = {"post": post, "form": form, "message": message, "parent": parent, "preview_html": preview_html}
    return render(request, "comments/form_page.html", {**context, "status": status}, status=status)


def _error(request, message, status):
    return render(request, "comments/error.html", {"message": message}, status=status)


def _resolve_post(data, user):
    if data.get("content_type") != "blog.post":
        return None
    try:
        pk = int(data.get("object_pk", ""))
    except (TypeError, ValueError):
        return None
    return Post.objects.visible_to(user).filter(pk=pk).select_related("author").first()


def forgery_check(request):
    """CSRF protection for the comment and report forms; a refusal message, or "".

    Signed-in users get Django's full token check (their pages are never shared, so they
    carry a token). Anonymous readers get cached pages shared by everyone, which carry no
    per-visitor token; for them the browser's Origin header (or, failing that, Referer)
    must name this site. With SameSite session cookies and the signed comment form, that
    is what a token would prove. The form still works without JavaScript.
    """
    if getattr(request, "_dont_enforce_csrf_checks", False):  # Django's test client
        return ""
    if request.user.is_authenticated:
        refused = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        return "" if refused is None else "Your session's form token did not match; please reload the page."
    source = request.META.get("HTTP_ORIGIN") or request.META.get("HTTP_REFERER") or ""
    parts = urlsplit(source)
    origin = f"{parts.scheme}://{parts.netloc}"
    own = f"{request.scheme}://{request.get_host()}"
    if parts.netloc and (origin == own or origin in settings.CSRF_TRUSTED_ORIGINS):
        return ""
    return "The form must be sent from this site's own page. Please reload the post and send it again."


@csrf_exempt  # forgery_check() instead: see its docstring
@require_POST
def post_comment(request):
    """The comment form's target: comments.posting.submit() decides, this answers."""
    post = _resolve_post(request.POST, request.user)
    if post is None:
        return _error(request, "That post does not exist.", 404)
    forged = forgery_check(request)
    if forged:
        fresh = get_form()(post, initial={key: request.POST.get(key, "") for key in FORM_FIELDS})
        return _form_page(request, post, fresh, status=403, message=forged)
    result = submit(request, post, request.POST)
    if result.kind == Submission.POSTED:
        return _after_posting(request, post, result.comment)
    if result.kind == Submission.CONFIRMATION_SENT:
        messages.info(request, "Almost there: we sent you an email with a link to confirm your comment.")
        return HttpResponseRedirect(f"{post.get_absolute_url()}#comments")
    return _form_page(
        request,
        post,
        result.form,
        status=result.status,
        message=result.message,
        parent=result.parent,
        preview_html=result.preview_html,
    )


def _after_posting(request, post, comment):
    """Where the writer goes after posting, with a notice beside the comment, and (for an
    edit window) the cookies that let this browser edit or delete it."""
    response = _posted_redirect(request, post, comment)
    if comment.moderation.state != State.SPAM:
        remember_own(request, response, comment)
    return response


def _posted_redirect(request, post, comment):
    state = comment.moderation.state
    if state == State.PUBLISHED:
        # The message also carries the writer past the page cache (config.page_cache): they see their
        # comment at once, even on a server that has not yet noticed the page changed.
        messages.success(request, "Thank you! Your comment is published.", extra_tags=f"comment-{comment.pk}")
        return HttpResponseRedirect(f"{post.get_absolute_url()}#c{comment.pk}")
    if state == State.HELD:
        messages.info(
            request,
            "Thank you! Your comment is awaiting moderation; it will appear once approved.",
            extra_tags=f"comment-{comment.pk}",
        )
        response = HttpResponseRedirect(f"{post.get_absolute_url()}#c{comment.pk}")
        remember_pending(request, response, comment.pk)
        return response
    # spam: say as little as for a held comment, show nothing
    messages.info(request, "Thank you! Your comment is awaiting moderation.")
    return HttpResponseRedirect(f"{post.get_absolute_url()}#comments")


@never_cache
def reply(request, pk):
    """The reply form on its own page (works without JavaScript)."""
    comment = get_object_or_404(
        XtdComment.norel_objects.select_related("moderation", "content_type"),
        pk=pk,
        moderation__state=State.PUBLISHED,
        content_type__app_label="blog",
        content_type__model="post",
    )
    post = Post.objects.visible_to(request.user).filter(pk=int(comment.object_pk)).first()
    if post is None:
        raise Http404("No such post")
    parent, _ = resolve_parent(post, comment.pk)
    form = get_form()(post, comment=parent)
    return render(request, "comments/reply_page.html", {"post": post, "parent": parent, "form": form})


def _reporter_keys(request):
    """(network, session) of one reader, as far as reports go (hashed).

    The network (the /24, or /64 for IPv6), so that a client dropping its cookies cannot
    report a comment three times from one address; the account or the session the browser
    already has (none is made for a report), so that one browser moving between networks
    counts once too. comments.moderation.report counts a report new only if neither matches.
    """
    ip = rules.client_ip(request)
    network = hashlib.sha256((spam.network_of(ip) or ip or "unknown").encode()).hexdigest()
    if request.user.is_authenticated:
        session = f"user:{request.user.pk}"
    else:
        session = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        session = f"session:{session}" if session and request.session.exists(session) else ""
    return network, hashlib.sha256(session.encode()).hexdigest() if session else ""


@csrf_exempt  # forgery_check() instead
@require_POST
def report(request, pk):
    forged = forgery_check(request)
    if forged:
        return _error(request, forged, 403)
    comment = get_object_or_404(
        XtdComment.norel_objects.select_related("moderation"), pk=pk, moderation__state=State.PUBLISHED
    )
    post = get_object_or_404(Post.objects.published(), pk=int(comment.object_pk))
    tag = f"comment-{comment.pk}"  # the notice is drawn beside the comment (comment_tags)
    why = request.POST.get("why", Report.Why.OTHER)
    why = why if why in Report.Why.values else Report.Why.OTHER
    if not rules.reserve_report(rules.client_ip(request)):
        return _error(request, rules.REPORTS_LIMITED, 429)
    network, session = _reporter_keys(request)
    if moderation.report(comment, reporter_key=network, session_key=session, why=why):
        messages.info(request, "Thank you for the report. A moderator will look at the comment.", extra_tags=tag)
    else:
        messages.info(request, "You have already reported this comment.", extra_tags=tag)
    return HttpResponseRedirect(f"{post.get_absolute_url()}#c{comment.pk}")


# A writer's own comments, for the edit window: a signed cookie the server trusts, and a
# plain one that comments.js reads to show Edit and Delete (pages stay shared by everyone).
OWN_COOKIE, OWN_IDS_COOKIE, OWN_SALT = "comments_own", "comments_own_ids", "comments.own"


def _window():
    return rules.conf("COMMENTS_EDIT_WINDOW")


def own_comment_ids(request):
    """{pk: deadline (epoch seconds)} of this browser's comments still within the window."""
    raw = request.get_signed_cookie(OWN_COOKIE, default="", salt=OWN_SALT, max_age=_window() or None)
    now = time.time()
    own = {}
    for part in raw.split(","):
        pk, _, deadline = part.partition(":")
        if pk.isdecimal() and deadline.isdecimal() and int(deadline) > now:
            own[int(pk)] = int(deadline)
    return own


def remember_own(request, response, comment):
    if not _window():
        return
    own = own_comment_ids(request)
    own[comment.pk] = int(comment.submit_date.timestamp()) + _window()
    value = ",".join(f"{pk}:{deadline}" for pk, deadline in sorted(own.items())[-20:])
    options = {"max_age": _window(), "samesite": "Lax", "secure": settings.SESSION_COOKIE_SECURE}
    response.set_signed_cookie(OWN_COOKIE, value, salt=OWN_SALT, httponly=True, **options)
    response.set_cookie(OWN_IDS_COOKIE, value, httponly=False, **options)  # display only: the signed one decides


def _own_or_error(request, pk):
    """(comment, post, None) when this browser may still change comment `pk`, else (.., error page)."""
    deadline = own_comment_ids(request).get(pk)
    comment = (
        XtdComment.norel_objects.select_related("moderation")
        .filter(pk=pk, moderation__state__in=[State.PUBLISHED, State.HELD])
        .first()
    )
    if deadline is None or comment is None or time.time() > deadline:
        message = "This comment can no longer be changed from this browser (the edit window has closed)."
        return None, None, _error(request, message, 403)
    post = Post.objects.published().filter(pk=int(comment.object_pk)).select_related("author").first()
    if post is None:
        return None, None, _error(request, "That post does not exist.", 404)
    return comment, post, None


EMPTY_EDIT = "Your comment is empty: write something, or delete the comment instead."


@csrf_exempt  # forgery_check() instead, as for the comment form
@never_cache
def edit_own(request, pk):
    """The writer's own comment, changed within the window: decided again like a new one."""
    comment, post, refused = _own_or_error(request, pk)
    if refused:
        return refused
    text = request.POST.get("comment", comment.comment) if request.method == "POST" else comment.comment
    problem, status = "", 400
    if request.method == "POST":
        forged = forgery_check(request)
        problem, status = (forged, 403) if forged else (text_problem(text, empty=EMPTY_EDIT), 400)
        if not problem and text == comment.comment:
            messages.info(request, "Nothing changed.", extra_tags=f"comment-{comment.pk}")
            return HttpResponseRedirect(f"{post.get_absolute_url()}#c{comment.pk}")
        if not problem:
            # Decided again on everything a new comment is decided on, rate limit included.
            decision = rules.decide(
                post,
                email=comment.user_email,
                text=text,
                user=request.user,
                ip=rules.client_ip(request),
                name=comment.user_name,
                url=comment.user_url,
            )
            if decision.outcome == rules.Outcome.REJECT:
                problem = decision.message
            else:
                moderation.edit(comment, text, decision)
                done = (
                    "Your comment is updated."
                    if decision.outcome == rules.Outcome.PUBLISH
                    else ("Your comment is updated; it will appear again once approved.")
                )
                messages.success(request, done, extra_tags=f"comment-{comment.pk}")
                response = HttpResponseRedirect(f"{post.get_absolute_url()}#c{comment.pk}")
                if decision.outcome == rules.Outcome.HOLD:  # its writer still sees it, marked pending
                    remember_pending(request, response, comment.pk)
                return response
    context = {"post": post, "comment": comment, "text": text, "message": problem}
    context["max_length"] = settings.COMMENT_MAX_LENGTH
    return render(request, "comments/edit_page.html", context, status=status if problem else 200)


@csrf_exempt  # forgery_check() instead
@require_POST
def delete_own(request, pk):
    comment, post, refused = _own_or_error(request, pk)
    if refused:
        return refused
    forged = forgery_check(request)
    if forged:
        return _error(request, forged, 403)
    moderation.delete_own(comment)
    messages.info(request, "Your comment is deleted.")
    return HttpResponseRedirect(f"{post.get_absolute_url()}#comments")


ON_PAGE_ACTIONS = {
    "approve": (moderation.approve, "Comment approved: it is public now."),
    "spam": (moderation.mark_spam, "Comment marked as spam."),
    "remove": (moderation.remove, "Comment removed."),
}


@require_POST
def moderate_on_page(request, pk):
    """Approve / Spam / Remove from the post page itself, for signed-in staff (CSRF-checked)."""
    if not (request.user.is_authenticated and request.user.is_staff):
        return _error(request, "Only staff can moderate comments.", 403)
    act = ON_PAGE_ACTIONS.get(request.POST.get("action", ""))
    if act is None:
        return _error(request, "Unknown moderation action.", 400)
    comment = get_object_or_404(XtdComment.norel_objects, pk=pk, moderation__isnull=False)
    post = get_object_or_404(Post.objects.all(), pk=int(comment.object_pk))
    function, done = act
    if function([comment], by=request.user):
        messages.success(request, done, extra_tags=f"comment-{comment.pk}")
    else:
        messages.info(request, "Nothing to do: someone decided on this comment already.")
    return HttpResponseRedirect(f"{post.get_absolute_url()}#c{comment.pk}")


EMAIL_ACTIONS = {
    "approve": (moderation.approve, "Approve comment", "Comment approved."),
    "spam": (moderation.mark_spam, "Mark as spam", "Comment marked as spam."),
}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def email_action(request, token):
    """The signed Approve / Spam link of the author's email, for signed-in staff.

    GET (and HEAD: mail scanners and link previews open links) shows a confirmation page
    and changes nothing; only its POST (CSRF-checked) acts. The link carries the state the
    comment was in when the mail was written (comments.notifications.action_url): once the
    comment is in another state, or for a link from before links carried it, the page says
    so and points to the moderation queue instead of acting.
    """
    try:
        payload = signing.loads(token, salt=ACTION_SALT, max_age=ACTION_MAX_AGE)
        comment_id, action, mailed_state = int(payload["c"]), payload["a"], payload.get("s")
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return _error(request, "This link is invalid or has expired.", 400)
    if action not in EMAIL_ACTIONS or not 0 < comment_id < 10**18:
        return _error(request, "This link is invalid.", 400)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not request.user.is_staff:
        return _error(request, "Only staff can moderate comments.", 403)
    comment = get_object_or_404(XtdComment.norel_objects, pk=comment_id)
    moderation.adopt([comment.pk])  # a comment made outside this engine gets its row first
    row = Moderation.objects.get(comment_id=comment.pk)
    act, button, done = EMAIL_ACTIONS[action]
    context = {
        "comment": comment,
        "post": Post.objects.filter(pk=int(comment.object_pk)).first()
        if IdConverter.matches(comment.object_pk)
        else None,
        "state": row.get_state_display().lower(),
        "button": button,
        "queue_url": reverse("admin:comments_moderatedcomment_changelist"),
        "changed": mailed_state != row.state,
        "unknown": mailed_state is None,
    }
    if context["changed"]:
        return render(request, "comments/email_action.html", context, status=409 if request.method == "POST" else 200)
    if request.method != "POST":
        return render(request, "comments/email_action.html", context)
    if act([comment], by=request.user):
        messages.success(request, done)
    else:
        messages.info(request, f"Nothing to do: the comment is {context['state']}.")
    return HttpResponseRedirect(context["queue_url"])


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """The unsubscribe link of a follow-up email: GET (or a mail scanner's HEAD) asks, and only
    the page's POST (CSRF-checked) stops the mail about that thread for that address."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        email, thread_id = payload["e"], int(payload["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return _error(request, "This link is invalid.", 400)
    done = request.method == "POST"
    if done:
        moderation.unfollow(thread_id=thread_id, email=email)
    return render(request, "comments/unsubscribed.html", {"email": email, "done": done})


def no_such_comment(request, *args, **kwargs):
    raise Http404("No such comment")


def content_redirect(request, content_type_id, object_pk):
    """django_comments' "comments-url-redirect" (a comment's get_absolute_url(), the admin's
    "View on site"): the address of a post this reader may see; 404 for anything else, so
    that it tells no one where a draft or scheduled post will be, nor what else exists."""
    if content_type_id != ContentType.objects.get_for_model(Post).pk or not IdConverter.matches(object_pk):
        raise Http404("No such post")
    post = get_object_or_404(Post.objects.visible_to(request.user), pk=int(object_pk))
    return HttpResponseRedirect(post.get_absolute_url())


def locate(request, pk):
    """A comment's permalink: redirect to the page of the thread that shows it."""
    from .selectors import page_of

    comment = get_object_or_404(
        XtdComment.norel_objects, pk=pk, content_type__app_label="blog", content_type__model="post"
    )
    post = get_object_or_404(Post.objects.published(), pk=int(comment.object_pk))
    page = page_of(post, comment.pk, pending_ids=pending_ids(request))
    if page is None:
        return HttpResponseRedirect(f"{post.get_absolute_url()}#comments")
    return HttpResponseRedirect(f"{post.get_absolute_url()}?cpage={page}#c{comment.pk}")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, key):
    """Replaces xtd's confirm view (COMMENTS_XTD_CONFIRM_EMAIL): the same signed key, but the
    comment is decided and stored by comments.posting, and mail is left to tasks. GET (or a
    mail scanner's HEAD) shows the comment and asks; only the page's POST (CSRF-checked) posts it."""
    if request.method != "POST":
        tmp = confirmation_of(key)
        if tmp is None:
            return _error(request, "This confirmation link is invalid.", 400)
        return render(request, "comments/confirm_page.html", {"comment": tmp})
    result = confirm_submission(key)
    if result.kind != Submission.POSTED:
        return _error(request, result.message, result.status)
    return _after_posting(request, result.post, result.comment)
