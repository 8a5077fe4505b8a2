"""The comment post view (a front for django_comments' own), reply page, reports, email links."""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import Http404, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_comments.views.comments import post_comment as contrib_post_comment
from django_comments_xtd import get_form
from django_comments_xtd.models import XtdComment, max_thread_level_for_content_type

from blog.models import Post

from . import moderation
from .models import State
from .notifications import ACTION_MAX_AGE, ACTION_SALT, UNSUBSCRIBE_SALT

PENDING_SESSION_KEY = "comments_pending"


def pending_ids(request):
    """Ids of held comments this browser session wrote (shown to it, marked pending)."""
    session = getattr(request, "session", None)
    if session is None:
        return []
    return session.get(PENDING_SESSION_KEY, [])


def _max_level():
    from django.contrib.contenttypes.models import ContentType

    return max_thread_level_for_content_type(ContentType.objects.get_for_model(Post))


def _form_page(request, post, form, *, status, message="", parent=None, preview_html=""):
    """The comment form again: the reader's text kept, what to fix said."""
    return render(
        request,
        "comments/form_page.html",
        {
            "post": post,
            "form": form,
            "message": message,
            "parent": parent,
            "preview_html": preview_html,
            "status": status,
        },
        status=status,
    )


def _resolve_post(data, user):
    if data.get("content_type") != "blog.post":
        return None
    try:
        pk = int(data.get("object_pk", ""))
    except (TypeError, ValueError):
        return None
    return Post.objects.visible_to(user).filter(pk=pk).select_related("author").first()


def _resolve_parent(post, raw):
    """The published comment being replied to (re-aimed at the deepest allowed level)."""
    try:
        parent_id = int(raw or 0)
    except (TypeError, ValueError):
        return None, "The comment you replied to is not valid."
    if not parent_id:
        return None, ""
    parent = (
        XtdComment.norel_objects.filter(
            pk=parent_id, object_pk=str(post.pk), content_type__app_label="blog", content_type__model="post"
        )
        .select_related("moderation")
        .first()
    )
    if parent is None or parent.moderation.state != State.PUBLISHED:
        return None, "The comment you replied to is not available for replies."
    max_level = _max_level()
    while parent.level >= max_level:  # past the depth limit: answer at the deepest allowed level
        parent = XtdComment.norel_objects.select_related("moderation").get(pk=parent.parent_id)
    return parent, ""


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
    """Check what needs a clear answer, then hand over to django_comments' post view.

    django_comments answers bad input with a bare 400 and xtd's moderator with a bare
    rejection; here every refusal shows the form again with the reader's text and the
    reason, and the status says what happened (400, 403, 404, 409, 429).
    """
    data = request.POST.copy()
    if request.user.is_authenticated:  # signed-in readers comment as themselves, whatever was sent
        data["name"] = request.user.get_full_name() or request.user.get_username()
        data["email"] = request.user.email
    post = _resolve_post(data, request.user)
    if post is None:
        return render(request, "comments/error.html", {"message": "That post does not exist."}, status=404)
    form = get_form()(post, data=data)
    request.META["REMOTE_ADDR"] = moderation.client_ip(request)  # stored with the comment
    forged = forgery_check(request)
    if forged:
        fresh = get_form()(post, initial={key: data.get(key, "") for key in ("name", "email", "url", "comment")})
        return _form_page(request, post, fresh, status=403, message=forged)

    if form.security_errors():
        fresh = get_form()(post, initial={key: data.get(key, "") for key in ("name", "email", "url", "comment")})
        if "honeypot" in form.errors:
            return _form_page(request, post, fresh, status=400, message="Your comment could not be posted.")
        return _form_page(
            request,
            post,
            fresh,
            status=400,
            message="This form had expired or was altered, so nothing was posted. "
            "Your text is below: please send it again.",
        )
    parent, problem = _resolve_parent(post, data.get("reply_to"))
    if problem:
        return _form_page(request, post, form, status=400, message=problem)
    if not form.is_valid():
        return _form_page(request, post, form, status=400, message="Please fix the marked fields.", parent=parent)
    text = form.cleaned_data["comment"]
    try:
        preview_html = moderation.render_markdown(text, profile="comment")
    except (moderation.MarkupTooLong, moderation.MarkupRejected) as error:
        form.add_error("comment", str(error))
        return _form_page(request, post, form, status=400, message="Please fix the marked fields.", parent=parent)
    if "preview" in data:
        return _form_page(request, post, form, status=200, parent=parent, preview_html=preview_html)
    refused = moderation.rejection(post, email=form.cleaned_data["email"], text=text, user=request.user)
    if refused is None and moderation.rate_limited(request.META["REMOTE_ADDR"]):
        refused = moderation.Decision(
            moderation.Outcome.REJECT,
            "rate",
            "You have posted several comments in a short time. Please wait a few minutes and try again.",
            status=429,
        )
    if refused is not None:
        return _form_page(request, post, form, status=refused.status, message=refused.message, parent=parent)

    data["reply_to"] = str(parent.pk if parent else 0)
    data["next"] = post.get_absolute_url()
    request.POST = data
    request._dont_enforce_csrf_checks = True  # django_comments' csrf_protect: checked above
    contrib_post_comment(request)  # its redirect is replaced by ours below
    comment = getattr(request, "posted_comment", None)
    if comment is None and getattr(request, "confirmation_sent", False):
        messages.info(request, "Almost there: we sent you an email with a link to confirm your comment.")
        return HttpResponseRedirect(f"{post.get_absolute_url()}#comments")
    if comment is None:  # refused by a receiver after all (a race with our own checks)
        decision = getattr(request, "comment_decision", None)
        message = decision.message if decision and decision.message else "Your comment could not be posted."
        return _form_page(request, post, form, status=getattr(decision, "status", 400) or 400, message=message)
    return _after_posting(request, post, comment)


def _after_posting(request, post, comment):
    state = comment.moderation.state
    if state == State.PUBLISHED:
        # The message also carries the writer past the page cache (blog.cache): they see their
        # comment at once, even on a server that has not yet noticed the page changed.
        messages.success(request, "Thank you! Your comment is published.")
        return HttpResponseRedirect(f"{post.get_absolute_url()}#c{comment.pk}")
    if state == State.HELD:
        pending = [*pending_ids(request), comment.pk][-50:]
        request.session[PENDING_SESSION_KEY] = pending
        messages.info(request, "Thank you! Your comment is awaiting moderation; it will appear once approved.")
        return HttpResponseRedirect(f"{post.get_absolute_url()}#c{comment.pk}")
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
    parent, _ = _resolve_parent(post, comment.pk)
    form = get_form()(post, comment=parent)
    return render(request, "comments/reply_page.html", {"post": post, "parent": parent, "form": form})


def _reporter_key(request):
    if request.session.session_key is None:
        request.session.save()
    raw = f"{request.session.session_key}|{moderation.client_ip(request)}"
    return hashlib.sha256(raw.encode()).hexdigest()


@csrf_exempt  # forgery_check() instead
@require_POST
def report(request, pk):
    forged = forgery_check(request)
    if forged:
        return render(request, "comments/error.html", {"message": forged}, status=403)
    comment = get_object_or_404(
        XtdComment.norel_objects.select_related("moderation"), pk=pk, moderation__state=State.PUBLISHED
    )
    post = get_object_or_404(Post.objects.published(), pk=int(comment.object_pk))
    if moderation.report(comment, reporter_key=_reporter_key(request)):
        messages.info(request, "Thank you for the report. A moderator will look at the comment.")
    else:
        messages.info(request, "You have already reported this comment.")
    return HttpResponseRedirect(f"{post.get_absolute_url()}#c{comment.pk}")


@never_cache
def email_action(request, token):
    """Signed one-click Approve / Spam from the author's email; acts for logged-in staff only."""
    try:
        payload = signing.loads(token, salt=ACTION_SALT, max_age=ACTION_MAX_AGE)
        comment_id, action = int(payload["c"]), payload["a"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return render(request, "comments/error.html", {"message": "This link is invalid or has expired."}, status=400)
    if action not in {"approve", "spam"}:
        return render(request, "comments/error.html", {"message": "This link is invalid."}, status=400)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not request.user.is_staff:
        return render(request, "comments/error.html", {"message": "Only staff can moderate comments."}, status=403)
    comment = get_object_or_404(XtdComment.norel_objects.select_related("moderation"), pk=comment_id)
    act = moderation.approve if action == "approve" else moderation.mark_spam
    changed = act([comment], by=request.user)
    comment.moderation.refresh_from_db()
    done = "approved" if action == "approve" else "marked as spam"
    text = (
        f"Comment {done}."
        if changed
        else f"Nothing to do: the comment is {comment.moderation.get_state_display().lower()}."
    )
    messages.success(request, text)
    return HttpResponseRedirect(reverse("admin:comments_heldcomment_changelist"))


@never_cache
def unsubscribe(request, token):
    """One click from a follow-up email: no more mail about that thread for that address."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        email, thread_id = payload["e"], int(payload["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return render(request, "comments/error.html", {"message": "This link is invalid."}, status=400)
    XtdComment.norel_objects.filter(thread_id=thread_id, user_email__iexact=email, followup=True).update(followup=False)
    return render(request, "comments/unsubscribed.html", {"email": email})


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
def confirm(request, key):
    """Replaces xtd's confirm view (COMMENTS_XTD_CONFIRM_EMAIL): the same signed key, but the
    confirmed comment goes through our moderator and gets its moderation row, and mail is
    left to tasks."""
    from django_comments_xtd import signed
    from django_comments_xtd.conf import settings as conf
    from django_comments_xtd.models import TmpXtdComment

    from .receivers import create_comment

    try:
        tmp = signed.loads(str(key), extra_key=conf.COMMENTS_XTD_SALT)
    except (ValueError, signed.BadSignature):
        return render(request, "comments/error.html", {"message": "This confirmation link is invalid."}, status=400)
    if not isinstance(tmp, TmpXtdComment):
        return render(request, "comments/error.html", {"message": "This confirmation link is invalid."}, status=400)
    existing = XtdComment.norel_objects.filter(
        content_type=tmp.content_type, object_pk=tmp.object_pk, user_email=tmp.user_email, submit_date=tmp.submit_date
    ).first()
    post = Post.objects.published().filter(pk=int(tmp.object_pk)).first()
    if post is None:
        raise Http404("No such post")
    if existing is None:
        post_moderator = moderation.moderator._registry[Post]
        allowed = post_moderator.allow(tmp, post, request)
        decision = request.comment_decision
        if not allowed:
            return render(request, "comments/error.html", {"message": decision.message}, status=decision.status)
        if post_moderator.moderate(tmp, post, request):
            tmp.is_public = False
        existing = create_comment(tmp, decision)
    return _after_posting(request, post, existing)
