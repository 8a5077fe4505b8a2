"""Subscribers in the author's desk: counts per list and a CSV export, read-only.

Subscriptions are made only by a reader's own confirmation link (double opt-in), so nobody
adds or edits one here; a superuser may delete one (a reader's request by mail). Writers see
the lists through the Writers group's view permission (blog.writers).
"""

import csv

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from .models import Subscription


def list_counts():
    """[(list name, each-post count, weekly count, list key)] for active subscriptions: one query."""
    rows = (
        Subscription.objects.filter(active=True)
        .values("kind", "theme__name", "theme__slug", "tag__name", "tag__slug", "post__title", "post_id")
        .annotate(
            each=Count("pk", filter=Q(frequency=Subscription.Frequency.EACH)),
            weekly=Count("pk", filter=Q(frequency=Subscription.Frequency.WEEKLY)),
        )
        .order_by("kind", "theme__name", "tag__name", "post__title")
    )
    found = []
    for row in rows:
        kind = row["kind"]
        if kind == "blog":
            name, key = "The whole blog", "blog"
        elif kind == "theme":
            name, key = f"Theme: {row['theme__name']}", f"theme:{row['theme__slug']}"
        elif kind == "tag":
            name, key = f"Tag: {row['tag__name']}", f"tag:{row['tag__slug']}"
        else:
            name, key = f"Comments on: {row['post__title']}", f"post:{row['post_id']}"
        found.append({"name": name, "each": row["each"], "weekly": row["weekly"], "key": key})
    return found


def _cell(value):
    """No spreadsheet formula from a cell (an address may start with = or +)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _in_list(queryset, key):
    kind, _, value = key.partition(":")
    if kind == "blog":
        return queryset.filter(kind="blog")
    if kind in ("theme", "tag"):
        return queryset.filter(kind=kind, **{f"{kind}__slug": value})
    if kind == "post" and value.isdecimal() and len(value) < 19:
        return queryset.filter(kind="post", post_id=int(value))
    return queryset.none()


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "list_name", "frequency", "active", "confirmed_at"]
    list_filter = ["kind", "frequency", "active"]
    search_fields = ["subscriber__email"]
    list_select_related = ["subscriber", "theme", "tag", "post"]
    readonly_fields = [
        "subscriber",
        "kind",
        "theme",
        "tag",
        "post",
        "frequency",
        "active",
        "confirmed_at",
        "unsubscribed_at",
    ]
    actions = ["export_selected"]
    change_list_template = "admin/subscriptions/subscription/change_list.html"

    @admin.display(description="email", ordering="subscriber__email")
    def email(self, obj):
        return obj.subscriber.email

    @admin.display(description="list")
    def list_name(self, obj):
        return obj.list_name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export.csv", export, name="subscriptions_subscription_export"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        counts = list_counts()
        context = {
            "list_counts": counts,
            "total_addresses": Subscription.objects.filter(active=True).values("subscriber").distinct().count(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def export_view(self, request):
        if not self.has_view_permission(request):
            return HttpResponse("You may not see the subscribers.", status=403)
        rows = Subscription.objects.filter(active=True).select_related("subscriber", "theme", "tag", "post")
        key = request.GET.get("list", "")
        if key:
            rows = _in_list(rows, key[:220])
        return self._csv(rows.order_by("subscriber__email", "pk"), key or "all")

    @admin.action(description="Export the selected subscriptions (CSV)", permissions=["view"])
    def export_selected(self, request, queryset):
        return self._csv(queryset.select_related("subscriber", "theme", "tag", "post"), "selected")

    def _csv(self, rows, label):
        stamp = timezone.now().strftime("%Y-%m-%d")
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in label)[:60]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{safe}-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(["email", "list", "frequency", "active", "confirmed_at"])
        for row in rows.iterator(chunk_size=2000):
            writer.writerow(
                [
                    _cell(row.subscriber.email),
                    _cell(row.list_name),
                    row.frequency,
                    row.active,
                    row.confirmed_at.isoformat(),
                ]
            )
        return response
