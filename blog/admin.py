from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import transaction
from django.db.models import Count
from django.shortcuts import render
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join

from . import admin_desk  # noqa: F401 - registers AuthorProfileAdmin and PageAdmin
from .admin_fields import PlaceholderAutocomplete, TagsField, TagsWidget, save_new_tags
from .editor import EditorAdminMixin
from .models import PinnedPost, Post, Tag, Theme, public_posts
from .revisions import records as revisions
from .revisions.admin import RevisionAdminMixin


class PinnedPostForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A table row has no <label>s: name the inputs for screen readers.
        self.fields["position"].widget.attrs["aria-label"] = "Position (lower numbers come first)"
        self.fields["target"].widget.attrs["aria-label"] = "Post to pin"

    def clean(self):
        cleaned_data = super().clean()
        # The inline form leaves the parent post out of model validation, so the
        # blog_pin_not_self check constraint would only surface as an IntegrityError.
        target = cleaned_data.get("target")
        if target is not None and self.instance.post_id is not None and target.pk == self.instance.post_id:
            self.add_error("target", "A post cannot pin itself.")
        return cleaned_data


class PinnedPostFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Remove this pin"


class PinnedPostInline(admin.TabularInline):
    model = PinnedPost
    form = PinnedPostForm
    formset = PinnedPostFormSet
    fk_name = "post"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["target", "position"]
    verbose_name = "pinned Relevant Discussion"
    verbose_name_plural = "Relevant Discussions pinned first (drag to reorder, or number them)"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            kwargs["widget"] = PlaceholderAutocomplete(
                db_field, self.admin_site, using=kwargs.get("using"), placeholder="Find a post by its title"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def when(moment):
    """ "24 December 2026, 09:00 (UTC)": the author's clock, in words."""
    local = timezone.localtime(moment)
    return f"{dateformat.format(local, 'j F Y, H:i')} ({local.tzname()})"


def publication_state(post):
    """What readers see of the post now, in one sentence (the change form, the save message)."""
    if post.is_scheduled:
        return f"Scheduled for {when(post.published_at)}: it goes live by itself then."
    if post.is_public:
        return f"Published {when(post.published_at)}."
    if post.published_at and post.pk:
        return f"Draft: only you can see it (it was dated {when(post.published_at)})."
    return "Draft: only you can see it."


class PublicationFilter(admin.SimpleListFilter):
    """Draft / Scheduled / Published, as the list's Status column reads."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.filter(status=Post.Status.DRAFT)
            case "scheduled":
                return queryset.scheduled()
            case "published":
                return queryset.published()
        return queryset


class PostChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # The list never shows the bodies (up to BLOG_POST_MAX_LENGTH each, twice): don't load them.
        return super().get_queryset(request, exclude_parameters).defer("body", "body_html")


@admin.register(Post)
class PostAdmin(RevisionAdminMixin, EditorAdminMixin, admin.ModelAdmin):
    list_display = ["title", "status_label", "theme", "tag_list", "published_at"]
    list_filter = [PublicationFilter, "theme", "tags", ("published_at", admin.DateFieldListFilter)]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags", "cover"]
    date_hierarchy = "published_at"
    inlines = [PinnedPostInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["state", "saved_preview", "cover_preview", "created_at", "updated_at"]
    # The editor (blog.editor) shows the inlines after the first two fieldsets.
    fieldsets = [
        (None, {"fields": ["title", "body"], "classes": ["editor-writing"]}),
        (None, {"fields": ["theme", "tags", "summary", "slug"]}),
        ("Publishing", {"fields": ["state", "status", "published_at", "allow_comments", "author"]}),
        ("Cover image", {"fields": ["cover", "cover_preview"], "description": "Upload images in the Images section."}),
        (
            "Preview",
            {
                "fields": ["saved_preview"],
                "classes": ["editor-saved-preview"],
                "description": "The body as readers see it, as last saved.",
            },
        ),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["css/post_form.css"]}
        js = ["js/pins.js", "js/autocomplete_labels.js"]

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

    @admin.display(description="Now")
    def state(self, post):
        return publication_state(post)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cover":
            kwargs["widget"] = PlaceholderAutocomplete(
                db_field, self.admin_site, using=kwargs.get("using"), placeholder="No cover image"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "tags":  # existing tags, and new ones typed in the box (blog.admin_fields)
            kwargs["widget"] = TagsWidget(db_field, self.admin_site, using=kwargs.get("using"))
            kwargs["form_class"] = TagsField
            return db_field.formfield(**kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        save_new_tags(form.cleaned_data.get("tags"))
        super().save_related(request, form, formsets, change)

    def get_search_fields(self, request):
        # Choosing a post to pin searches titles only: every word typed must be in the title.
        if request.path.endswith("/autocomplete/") and request.GET.get("model_name") == PinnedPost._meta.model_name:
            return ["title"]
        return super().get_search_fields(request)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            kwargs["choices"] = [
                (Post.Status.DRAFT, "Draft (only you can see it)"),
                (Post.Status.PUBLISHED, "Publish (at the date below: now when empty, scheduled when later)"),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request.saved_post = obj  # message_user below says what the save did

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """After a save: "“Title” is saved. Scheduled for 24 December 2026, 09:00 (UTC): ..."."""
        post = getattr(request, "saved_post", None)
        if post is not None and level == messages.SUCCESS:
            del request.saved_post
            link = "View it on the site" if post.is_public else "Preview it"
            message = format_html(
                "“{}” is saved. {} <a href=\"{}\">{}</a>",
                post.title,
                publication_state(post),
                post.get_absolute_url(),
                link,
            )
        super().message_user(request, message, level, *args, **kwargs)

    @admin.display(description="Tags")
    def tag_list(self, post):
        return ", ".join(tag.name for tag in post.tags.all())

    @admin.display(description="Current cover")
    def cover_preview(self, post):
        from images.admin import thumbnail

        if post.cover is None:
            return "None yet: choose one above and save."
        return format_html('<span class="cover-preview">{}</span>', thumbnail(post.cover, width=240))

    @admin.action(description="Publish selected posts now (keeps a scheduled time)")
    def publish(self, request, queryset):
        count = 0
        with transaction.atomic():
            for post in queryset.select_for_update().filter(status=Post.Status.DRAFT):
                revisions.ensure_initial(post.pk)
                post.status = Post.Status.PUBLISHED
                post.published_at = post.published_at or timezone.now()
                post.save(update_fields=["status", "published_at", "updated_at"])
                revisions.record(post, request.user)
                count += 1
        self.message_user(request, f"Published {count} post(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected posts (back to draft)")
    def unpublish(self, request, queryset):
        count = 0
        with transaction.atomic():
            for post in queryset.select_for_update().filter(status=Post.Status.PUBLISHED):
                revisions.ensure_initial(post.pk)
                post.status = Post.Status.DRAFT
                post.save(update_fields=["status", "updated_at"])
                revisions.record(post, request.user)
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
