"""Posting a comment: `submit()` checks the reader's form, decides, stores, and says what happened.

The view (comments.views.post_comment) only turns the returned `Submission` into a
response; nothing travels on the request. django_comments' own post view is not used: it
answers bad input with a bare 400 and leaves the decision to signal receivers. Here every
refusal comes back with the reader's text and what to fix, and the status says what
happened (400, 403, 409, 429).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_comments_xtd import get_form
from django_comments_xtd.models import XtdComment

from blog.markup import MarkupRejected, MarkupTooLong, render_markdown

from . import moderation, rules
from .models import State

FORM_FIELDS = ("name", "email", "url", "comment")


@dataclass
class Submission:
    """What became of a submitted form. `kind` is one of the constants below."""

    POSTED = "posted"  # stored: see comment.moderation.state
    REFUSED = "refused"  # nothing stored; `message` and `status` say why, `form` keeps the text
    PREVIEW = "preview"  # nothing stored; `preview_html` is the comment as it would look
    CONFIRMATION_SENT = "confirmation_sent"  # nothing stored yet: a confirmation email is on its way

    kind: str
    form: object = None
    comment: XtdComment | None = None
    message: str = ""
    status: int = 200
    parent: XtdComment | None = None
    preview_html: str = ""
    post: object = None  # confirm(): the post the comment is on


def _moderation_of(comment):
    """The comment's moderation row, or None (a comment made outside this engine)."""
    try:
        return comment.moderation
    except XtdComment.moderation.RelatedObjectDoesNotExist:
        return None


def resolve_parent(post, raw):
    """(the published comment a reply goes under, problem): re-aimed past the depth limit."""
    try:
        parent_id = int(raw or 0)
    except (TypeError, ValueError):
        return None, "The comment you replied to is not valid."
    if not 0 <= parent_id < 10**18:  # no such id; a larger one would overflow the database's integers
        return None, "The comment you replied to is not valid."
    if not parent_id:
        return None, ""
    comments = XtdComment.norel_objects.filter(
        object_pk=str(post.pk), content_type__app_label="blog", content_type__model="post"
    ).select_related("moderation")
    parent = comments.filter(pk=parent_id).first()
    if parent is not None and _moderation_of(parent) is None:
        moderation.adopt([parent.pk])  # made outside this engine: moderated from its flags now
        parent = comments.filter(pk=parent_id).first()
    if parent is None or parent.moderation.state != State.PUBLISHED:
        return None, "The comment you replied to is not available for replies."
    parent = moderation.reply_parent(
        parent, level_of=lambda c: c.level, parent_of=lambda c: comments.get(pk=c.parent_id)
    )
    return parent, ""


def text_problem(text, *, empty):
    """Why a comment's `text` cannot be stored ("" when it can): `empty` when there is none,
    or blog.markup's refusal (too long, unrenderable)."""
    if not text.strip():
        return empty
    try:
        render_markdown(text, profile="comment")
    except (MarkupTooLong, MarkupRejected) as error:
        return str(error)
    return ""


def _refused(post, form, message, status, *, parent=None, keep=True):
    """A refusal; `keep=False` for forms whose signature failed: a fresh form with the text."""
    if not keep:
        form = get_form()(post, initial={key: form.data.get(key, "") for key in FORM_FIELDS})
    return Submission(Submission.REFUSED, form=form, message=message, status=status, parent=parent)


def submit(request, post, data):
    """Check, decide and store one comment form `data` sent for `post` by `request`'s reader."""
    if request.user.is_authenticated:  # signed-in readers comment as themselves, whatever was sent
        data = data.copy()
        data["name"] = request.user.get_full_name() or request.user.get_username()
        data["email"] = request.user.email
    form = get_form()(post, data=data)
    if form.security_errors():
        if "honeypot" in form.errors:
            return _refused(post, form, "Your comment could not be posted.", 400, keep=False)
        return _refused(
            post,
            form,
            "This form had expired or was altered, so nothing was posted. Your text is below: please send it again.",
            400,
            keep=False,
        )
    parent, problem = resolve_parent(post, data.get("reply_to"))
    if problem:
        return _refused(post, form, problem, 400)
    if not form.is_valid():
        return _refused(post, form, "Please fix the marked fields.", 400, parent=parent)
    text = form.cleaned_data["comment"]
    try:
        preview_html = render_markdown(text, profile="comment")
    except (MarkupTooLong, MarkupRejected) as error:
        form.add_error("comment", str(error))
        return _refused(post, form, "Please fix the marked fields.", 400, parent=parent)
    if "preview" in data:
        return Submission(Submission.PREVIEW, form=form, parent=parent, preview_html=preview_html)

    user = request.user if request.user.is_authenticated else None
    ip = rules.client_ip(request)
    email = form.cleaned_data["email"]
    seconds = time.time() - form.cleaned_data["timestamp"]  # the signed form's: when the page was drawn
    decision = rules.decide(
        post,
        email=email,
        text=text,
        user=user,
        ip=ip,
        name=form.cleaned_data["name"],
        url=form.cleaned_data["url"],
        seconds=seconds,
    )
    if decision.outcome == rules.Outcome.REJECT:
        return _refused(post, form, decision.message, decision.status, parent=parent)
    fields = {
        "user": user,
        "name": form.cleaned_data["name"],
        "email": email,
        "url": form.cleaned_data["url"],
        "ip": ip,
        "submitted": timezone.now(),
        "text": text,
    }
    options = {"parent_id": parent.pk if parent else None, "followup": form.cleaned_data.get("followup", False)}
    if settings.COMMENTS_XTD_CONFIRM_EMAIL and user is None:
        _send_confirmation(request, post, fields, options)
        return Submission(Submission.CONFIRMATION_SENT, form=form)
    comment = moderation.create(post, decision, parent=parent, body_html=preview_html, **fields, **options)
    return Submission(Submission.POSTED, form=form, comment=comment, parent=parent)


# Confirmation by email (COMMENTS_XTD_CONFIRM_EMAIL) --------------------------------------
# The signed key carries the comment as xtd's TmpXtdComment, so xtd's confirmation email
# template and link work unchanged; the link lands on comments.views.confirm.


def _send_confirmation(request, post, fields, options):
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.shortcuts import get_current_site
    from django_comments_xtd import signed
    from django_comments_xtd.conf import settings as xtd_settings
    from django_comments_xtd.models import TmpXtdComment

    from .notifications import send_confirmation_request

    tmp = TmpXtdComment(
        content_type=ContentType.objects.get_for_model(post),
        object_pk=str(post.pk),
        content_object=post,
        site_id=settings.SITE_ID,
        user_name=fields["name"],
        user_email=fields["email"],
        user_url=fields["url"],
        comment=fields["text"],
        submit_date=fields["submitted"],
        ip_address=fields["ip"],
        parent_id=options["parent_id"] or 0,
        followup=options["followup"],
        is_public=True,
        is_removed=False,
        thread_id=0,
        level=0,
        order=1,
    )
    key = signed.dumps(tmp, compress=True, extra_key=xtd_settings.COMMENTS_XTD_SALT)
    key = key.decode() if isinstance(key, bytes) else key
    site_id = get_current_site(request).pk
    transaction.on_commit(lambda: send_confirmation_request.enqueue(key=key, site_id=site_id))


def confirmation_of(key):
    """The comment a confirmation link carries (xtd's TmpXtdComment, not stored), or None."""
    from django_comments_xtd import signed
    from django_comments_xtd.conf import settings as xtd_settings
    from django_comments_xtd.models import TmpXtdComment

    try:
        tmp = signed.loads(str(key), extra_key=xtd_settings.COMMENTS_XTD_SALT)
    except (ValueError, signed.BadSignature):
        return None
    return tmp if isinstance(tmp, TmpXtdComment) else None


def confirm(key):
    """The comment of a confirmation link, stored now (once): a Submission, POSTED or REFUSED."""
    from blog.models import Post

    tmp = confirmation_of(key)
    if tmp is None:
        return Submission(Submission.REFUSED, message="This confirmation link is invalid.", status=400)
    post = Post.objects.published().filter(pk=int(tmp.object_pk)).first()
    if post is None:
        return Submission(Submission.REFUSED, message="That post does not exist.", status=404)
    existing = (
        XtdComment.norel_objects.filter(
            content_type=tmp.content_type,
            object_pk=tmp.object_pk,
            user_email=tmp.user_email,
            submit_date=tmp.submit_date,
        )
        .select_related("moderation")
        .first()
    )
    if existing is not None:  # the link was followed before
        return Submission(Submission.POSTED, comment=existing, post=post)
    decision = rules.decide(post, email=tmp.user_email, text=tmp.comment, name=tmp.user_name, url=tmp.user_url)
    if decision.outcome == rules.Outcome.REJECT:
        return Submission(Submission.REFUSED, message=decision.message, status=decision.status)
    comment = moderation.create(
        post,
        decision,
        parent_id=tmp.parent_id or None,
        followup=bool(tmp.followup),
        name=tmp.user_name,
        email=tmp.user_email,
        url=tmp.user_url,
        ip=tmp.ip_address,
        submitted=tmp.submit_date,
        text=tmp.comment,
    )
    return Submission(Submission.POSTED, comment=comment, post=post)
