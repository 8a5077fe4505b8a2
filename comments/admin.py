from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django_comments.models import CommentFlag
from django_comments_xtd.models import BlackListedDomain, XtdComment

from blog.admin import PostAdmin
from blog.models import Post

from . import moderation
from .models import ModeratedComment, Moderation, Reason, State


class StateFilter(admin.SimpleListFilter):
    """Opens on the held comments; "All" shows every state."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*State.choices, ("all", "All")]

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


@admin.register(ModeratedComment)
class ModerationQueueAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "post_title",
        "sender",
        "reason",
        "state",
        "age",
    ]
    list_display_links = ["excerpt"]
    list_filter = [StateFilter, ReasonFilter, PostFilter]
    search_fields = ["comment", "user_name", "user_email", "ip_address"]
    actions = ["approve", "mark_spam", "remove", "restore"]
    list_per_page = 100
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff and obj is None

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(Truncator(comment.comment).words(12, truncate="…")).chars(48)

    @admin.display(description="From", ordering="user_email")
    def sender(self, comment):
        return format_html("{}<br>{}<br>{}", comment.user_name, comment.user_email, comment.ip_address or "")

    @admin.display(description="Post")
    def post_title(self, comment):
        return getattr(comment.content_object, "title", "—")

    @admin.display(description="Reason")
    def reason(self, comment):
        row = getattr(comment, "moderation", None)  # None: made outside comments.moderation, not adopted yet
        return row.get_reason_display() if row else "—"

    @admin.display(description="State")
    def state(self, comment):
        row = getattr(comment, "moderation", None)
        return row.get_state_display() if row else "—"

    @admin.display(description="Age", ordering="submit_date")
    def age(self, comment):
        return timesince(comment.submit_date)

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


def held_count():
    return Moderation.objects.filter(state=State.HELD).count()


def with_held_counts(posts):
    """Posts annotated with `held`: their held comments, in one subquery."""
    held = (
        Moderation.objects.filter(
            state=State.HELD,
            comment__content_type=ContentType.objects.get_for_model(Post),
            comment__object_pk=Cast(OuterRef("pk"), output_field=XtdComment._meta.get_field("object_pk")),
        )
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return posts.annotate(held=Subquery(held, output_field=IntegerField()))


@admin.display(description="Held comments", ordering="held")
def held_comments(post):
    return post.held or 0


PostAdmin.add_column(held_comments, annotate=with_held_counts)

# Every change of state goes through comments.moderation: xtd's and django_comments' own
# comment admins (which edit is_public / is_removed directly) and flags are not offered.
for model in (XtdComment, CommentFlag, BlackListedDomain):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
admin.site.index_template = "admin/index_with_queue.html"
