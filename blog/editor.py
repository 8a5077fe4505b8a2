"""The post editor in the admin: a wide title, a Markdown toolbar, a live preview.

`EditorAdminMixin` goes first in PostAdmin's bases. It gives the title and body their widgets
and adds two admin URLs:

    admin:blog_post_preview        POST body (and title) -> JSON {"html"} or {"error"} (400).
                                   The HTML comes from blog.markup.render, the same function
                                   that fills body_html on save, so the preview is what readers
                                   will see; `format` ("markdown", the default, or "html" for
                                   an imported post's HTML body) says how the body is read.
                                   Nothing is saved or cached.
    admin:blog_post_preview_frame  the page the preview is drawn in: the site's stylesheet and
                                   the post page's markup, in a same-origin iframe (the admin's
                                   styles would turn ## headings into blue title bars). With
                                   ?post=<pk> it shows that post's body as last saved: the
                                   no-JavaScript preview.

Both need a staff user who may add or change posts. The editor itself (static/js/editor.js)
is progressive: without JavaScript the form is the stock admin form, with the last saved
rendering in a <noscript> frame.

Why a small hand-written editor and not EasyMDE, martor or django-markdownx: see README,
"Writing posts".
"""

from csp.decorators import csp_replace
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from .markup import Format, MarkupRejected, MarkupTooLong, render

FRAME_TEMPLATE = "admin/blog/post/preview_frame.html"
WIDGET_TEMPLATE = "admin/blog/post/editor_widget.html"
SAVE_FIRST = "Save the post (as a draft, if you like) to see it rendered here."
HTML_BODY_HELP = (
    "HTML, as imported: it stays HTML when you edit it (write <p> for a paragraph; Markdown is not "
    "read here). It is sanitized like every body."
)


def for_body_format(form, obj):
    """An HTML body (an imported post or page) is edited as HTML: its help says so, the preview reads it so.

    A subclass whose __init__ adjusts its own copy of the field: classes made from it later
    (blog.revisions' form) keep the change.
    """
    if obj is None or getattr(obj, "body_format", Format.MARKDOWN) != Format.HTML:
        return form

    class HTMLBodyForm(form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            field = self.fields.get("body")
            if field is not None:
                field.help_text = HTML_BODY_HELP
                if isinstance(field.widget, MarkdownEditor):
                    field.widget.body_format = Format.HTML

    HTMLBodyForm.__name__ = form.__name__
    return HTMLBodyForm


def image_upload_url():
    """The images app's upload endpoint, or None while that app is not installed."""
    try:
        return reverse("admin:images_image_upload")
    except NoReverseMatch:
        return None


class TitleInput(forms.Textarea):
    """The title as the page's heading: full width, large, wrapping instead of cut off.

    A one-row textarea that grows with the title (as Ghost's does); line breaks, which a title
    cannot hold, are sent back as spaces. editor.js turns Enter into a move to the body.
    """

    def __init__(self, attrs=None):
        super().__init__({"class": "editor-title", "rows": 1, "placeholder": "Post title", **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return " ".join(value.split()) if isinstance(value, str) else value


class MarkdownEditor(forms.Textarea):
    """The body textarea, with a toolbar and preview pane that editor.js brings to life.

    The toolbar, tabs and preview are in the markup but `hidden` until the script runs, so
    without JavaScript only the plain textarea shows.
    """

    template_name = WIDGET_TEMPLATE

    def __init__(self, attrs=None, *, preview_url="", frame_url="", upload_url=None):
        attrs = {"class": "editor-body", "rows": 24, "spellcheck": "true", **(attrs or {})}
        if upload_url:
            attrs["data-upload-url"] = upload_url
        super().__init__(attrs)
        self.preview_url = preview_url
        self.frame_url = frame_url
        self.upload_url = upload_url
        self.body_format = Format.MARKDOWN  # blog.editor.for_body_format sets HTML for an HTML body

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["editor"] = {
            "preview_url": self.preview_url,
            "frame_url": self.frame_url,
            "upload_url": self.upload_url,
            "format": self.body_format,
        }
        return context


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, each with its own accessible name (the stock widget's
    "Date:" and "Time:" are bare text, which axe-core reports as unlabelled fields)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        label = context["widget"]["attrs"].get("aria-label") or name.replace("_", " ").capitalize()
        for subwidget, part in zip(context["widget"]["subwidgets"], ["date", "time"], strict=True):
            subwidget["attrs"]["aria-label"] = f"{label}: {part}"
        return context


class EditorAdminMixin:
    """The editor's widgets, URLs and views, for PostAdmin (see the module docstring)."""

    # The change form shows the inlines (pinned Relevant Discussions) after this many fieldsets
    # (title and body, then theme, tags and summary), before Publishing and the rest.
    inlines_after_fieldsets = 2

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "title":
            kwargs["widget"] = TitleInput()
        elif db_field.name == "published_at":
            kwargs["widget"] = LabelledSplitDateTime()
        elif db_field.name == "body":
            kwargs["widget"] = MarkdownEditor(
                preview_url=reverse("admin:blog_post_preview"),
                frame_url=reverse("admin:blog_post_preview_frame"),
                upload_url=image_upload_url(),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return for_body_format(super().get_form(request, obj, change=change, **kwargs), obj)

    def get_urls(self):
        urls = [
            path("preview/", self.admin_site.admin_view(self.preview_view), name="blog_post_preview"),
            path("preview/frame/", self.admin_site.admin_view(self.preview_frame_view), name="blog_post_preview_frame"),
        ]
        return urls + super().get_urls()

    def _may_write(self, request):
        return self.has_add_permission(request) or self.has_change_permission(request)

    @admin.display(description="Rendered body")
    def saved_preview(self, post):
        """The no-JavaScript preview: the last saved body, drawn by the site's stylesheet.

        In <noscript>, so with JavaScript on (the live preview) the browser loads nothing.
        """
        if not post.pk:
            return format_html("<noscript>{}</noscript>", SAVE_FIRST)
        src = f"{reverse('admin:blog_post_preview_frame')}?post={post.pk}"
        return format_html(
            '<noscript><iframe class="editor-saved-frame" src="{}" title="The body as readers see it, as last saved" '
            'sandbox="allow-same-origin"></iframe></noscript>',
            src,
        )

    @method_decorator(require_POST)
    def preview_view(self, request):
        if not self._may_write(request):
            raise PermissionDenied
        try:
            body_format = request.POST.get("format") or Format.MARKDOWN
            if body_format not in (Format.MARKDOWN, Format.HTML):
                return JsonResponse({"error": f"Unknown format {body_format[:20]!r}."}, status=400)
            html = render(request.POST.get("body", ""), body_format, profile="post")
        except (MarkupTooLong, MarkupRejected) as error:
            return JsonResponse({"error": str(error)}, status=400)
        return JsonResponse({"html": html}, headers={"Cache-Control": "no-store"})

    # Framed by the change form only: same origin, and CSP frame-ancestors 'self' for this page
    # alone (replacing the global 'none'; the rest of the policy, no 'unsafe-inline', stays).
    @method_decorator(xframe_options_sameorigin)
    @method_decorator(csp_replace({"frame-ancestors": ["'self'"]}))
    def preview_frame_view(self, request):
        if not self._may_write(request):
            raise PermissionDenied
        post = None
        if request.GET.get("post"):
            try:
                post = self.model._default_manager.only("title", "body_html").get(pk=int(request.GET["post"]))
            except (ValueError, OverflowError, self.model.DoesNotExist):
                raise Http404("No such post.") from None
        response = TemplateResponse(request, FRAME_TEMPLATE, {"post": post})
        response["Cache-Control"] = "no-store"
        return response


class PageEditorMixin:
    """Standalone pages are written in the same editor: its title and body widgets, with the
    posts' preview endpoints (both render with blog.markup.render's "post" profile) and uploads."""

    inlines_after_fieldsets = 1

    def get_form(self, request, obj=None, change=False, **kwargs):
        return for_body_format(super().get_form(request, obj, change=change, **kwargs), obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "title":
            kwargs["widget"] = TitleInput({"placeholder": "Page title"})
        elif db_field.name == "body":
            kwargs["widget"] = MarkdownEditor(
                preview_url=reverse("admin:blog_post_preview"),
                frame_url=reverse("admin:blog_post_preview_frame"),
                upload_url=image_upload_url(),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


__all__ = [
    "EditorAdminMixin",
    "LabelledSplitDateTime",
    "MarkdownEditor",
    "PageEditorMixin",
    "TitleInput",
    "image_upload_url",
]
