"""The author's moderation queue in the admin, modelled on WordPress's Comments screen.

Each row shows the whole comment as readers see it, who wrote it, the post, why it is where it
is (with its history) and Approve / Spam / Remove / Restore / Reply buttons that act at once:
a plain POST that redirects back without JavaScript, the same POST by fetch() with
static/js/queue.js. Every change goes through comments.moderation (approve, mark_spam, remove,
restore, create); nothing here writes a comment row or an xtd flag. Tabs above the list count
the comments by state in one query; "Awaiting your reply" lists readers' questions the post's
author has not answered yet. The page runs the same number of queries for 5 rows or 100.
"""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django_comments.models import CommentFlag
from django_comments_xtd.models import BlackListedDomain, XtdComment

from blog.admin import PostAdmin
from blog.models import Post

from . import (
    converters,  # noqa: F401 - registers the "id" URL converter
    moderation,
)
from .converters import IdConverter
from .models import ModeratedComment, Moderation, Reason, Report, State
from .posting import text_problem
from .rules import Decision, Outcome

AWAITING = "awaiting"  # the "Awaiting your reply" tab: ?state=awaiting
REPORTED = "reported"  # the "Reported" tab: ?state=reported (readers' reports not yet settled)
# Reported comments still waiting for a moderator: held by reports, or published and flagged
# (the post author's and staff comments are never hidden by readers: comments.moderation.report).
REPORTED_Q = Q(moderation__report_count__gt=0, moderation__state__in=[State.HELD, State.PUBLISHED])

# Why a comment is where it is, in words that finish "Held: …".
PLAIN_REASON = {
    Reason.TRUSTED: "written by the post's author or staff",
    Reason.CLEAN: "passed every rule",
    Reason.LINKS: "too many links",
    Reason.MODERATION_WORD: "contains a moderation word",
    Reason.SPAM_WORD: "contains a spam word",
    Reason.FIRST_COMMENT: "first comment from this email",
    Reason.REPORTED: "reported by readers",
    Reason.MODERATOR: "decided by a moderator",
    Reason.SEEDED: "demo or imported content",
    Reason.ADOPTED: "made before moderation",
    Reason.WRITER: "deleted by its writer",
    Reason.SCORE: "the spam filter's score",
    Reason.PRIVACY: "personal details",
    Reason.NEW_WEBSITE: "a website this commenter never gave before",
    Reason.FAST: "sent seconds after the page was drawn (a bot)",
}
FIRST_STEP = {State.HELD: "Held", State.PUBLISHED: "Published", State.SPAM: "Spam", State.REMOVED: "Removed"}

# Row buttons: name -> (function, label, what the message says was done, states it applies to).
ROW_ACTIONS = {
    "approve": (moderation.approve, "Approve", "Approved", [State.HELD]),
    "spam": (moderation.mark_spam, "Spam", "Marked as spam", [State.HELD, State.PUBLISHED, State.REMOVED]),
    "remove": (moderation.remove, "Remove", "Removed", [State.HELD, State.PUBLISHED, State.SPAM]),
    "restore": (moderation.restore, "Restore", "Restored", [State.SPAM, State.REMOVED]),
    # Reported but published (the post author's or staff's): dismiss the reports, keep it.
    "keep": (moderation.keep, "Keep", "Reports dismissed, kept", [REPORTED]),
}
REPLYABLE = [State.HELD, State.PUBLISHED]  # replying to a held comment approves it first


def _who(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def _day(moment):
    moment = timezone.localtime(moment)
    return date_format(moment, "j M" if moment.year == timezone.localtime().year else "j M Y")


def _change_words(previous, event):
    if event.state == State.PUBLISHED:
        if event.note == "kept":  # comments.moderation.keep: reports read, comment kept
            return "reports dismissed, kept"
        return "approved" if previous in (None, State.HELD) else "restored"
    if event.state == State.HELD:
        return "held again: reported by readers" if event.reason == Reason.REPORTED else "held again"
    return {State.SPAM: "marked as spam", State.REMOVED: "removed"}[event.state]


def history_text(row, events):
    """ "Held: first comment from this email · approved by Dana, 2 Dec", from a comment's
    Moderation row and its events (comments.moderation.decision_history, oldest first).

    A comment created by comments.moderation.create() has an event for its first decision;
    one seeded, imported or adopted has none, and then its Moderation reason is the first
    step as long as nothing changed it (after a change, the origin is not recorded).
    """
    if row is None:
        return "Not moderated yet"
    steps, previous = [], None
    events = list(events)
    if not events:
        return f"{FIRST_STEP[row.state]}: {row.note or PLAIN_REASON.get(row.reason, row.get_reason_display())}"
    if events[0].reason not in (Reason.MODERATOR, Reason.REPORTED):
        first = events.pop(0)
        why = first.note or PLAIN_REASON.get(first.reason, first.get_reason_display())  # the score's words
        steps.append(f"{FIRST_STEP[first.state]}: {why}")
        previous = first.state
    for event in events:
        words = _change_words(previous, event)
        if event.decided_by_id:
            words += f" by {_who(event.decided_by)}"
        steps.append(f"{words}, {_day(event.decided_at)}")
        previous = event.state
    text = " · ".join(steps)
    return text[:1].upper() + text[1:]


def awaiting_reply(queryset):
    """Published comments by readers (not the post's author, not staff) that ask something (a
    "?" or the author's first name anywhere in the text) and have no later published comment
    by the post's author in the same thread. A filter on `queryset`: no extra query."""
    post_type = ContentType.objects.get_for_model(Post)
    this_post = Post.objects.filter(pk=Cast(OuterRef("object_pk"), IntegerField()))
    answered = XtdComment.norel_objects.filter(
        thread_id=OuterRef("thread_id"),
        submit_date__gt=OuterRef("submit_date"),
        moderation__state=State.PUBLISHED,
        user_id=OuterRef("post_author"),
    )
    asks = Q(comment__contains="?") | (Q(post_author_first__gt="") & Q(comment__icontains=F("post_author_first")))
    return (
        queryset.filter(content_type=post_type, moderation__state=State.PUBLISHED)
        .annotate(
            post_author=Subquery(this_post.values("author_id")[:1]),
            post_author_first=Subquery(this_post.values("author__first_name")[:1]),
        )
        .exclude(user__is_staff=True)
        .exclude(user_id=F("post_author"))
        .filter(asks)
        .filter(~Exists(answered))
    )


def state_counts():
    """{state: n, "all": n} in one aggregate query."""
    counts = Moderation.objects.aggregate(
        all=Count("pk"),
        reported=Count("pk", filter=Q(report_count__gt=0, state__in=[State.HELD, State.PUBLISHED])),
        **{state: Count("pk", filter=Q(state=state)) for state in State.values},
    )
    return counts


class StateFilter(admin.SimpleListFilter):
    """Opens on the held comments; "all" shows every state, "awaiting" the unanswered questions.

    Shown as the tabs above the list (templates/admin/comments/moderatedcomment/change_list.html
    leaves it out of the sidebar); kept as a filter so ?state= works with the others.
    """

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*State.choices, (REPORTED, "Reported"), ("all", "All"), (AWAITING, "Awaiting your reply")]

    def choices(self, changelist):
        value = self.value() or State.HELD
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or State.HELD
        if value == "all":
            return queryset
        if value == AWAITING:
            return awaiting_reply(queryset)
        if value == REPORTED:
            return queryset.filter(REPORTED_Q)
        return queryset.filter(moderation__state=value)


class ReasonFilter(admin.SimpleListFilter):
    title = "reason"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return Reason.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(moderation__reason=self.value())
        return queryset


class PostFilter(admin.SimpleListFilter):
    title = "post"
    parameter_name = "post"

    def lookups(self, request, model_admin):
        commented = XtdComment.norel_objects.order_by().values("object_pk").distinct()
        posts = Post.objects.filter(
            pk__in=Subquery(commented.annotate(pk_int=Cast("object_pk", IntegerField())).values("pk_int"))
        )
        return [(str(post.pk), post.title) for post in posts.only("pk", "title").order_by("-published_at")[:100]]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(object_pk=self.value())
        return queryset


def report_reasons(comment_ids):
    """{comment id: "Readers reported it: spam or advertising ×2, off-topic"} in one query."""
    rows = (
        Report.objects.filter(comment_id__in=list(comment_ids))
        .values("comment_id", "why")
        .annotate(n=Count("pk"))
        .order_by("comment_id", "-n", "why")
    )
    labels = dict(Report.Why.choices)
    said = {}
    for row in rows:
        part = labels.get(row["why"], row["why"]).lower() + (f" ×{row['n']}" if row["n"] > 1 else "")
        said.setdefault(row["comment_id"], []).append(part)
    return {pk: "Readers reported it: " + ", ".join(parts) for pk, parts in said.items()}


class QueueChangeList(ChangeList):
    """The changelist, plus what the rows and tabs need, read once for the whole page."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)
        ids = [c.pk for c in self.result_list]
        history = moderation.decision_history(ids)
        reports = report_reasons(ids)
        back = request.get_full_path()
        for comment in self.result_list:
            comment.queue_history = history.get(comment.pk, [])
            comment.queue_reports = reports.get(comment.pk, "")
            comment.queue_back = back
        self.state_counts = state_counts()
        self.current_state = request.GET.get(StateFilter.parameter_name) or State.HELD
        self.tabs = [
            {
                "key": key,
                "label": label,
                "count": self.state_counts[key] if key != AWAITING else None,
                "url": self.get_query_string({StateFilter.parameter_name: key}, remove=["p", "o"]),
                "current": key == self.current_state,
            }
            for key, label in [
                (State.HELD, "Held"),
                (State.PUBLISHED, "Published"),
                (State.SPAM, "Spam"),
                (State.REMOVED, "Removed"),
                (REPORTED, "Reported"),
                ("all", "All"),
                (AWAITING, "Awaiting your reply"),
            ]
        ]


def _moderation_of(comment):
    return getattr(comment, "moderation", None)  # None: made outside comments.moderation, not adopted yet


def row_state(comment, row, events, *, back=""):
    """What a row shows that changes with a decision: state, history, the buttons that apply."""
    state = row.state if row else None
    base = f"admin:{ModeratedComment._meta.app_label}_{ModeratedComment._meta.model_name}"
    suffix = f"?next={_quote(back)}" if back else ""
    return {
        "state": state or "",
        "state_label": row.get_state_display() if row else "Not moderated yet",
        "history": history_text(row, events),
        "actions": [
            {
                "name": name,
                "label": label,
                "url": reverse(f"{base}_act", args=[comment.pk, name]) + suffix,
                "applies": state in states
                or (REPORTED in states and state == State.PUBLISHED and bool(row and row.report_count)),
            }
            for name, (_function, label, _done, states) in ROW_ACTIONS.items()
        ],
        "can_reply": state in REPLYABLE,
        "reply_url": reverse(f"{base}_reply", args=[comment.pk]) + suffix,
    }


def _quote(value):
    from urllib.parse import quote

    return quote(value, safe="")


def _post_link(post, comment, row):
    if post is None:
        return None, None
    url = post.get_absolute_url()
    anchor = f"{url}#c{comment.pk}" if row and row.state == State.PUBLISHED else None
    return url, anchor


@admin.register(ModeratedComment)
class ModerationQueueAdmin(admin.ModelAdmin):
    list_display = ["author_cell", "comment_cell", "post_cell", "age"]
    list_display_links = None  # the row's own "Details" link opens the comment's page
    list_filter = [StateFilter, ReasonFilter, PostFilter]
    search_fields = ["comment", "user_name", "user_email", "ip_address"]
    actions = ["approve", "mark_spam", "remove", "restore", "export_personal_data", "erase_personal_data"]
    list_per_page = 100
    show_full_result_count = False  # one count query, not two
    ordering = ["-submit_date"]
    readonly_fields = [
        "user_name",
        "user_email",
        "user_url",
        "ip_address",
        "submit_date",
        "comment",
        "post_title",
        "state",
        "reason",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("moderation", "content_type")
            .prefetch_related("content_object")
        )

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_ordering(self, request):
        if request.GET.get(StateFilter.parameter_name) == AWAITING:
            return ["submit_date"]  # the longest-waiting question first
        return super().get_ordering(request)

    def get_object(self, request, object_id, from_field=None):
        if not IdConverter.matches(str(object_id)):  # a longer one overflows the database's integers
            return None
        return super().get_object(request, object_id, from_field)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff and obj is None

    def has_delete_permission(self, request, obj=None):
        return False  # deleting loses the record: Remove and Spam keep it

    def changelist_view(self, request, extra_context=None):
        context = {
            "title": "Moderation queue",
            "module_name": "comments",  # "Select all 3 comments", not "3 moderation queue"
            # A working screen, like WordPress's: the width goes to the comments, not the app menu.
            "is_nav_sidebar_enabled": False,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    # Columns ---------------------------------------------------------------------------------

    @admin.display(description="Author", ordering="user_name")
    def author_cell(self, comment):
        return render_to_string("admin/comments/moderatedcomment/queue_author.html", {"comment": comment})

    @admin.display(description="Comment")
    def comment_cell(self, comment):
        row = _moderation_of(comment)
        events = getattr(comment, "queue_history", [])
        context = {
            "comment": comment,
            # body_html was rendered from the comment's Markdown and sanitized by blog.markup
            # (nh3 allowlist) when the comment was stored: it is safe to show as it is.
            "body": mark_safe(row.body_html) if row else None,  # noqa: S308
            "row": row_state(comment, row, events, back=getattr(comment, "queue_back", "")),
            "change_url": reverse("admin:comments_moderatedcomment_change", args=[comment.pk]),
            "reports": getattr(comment, "queue_reports", ""),
        }
        return render_to_string("admin/comments/moderatedcomment/queue_comment.html", context)

    @admin.display(description="In response to")
    def post_cell(self, comment):
        post = comment.content_object
        url, anchor = _post_link(post, comment, _moderation_of(comment))
        return render_to_string(
            "admin/comments/moderatedcomment/queue_post.html", {"post": post, "url": url, "anchor": anchor}
        )

    @admin.display(description="Submitted", ordering="submit_date")
    def age(self, comment):
        return render_to_string("admin/comments/moderatedcomment/queue_age.html", age_context(comment.submit_date))

    # Read-only fields of the change page -------------------------------------------------------

    @admin.display(description="Post")
    def post_title(self, comment):
        return getattr(comment.content_object, "title", "—")

    @admin.display(description="Reason")
    def reason(self, comment):
        row = _moderation_of(comment)
        return row.get_reason_display() if row else "—"

    @admin.display(description="State")
    def state(self, comment):
        row = _moderation_of(comment)
        return row.get_state_display() if row else "—"

    # Bulk actions ------------------------------------------------------------------------------

    def _act(self, request, queryset, function, done):
        changed = function(list(queryset.values_list("pk", flat=True)), by=request.user)
        self.message_user(request, f"{len(changed)} comment(s) {done}.", messages.SUCCESS)

    @admin.action(description="Approve selected comments")
    def approve(self, request, queryset):
        self._act(request, queryset, moderation.approve, "approved")

    @admin.action(description="Mark selected comments as spam")
    def mark_spam(self, request, queryset):
        self._act(request, queryset, moderation.mark_spam, "marked as spam")

    @admin.action(description="Remove selected comments (replies stay)")
    def remove(self, request, queryset):
        self._act(request, queryset, moderation.remove, "removed")

    @admin.action(description="Restore selected comments")
    def restore(self, request, queryset):
        self._act(request, queryset, moderation.restore, "restored")

    # A reader's data request (comments.privacy): by the email of the selected comments ----------

    @staticmethod
    def _emails(queryset):
        return sorted({email.lower() for email in queryset.values_list("user_email", flat=True) if email})

    @admin.action(description="Export (JSON) everything stored for these commenters' emails", permissions=["change"])
    def export_personal_data(self, request, queryset):
        import json

        from django.http import HttpResponse

        from . import privacy

        emails = self._emails(queryset)
        if not emails:
            self.message_user(request, "The selected comments have no email address.", messages.WARNING)
            return None
        data = {email: privacy.export(email) for email in emails}
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
        name = emails[0] if len(emails) == 1 else f"{len(emails)}-commenters"
        response["Content-Disposition"] = f'attachment; filename="personal-data-{name}.json"'
        return response

    @admin.action(description="Erase everything stored for these commenters' emails…", permissions=["change"])
    def erase_personal_data(self, request, queryset):
        """Asks first (a page listing the addresses); its POST with "confirm" erases."""
        from . import privacy

        emails = self._emails(queryset)
        if not emails:
            self.message_user(request, "The selected comments have no email address.", messages.WARNING)
            return None
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Erase personal data?",
                "emails": emails,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "admin/comments/moderatedcomment/erase_confirm.html", context)
        erased = [privacy.erase(email) for email in emails]
        total = sum(counts.get("comments", 0) for counts in erased)
        self.message_user(
            request,
            f"Erased what was stored for {len(emails)} email address(es); {total} comment(s) anonymised.",
            messages.SUCCESS,
        )
        return None

    # Row actions, reply, the comment's page ----------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view  # staff only, CSRF-protected, never cached
        return [
            path("<id:object_id>/do/<slug:action>/", wrap(self.row_action_view), name="{}_{}_act".format(*info)),
            path("<id:object_id>/reply/", wrap(self.reply_view), name="{}_{}_reply".format(*info)),
            *super().get_urls(),
        ]

    def _comment(self, object_id):
        comments = XtdComment.norel_objects.select_related("moderation")
        comment = get_object_or_404(comments, pk=object_id)
        if _moderation_of(comment) is None:
            moderation.adopt([comment.pk])
            comment = comments.get(pk=object_id)
        return comment

    def _back(self, request):
        back = request.GET.get("next") or request.POST.get("next") or ""
        if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            return back
        return reverse("admin:comments_moderatedcomment_changelist")

    def _answer(self, request, comment, message, *, ok=True, level=messages.SUCCESS, status=200, **extra):
        """JSON for queue.js (it asks with Accept: application/json), else a message and a redirect."""
        if "application/json" in request.headers.get("Accept", ""):
            row = Moderation.objects.select_related("decided_by").filter(comment_id=comment.pk).first()
            events = moderation.decision_history([comment.pk]).get(comment.pk, [])
            state = row_state(comment, row, events)
            state.pop("reply_url")
            for action in state["actions"]:
                action.pop("url")
            return JsonResponse({"ok": ok, "message": message, **state, **extra}, status=status)
        self.message_user(request, message, level)
        return redirect(self._back(request))

    def row_action_view(self, request, object_id, action):
        if action not in ROW_ACTIONS:
            raise Http404("No such action.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        comment = self._comment(object_id)
        function, _label, done, _states = ROW_ACTIONS[action]
        changed = function([comment.pk], by=request.user)
        name = comment.user_name or "an anonymous reader"
        if changed:
            return self._answer(request, comment, f"{done}: the comment by {name}.")
        state = comment.moderation.get_state_display().lower()
        return self._answer(
            request, comment, f"Nothing changed: the comment by {name} is {state}.", ok=False, level=messages.WARNING
        )

    def reply_view(self, request, object_id):
        """Reply as the signed-in author: a page without JavaScript, the row's inline form with."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        comment = self._comment(object_id)
        text, error = "", ""
        if request.method == "POST":
            text = request.POST.get("text", "")
            error = reply_problem(comment, text)
            if not error:
                reply, approved = post_reply(comment, text, request.user)
                name = comment.user_name or "an anonymous reader"
                message = (
                    f"Approved the comment by {name} and posted your reply."
                    if approved
                    else (f"Posted your reply to {name}.")
                )
                return self._answer(request, comment, message, reply_url=reply_link(reply))
            if "application/json" in request.headers.get("Accept", ""):
                return JsonResponse({"ok": False, "message": error, "text": text}, status=400)
        post = comment.content_object
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Reply to {comment.user_name or 'an anonymous reader'}",
            "comment": comment,
            # Rendered and sanitized by blog.markup when the comment was stored (see comment_cell).
            "body": mark_safe(comment.moderation.body_html),  # noqa: S308
            "post": post,
            "text": text,
            "error": error,
            "back": self._back(request),
            "signed_in_as": _who(request.user),
        }
        return TemplateResponse(
            request, "admin/comments/moderatedcomment/reply.html", context, status=400 if error else 200
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        comment = self._comment(object_id) if IdConverter.matches(str(object_id)) else None
        context = dict(extra_context or {})
        if comment is not None:
            events = moderation.decision_history([comment.pk]).get(comment.pk, [])
            back = request.get_full_path()
            context.update(
                title=f"Comment by {comment.user_name or 'an anonymous reader'}",
                queue_comment=comment,
                # Rendered and sanitized by blog.markup when the comment was stored (see comment_cell).
                queue_body=mark_safe(comment.moderation.body_html),  # noqa: S308
                queue_row=row_state(comment, comment.moderation, events, back=back),
                queue_thread=thread_around(comment),
            )
        return super().change_view(request, object_id, form_url, extra_context=context)


def age_context(moment):
    """ "5 weeks ago" (one unit, never wrapped), with the exact date for a title and <time>."""
    local = timezone.localtime(moment)
    return {
        "iso": local.isoformat(),
        "exact": date_format(local, "j F Y, H:i"),
        "ago": f"{timesince(moment, depth=1)}\xa0ago",  # one unit, kept on one line
    }


def reply_link(comment):
    post = comment.content_object
    return f"{post.get_absolute_url()}#c{comment.pk}" if post is not None else ""


def reply_problem(comment, text):
    """Why `text` cannot be posted as a reply to `comment` ("" when it can)."""
    if comment.content_object is None:
        return "The post of this comment no longer exists."
    if comment.moderation.state not in REPLYABLE:
        return "This comment is hidden: restore it before replying to it."
    return text_problem(text, empty="Write your reply before sending it.")


def post_reply(comment, text, user):
    """Post `text` as `user`'s reply to `comment` (approved first if it was held, as WordPress
    does), in the thread where the public reply form would put it. Returns (reply, approved)."""
    post = comment.content_object
    with transaction.atomic():
        approved = bool(comment.moderation.state == State.HELD and moderation.approve([comment.pk], by=user))
        parent = moderation.reply_parent(
            comment,
            level_of=lambda c: c.level,
            parent_of=lambda c: XtdComment.norel_objects.get(pk=c.parent_id),
        )
        reply = moderation.create(
            post,
            Decision(Outcome.PUBLISH, Reason.TRUSTED),
            parent_id=parent.pk if parent is not None else None,
            by=user,
            user=user,
            name=_who(user),
            email=user.email,
            text=text,
        )
    return reply, approved


def thread_around(comment):
    """The comment's parent chain and its replies, as (comment, depth, body) from one query.

    Bodies are Moderation.body_html (sanitized by blog.markup when stored); hidden comments
    are shown too, marked with their state: this is the moderator's view.
    """
    thread = list(
        XtdComment.norel_objects.filter(thread_id=comment.thread_id).select_related("moderation").order_by("order")
    )
    by_pk = {c.pk: c for c in thread}
    chain, current = [], by_pk.get(comment.pk, comment)
    while current.parent_id != current.pk and current.parent_id in by_pk:
        current = by_pk[current.parent_id]
        chain.append(current)
    chain.reverse()
    below, inside = [], False
    for other in thread:  # pre-order: the replies follow the comment until the level comes back up
        if other.pk == comment.pk:
            inside = True
            continue
        if inside:
            if other.level <= comment.level:
                break
            below.append(other)

    def item(c, *, current=False):
        row = _moderation_of(c)
        return {
            "comment": c,
            "depth": min(c.level, 6),
            "current": current,
            "state_label": row.get_state_display() if row else "",
            "state": row.state if row else "",
            # Sanitized by blog.markup when stored (see ModerationQueueAdmin.comment_cell).
            "body": mark_safe(row.body_html) if row else "",  # noqa: S308
            "change_url": reverse("admin:comments_moderatedcomment_change", args=[c.pk]),
        }

    return [item(c) for c in chain] + [item(by_pk.get(comment.pk, comment), current=True)] + [item(c) for c in below]


def _count_in_state(state):
    """A subquery: the number of the outer post's comments in `state`."""
    return Subquery(
        Moderation.objects.filter(
            state=state,
            comment__content_type=ContentType.objects.get_for_model(Post),
            comment__object_pk=Cast(OuterRef("pk"), output_field=XtdComment._meta.get_field("object_pk")),
        )
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def with_published_counts(posts):
    """Posts annotated with `published_comments`: their published comments, in one subquery."""
    return posts.annotate(published_comments=_count_in_state(State.PUBLISHED))


def with_held_counts(posts):
    """Posts annotated with `held`: their held comments, in one subquery."""
    return posts.annotate(held=_count_in_state(State.HELD))


@admin.display(description="Comments", ordering="published_comments")
def published_comments(post):
    return post.published_comments or 0


@admin.display(description="Held comments", ordering="held")
def held_comments(post):
    return post.held or 0


PostAdmin.add_column(published_comments, annotate=with_published_counts)
PostAdmin.add_column(held_comments, annotate=with_held_counts)

# Every change of state goes through comments.moderation: xtd's and django_comments' own
# comment admins (which edit is_public / is_removed directly) and flags are not offered.
for model in (XtdComment, CommentFlag, BlackListedDomain):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
admin.site.index_template = "admin/index_with_queue.html"
