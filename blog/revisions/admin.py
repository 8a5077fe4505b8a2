"""RevisionAdminMixin: history, diff, restore and autosave in PostAdmin, and the stale-form check.

PostAdmin only gains the mixin in its bases. The change form carries the number of the
revision it was loaded from (`base_revision`, hidden); a Save from a form older than the
post's newest revision is refused with a form error (the text stays in the form) unless the
author ticks "Overwrite the newer version"; an autosave from such a form answers 409.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from ..models import Post
from . import diff, records
from .models import Revision


def _clock(value, seconds=False):
    return timezone.localtime(value).strftime("%H:%M:%S" if seconds else "%H:%M")


def _when(value):
    """14:02 today; 3 Dec, 14:02 before."""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return f"{local.day} {local.strftime('%b, %H:%M')}"


def _who(user, request):
    if user is None:
        return "someone"
    if user.pk == request.user.pk:
        return "you"
    return user.get_full_name() or user.get_username()


def conflict_message(latest, request):
    return (
        f"This post was saved in another tab at {_clock(latest.created_at)} by {_who(latest.who, request)} "
        f"(revision #{latest.number}) after this form was opened."
    )


class RevisionFormMixin:
    """The admin's post form, plus the revision it was loaded from and the stale-form check.

    The class attributes `latest_revision` and `restored_autosave` are set per request by
    RevisionAdminMixin.get_form(). A form posted without `base_revision` (a script, not the
    admin's page) is not checked.
    """

    latest_revision = None
    restored_autosave = None
    conflict = None  # the newer revision, when this form is refused for it
    overwrote = None  # the newer revision, when the author chose to save over it

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["base_revision"] = self.latest_revision.number if self.latest_revision else 0
            if self.restored_autosave is not None:
                self.initial.update(records.autosave_initial(self.restored_autosave))

    def clean(self):
        cleaned_data = super().clean()
        latest = self.latest_revision
        base = cleaned_data.get("base_revision") or ""
        stale = (
            latest is not None and "base_revision" in self.data and latest.number > (int(base) if base.isdigit() else 0)
        )
        if stale and cleaned_data.get("overwrite"):
            self.overwrote = latest
        elif stale:
            self.conflict = latest
            self.add_error(
                None,
                conflict_message(latest, self.request)
                + " Nothing was saved and your text is still here: compare it with the history, "
                "or tick “Overwrite the newer version” and save again.",
            )
        return cleaned_data


class RevisionAdminMixin:
    revision_history_template = "admin/blog/post/revisions.html"

    @property
    def media(self):
        return super().media + forms.Media(js=["js/autosave.js"], css={"all": ["css/revisions.css"]})

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("add/autosave/", view(self.autosave_view), name=f"{name}_autosave_add"),
            path("add/autosave/discard/", view(self.discard_autosave_view), name=f"{name}_autosave_add_discard"),
            path("<int:post_id>/autosave/", view(self.autosave_view), name=f"{name}_autosave"),
            path("<int:post_id>/autosave/discard/", view(self.discard_autosave_view), name=f"{name}_autosave_discard"),
            path("<int:post_id>/revisions/", view(self.revisions_view), name=f"{name}_revisions"),
            path(
                "<int:post_id>/revisions/<int:number>/restore/",
                view(self.restore_revision_view),
                name=f"{name}_revision_restore",
            ),
            *super().get_urls(),
        ]

    # --- The change form ------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        attrs = {
            # Text, read leniently: a hidden field's error would show nowhere on the form.
            "base_revision": forms.CharField(required=False, widget=forms.HiddenInput),
            "overwrite": forms.BooleanField(required=False, label="Overwrite the newer version"),
            "latest_revision": records.latest(obj.pk) if obj is not None and obj.pk else None,
            "restored_autosave": records.pending_autosave(obj, request.user) if request.method == "GET" else None,
            "request": request,
        }
        return type(form)(f"{form.__name__}WithRevisions", (RevisionFormMixin, form), attrs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        args = [obj.pk] if obj is not None and obj.pk else []
        latest = getattr(form, "latest_revision", None)
        autosave = getattr(form, "restored_autosave", None)
        context.update(
            {
                "revision_count": latest.number if latest else 0,
                "restored_autosave": autosave,
                "autosave_when": _when(autosave.saved_at) if autosave else "",
                "revision_conflict": getattr(form, "conflict", None),
                "autosave_url": reverse(f"{name}_autosave" if args else f"{name}_autosave_add", args=args),
                "autosave_discard_url": reverse(
                    f"{name}_autosave_discard" if args else f"{name}_autosave_add_discard", args=args
                ),
                "autosave_interval_ms": int(self.autosave_interval() * 1000),
            }
        )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def autosave_interval(self):
        return getattr(settings, "BLOG_AUTOSAVE_SECONDS", 5)

    def save_model(self, request, obj, form, change):
        if change:
            records.ensure_initial(obj.pk)  # before the row changes: the state as found
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        post = form.instance
        note = f"Saved over #{form.overwrote.number}, from an older form" if form.overwrote else ""
        records.record(post, request.user, note=note)
        records.discard_autosave(post if change else None, request.user)

    # --- Autosave ---------------------------------------------------------------------------------

    def _post_for(self, request, post_id, *, change=True):
        post = get_object_or_404(Post.objects.select_related("theme"), pk=post_id)
        allowed = (
            self.has_change_permission(request, post) if change else self.has_view_or_change_permission(request, post)
        )
        if not allowed:
            raise PermissionDenied
        return post

    def autosave_view(self, request, post_id=None):
        """POST the form's fields: kept as the user's autosave; the post itself is not touched."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if post_id is None:
            if not self.has_add_permission(request):
                return JsonResponse({"error": "you may not add posts"}, status=403)
            post = None
        else:
            post = get_object_or_404(Post, pk=post_id)
            if not self.has_change_permission(request, post):
                return JsonResponse({"error": "you may not change this post"}, status=403)
        raw = request.POST.get("base_revision", "")
        base = int(raw) if raw.isdigit() else 0
        latest = records.latest(post.pk) if post is not None else None
        if latest is not None and latest.number > base:
            message = conflict_message(latest, request) + " Your changes here are not saved: copy them or reload."
            return JsonResponse({"error": message, "conflict": latest.number}, status=409)
        autosave = records.store_autosave(post, request.user, request.POST, base_revision=base)
        return JsonResponse(
            {"saved_at": autosave.saved_at.isoformat(), "message": f"Draft saved {_clock(autosave.saved_at, True)}"}
        )

    @staticmethod
    def _change_url(post):
        if post is None:
            return reverse("admin:blog_post_add")
        return reverse("admin:blog_post_change", args=[post.pk])

    def discard_autosave_view(self, request, post_id=None):
        post = None if post_id is None else self._post_for(request, post_id)
        if request.method != "POST":
            return redirect(self._change_url(post))
        records.discard_autosave(post, request.user)
        self.message_user(request, "Discarded your unsaved changes.", messages.SUCCESS)
        return redirect(self._change_url(post))

    # --- History and restore ----------------------------------------------------------------------

    def revisions_view(self, request, post_id):
        """The post's revisions, and the differences between two of them (?to=N&from=M;
        by default the newest against the one before it)."""
        post = self._post_for(request, post_id, change=False)
        revisions = list(
            Revision.objects.filter(post=post).select_related("who").defer("body", "summary").order_by("-number")
        )
        numbers = {revision.number for revision in revisions}
        to_number = self._number(request.GET.get("to"), numbers, default=revisions[0].number if revisions else None)
        from_number = self._number(
            request.GET.get("from"), numbers, default=max((n for n in numbers if n < (to_number or 0)), default=None)
        )
        if from_number is not None and to_number is not None and from_number > to_number:
            from_number, to_number = to_number, from_number
        pair = {
            revision.number: revision
            for revision in Revision.objects.filter(
                post=post, number__in=[n for n in [from_number, to_number] if n]
            ).select_related("who", "theme")
        }
        new, old = pair.get(to_number), pair.get(from_number) if from_number != to_number else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": post,
            "title": f"Revisions of “{post.title}”",
            "revisions": revisions,
            "new": new,
            "old": old,
            "changes": diff.compare(old, new) if new else [],
            "can_restore": self.has_change_permission(request, post),
            "media": self.media,
        }
        return TemplateResponse(request, self.revision_history_template, context)

    @staticmethod
    def _number(value, numbers, *, default):
        if value and value.isdigit() and int(value) in numbers:
            return int(value)
        return default

    def restore_revision_view(self, request, post_id, number):
        """POST only: the revision's fields back onto the post, saved the normal way, as a new revision."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self._post_for(request, post_id)
        revision = Revision.objects.filter(post=post, number=number).first()
        if revision is None:
            raise Http404("No such revision.")
        try:
            new, notes = records.restore(post, revision, request.user)
        except records.RestoreRefused as refusal:
            self.message_user(request, f"Revision #{number} cannot be restored: {refusal}", messages.ERROR)
            return redirect("admin:blog_post_revisions", post.pk)
        if new is None:
            self.message_user(request, f"Nothing changed: the post already matches revision #{number}.")
        else:
            self.message_user(
                request,
                format_html("Restored revision #{} as revision #{}. {}", number, new.number, " ".join(notes)),
                messages.SUCCESS,
            )
        return redirect("admin:blog_post_change", post.pk)
