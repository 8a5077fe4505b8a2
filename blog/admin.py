from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import transaction
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from . import admin_desk  # noqa: F401 - registers AuthorProfileAdmin and PageAdmin
from .models import PinnedPost, Post, Tag, Theme, public_posts


class PinnedPostForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        # The inline form leaves the parent post out of model validation, so the
        # blog_pin_not_self check constraint would only surface as an IntegrityError.
        target = cleaned_data.get("target")
        if target is not None and self.instance.post_id is not None and target.pk == self.instance.post_id:
            self.add_error("target", "A post cannot pin itself.")
        return cleaned_data


class PinnedPostInline(admin.TabularInline):
    model = PinnedPost
    form = PinnedPostForm
    fk_name = "post"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["target", "position"]
    verbose_name = "pinned Relevant Discussion"
    verbose_name_plural = "Relevant Discussions pinned first (in position order)"


class PostChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # The list never shows the bodies (up to BLOG_POST_MAX_LENGTH each, twice): don't load them.
        return super().get_queryset(request, exclude_parameters).defer("body", "body_html")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "status_label", "theme", "tag_list", "published_at"]
    list_filter = ["status", "theme", "tags", ("published_at", admin.DateFieldListFilter)]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    date_hierarchy = "published_at"
    inlines = [PinnedPostInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "theme", "tags", "summary", "body"]}),
        ("Publishing", {"fields": ["status", "published_at", "allow_comments", "author"]}),
        ("Preview", {"fields": ["preview"], "description": "The body as readers see it, as last saved."}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    # Columns other apps add to the post list (comments: held comments per post), so that
    # blog's admin stays this class and knows nothing of them: add_column() from their admin.
    extra_columns = []  # (display function, annotate(queryset) -> queryset or None)

    @classmethod
    def add_column(cls, display, *, annotate=None):
        cls.extra_columns = [*cls.extra_columns, (display, annotate)]

    def get_list_display(self, request):
        return [*super().get_list_display(request), *(display for display, _ in self.extra_columns)]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("theme").prefetch_related("tags")
        for _display, annotate in self.extra_columns:
            if annotate is not None:
                queryset = annotate(queryset)
        return queryset

    def get_changelist(self, request, **kwargs):
        return PostChangeList

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description="Status", ordering="status")
    def status_label(self, post):
        if post.is_scheduled:
            return "Scheduled"
        return post.get_status_display()

    @admin.display(description="Tags")
    def tag_list(self, post):
        return ", ".join(tag.name for tag in post.tags.all())

    @admin.display(description="Rendered body")
    def preview(self, post):
        if not post.pk:
            return "Save the post (as a draft, if you like) to see it rendered here."
        # body_html is the sanitized output of blog.markup.render_markdown, never hand-edited.
        return format_html('<div class="post-preview">{}</div>', mark_safe(post.body_html))  # noqa: S308

    @admin.action(description="Publish selected posts now (keeps a scheduled time)")
    def publish(self, request, queryset):
        count = 0
        with transaction.atomic():
            for post in queryset.select_for_update().filter(status=Post.Status.DRAFT):
                post.status = Post.Status.PUBLISHED
                post.published_at = post.published_at or timezone.now()
                post.save(update_fields=["status", "published_at", "updated_at"])
                count += 1
        self.message_user(request, f"Published {count} post(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected posts (back to draft)")
    def unpublish(self, request, queryset):
        count = 0
        with transaction.atomic():
            for post in queryset.select_for_update().filter(status=Post.Status.PUBLISHED):
                post.status = Post.Status.DRAFT
                post.save(update_fields=["status", "updated_at"])
                count += 1
        self.message_user(request, f"Unpublished {count} post(s).", messages.SUCCESS)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "post_count"]
    search_fields = ["name"]
    # Aggregating queries drop Meta.ordering; keep lists and autocomplete in name order.
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_posts=Count("posts"))

    @admin.display(description="Posts", ordering="num_posts")
    def post_count(self, theme):
        return theme.num_posts


class MergeTagsForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        label="Keep this tag",
        help_text="The other selected tags are merged into it.",
    )


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "post_count", "published_count"]
    search_fields = ["name"]
    # Aggregating queries drop Meta.ordering; keep lists and autocomplete in name order.
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_tags"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                num_posts=Count("posts", distinct=True),
                num_published=Count("posts", filter=public_posts("posts__"), distinct=True),
            )
        )

    @admin.display(description="Posts", ordering="num_posts")
    def post_count(self, tag):
        return tag.num_posts

    @admin.display(description="Public posts", ordering="num_published")
    def published_count(self, tag):
        return tag.num_published

    @admin.action(description="Merge selected tags into one")
    def merge_tags(self, request, queryset):
        tags = list(queryset.order_by("name"))
        if len(tags) < 2:
            self.message_user(request, "Select at least two tags to merge.", messages.WARNING)
            return None
        form = MergeTagsForm(request.POST if "target" in request.POST else None)
        form.fields["target"].queryset = queryset.model.objects.filter(pk__in=[t.pk for t in tags])
        if form.is_bound and form.is_valid():
            target = form.cleaned_data["target"]
            merged = [tag for tag in tags if tag.pk != target.pk]
            with transaction.atomic():
                through = Post.tags.through
                post_ids = set(through.objects.filter(tag__in=merged).values_list("post_id", flat=True))
                existing = set(through.objects.filter(tag=target).values_list("post_id", flat=True))
                through.objects.bulk_create([through(post_id=pid, tag_id=target.pk) for pid in post_ids - existing])
                Tag.objects.filter(pk__in=[t.pk for t in merged]).delete()
            names = format_html_join(", ", "“{}”", ((t.name,) for t in merged))
            self.message_user(
                request, format_html("Merged {} into “{}”; their posts keep the tag.", names, target.name)
            )
            return None
        return render(
            request,
            "admin/blog/tag/merge.html",
            {
                **self.admin_site.each_context(request),
                "tags": tags,
                "form": form,
                "opts": self.model._meta,
                "title": "Merge tags",
            },
        )
