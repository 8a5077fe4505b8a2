"""The author's own pieces of the admin: her profile (bio, byline name) and standalone pages.

Imported by blog/admin.py (the admin autodiscovers only that module).

A writer edits her own AuthorProfile without superuser rights or model permissions: "Your
profile" on the index opens it (created on first visit); she cannot see anyone else's. Staff
with the author-profile permissions (and superusers) see the usual list of every profile.
"""

from django.contrib import admin
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .editor import PageEditorMixin
from .models import AuthorProfile, Page


def _rendered(html, empty):
    if not html:
        return empty
    # The sanitized output of blog.markup.render_markdown, stored on save and never hand-edited.
    return format_html('<div class="post-preview">{}</div>', mark_safe(html))  # noqa: S308


class DeskMedia:
    css = {"all": ["css/admin.css"]}  # the preview's styles


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    Media = DeskMedia
    list_display = ["__str__", "user", "display_name", "updated_at"]
    search_fields = ["display_name", "user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    readonly_fields = ["preview", "author_page"]
    fieldsets = [
        (None, {"fields": ["user", "display_name", "bio"]}),
        ("Preview", {"fields": ["preview", "author_page"], "description": "As readers see it, as last saved."}),
    ]

    def sees_everyone(self, request):
        return request.user.has_perm("blog.change_authorprofile")

    def is_own(self, request, obj):
        return obj is None or obj.user_id == request.user.pk

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or (request.user.is_staff and self.is_own(request, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or (request.user.is_staff and self.is_own(request, obj))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if self.sees_everyone(request) else queryset.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if self.sees_everyone(request) and obj is None else [*fields, "user"]

    def get_fieldsets(self, request, obj=None):
        if self.sees_everyone(request):
            return super().get_fieldsets(request, obj)
        # Her own profile: whose it is goes without saying (and the user admin is not hers).
        return [(None, {"fields": ["display_name", "bio"]}), *self.fieldsets[1:]]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.sees_everyone(request):
            extra_context = {"title": "Your profile", "subtitle": None, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if self.sees_everyone(request):
            return super().changelist_view(request, extra_context)
        profile, _ = AuthorProfile.objects.get_or_create(user=request.user)
        return redirect("admin:blog_authorprofile_change", profile.pk)

    def response_change(self, request, obj):
        if not self.sees_everyone(request) and "_continue" not in request.POST:
            self.message_user(request, "Your profile was saved.")
            return redirect("admin:index")
        return super().response_change(request, obj)

    @admin.display(description="Bio as shown")
    def preview(self, profile):
        return _rendered(profile.bio_html, "No bio yet.")

    @admin.display(description="Author page")
    def author_page(self, profile):
        if not profile.pk:
            return "—"
        url = profile.get_absolute_url()
        return format_html('<a href="{}">{}</a> (shown once you have a public post or a bio)', url, url)


@admin.register(Page)
class PageAdmin(PageEditorMixin, admin.ModelAdmin):
    Media = DeskMedia
    list_display = ["title", "slug", "status", "in_menu", "menu_order", "updated_at", "view_link"]
    list_display_links = ["title"]
    list_editable = ["in_menu", "menu_order"]
    list_filter = ["status", "in_menu"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["menu_order", "title"]
    readonly_fields = ["body_format", "preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "body"], "classes": ["editor-writing"]}),
        (None, {"fields": ["slug", "body_format"]}),
        ("Publishing", {"fields": ["status", "in_menu", "menu_order"]}),
        (
            "Preview",
            {
                "fields": ["preview"],
                "classes": ["editor-saved-preview"],  # hidden when the editor's live preview runs
                "description": "The body as readers see it, as last saved.",
            },
        ),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description="Rendered body")
    def preview(self, page):
        if not page.pk:
            return "Save the page (as a draft, if you like) to see it rendered here."
        return _rendered(page.body_html, "")

    @admin.display(description="On the site")
    def view_link(self, page):
        return format_html('<a href="{}">{}</a>', page.get_absolute_url(), "View" if page.is_public else "Preview")
