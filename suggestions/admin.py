"""The suggestions in the author's desk: the editor's panel, its endpoint, and the gaps page.

    admin:suggestions_suggest  POST title, summary, body, tags (the form's values), post (pk,
                               optional) -> JSON {"posts": [...], "tags": [...]}: the unsaved
                               text's suggestions, as the live preview gets the unsaved body.
                               Nothing is saved: the panel's buttons only fill the form.
    admin:suggestions_postterms_changelist
                               posts with no Relevant Discussions and tags used once, with
                               suggestions beside each (the desk lists it as "Gaps").

The panel joins the post editor through PostAdmin.add_panel(); blog knows nothing of this app.
"""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from blog.admin import PostAdmin
from blog.admin_fields import is_new
from blog.models import Post

from . import gaps
from .engine import suggest
from .models import PostTerms

PANEL_TEMPLATE = "suggestions/panel.html"
GAPS_PER_PAGE = 10


def may_write(request):
    return request.user.has_perm("blog.add_post") or request.user.has_perm("blog.change_post")


def bad_request(message):
    return JsonResponse({"error": message}, status=400)


@require_POST
def suggest_view(request):
    if not may_write(request):
        raise PermissionDenied
    data = request.POST
    post_id, tag_ids = data.get("post") or None, []
    try:
        post_id = int(post_id) if post_id is not None else None
        tag_ids = [int(value) for value in data.getlist("tags") if value and not is_new(value)]
    except (ValueError, OverflowError):
        return bad_request("The post and tags must be given by their numbers.")
    if len(tag_ids) > 100 or any(not 0 < t < 2**63 for t in [*tag_ids, post_id or 1]):
        return bad_request("Too many tags, or a number out of range.")
    text = {field: data.get(field, "") for field in ("title", "summary", "body")}
    if len(text["body"]) > settings.BLOG_POST_MAX_LENGTH or len(text["title"]) + len(text["summary"]) > 10_000:
        return bad_request(f"The text is longer than a post can be ({settings.BLOG_POST_MAX_LENGTH} characters).")
    found = suggest(**text, tag_ids=tag_ids, post_id=post_id)
    return JsonResponse(
        {
            "posts": [
                {
                    "id": s.post.pk,
                    "title": s.post.title,
                    "url": s.post.get_absolute_url(),
                    "reason": s.reason,
                }
                for s in found.posts
            ],
            "tags": [
                {
                    "value": str(t.tag.pk) if t.tag else f"new:{t.name}",
                    "name": t.name,
                    "new": t.is_new,
                    "reason": t.reason,
                }
                for t in found.tags
            ],
        },
        headers={"Cache-Control": "no-store"},
    )


@admin.register(PostTerms)
class GapsAdmin(admin.ModelAdmin):
    """No list of index rows: the desk's "Gaps" entry opens the gaps page."""

    def get_model_perms(self, request):
        return {"view": may_write(request), "add": False, "change": False, "delete": False}

    def has_module_permission(self, request):
        return may_write(request)

    def has_view_permission(self, request, obj=None):
        return may_write(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            # Named as the model's list, which the desk's index links to: the gaps page is that list.
            path("", self.admin_site.admin_view(self.gaps_view), name="suggestions_postterms_changelist"),
            path("suggest/", self.admin_site.admin_view(suggest_view), name="suggestions_suggest"),
        ]

    def gaps_view(self, request):
        if not may_write(request):
            raise PermissionDenied
        posts_page = Paginator(gaps.lonely_posts(), GAPS_PER_PAGE).get_page(request.GET.get("page"))
        lonely = [
            {
                "post": post,
                "found": suggest(
                    title=post.title,
                    summary=post.summary,
                    body=post.body,
                    post_id=post.pk,
                    tag_ids=[t.pk for t in post.tags.all()],
                    limit=3,
                    tag_limit=3,
                ),
            }
            for post in posts_page
        ]
        tags_page = Paginator(gaps.single_use_tags(), GAPS_PER_PAGE * 2).get_page(request.GET.get("tags_page"))
        tag_posts = {
            row.tag_id: row.post
            for row in Post.tags.through.objects.filter(tag__in=list(tags_page)).select_related("post")
        }
        single = [
            {
                "tag": tag,
                "post": tag_posts.get(tag.pk),
                "could": gaps.posts_that_say(tag, exclude=[tag_posts[tag.pk].pk] if tag.pk in tag_posts else []),
            }
            for tag in tags_page
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Gaps in the Relevant Discussions",
            "opts": self.model._meta,
            "lonely": lonely,
            "posts_page": posts_page,
            "single": single,
            "tags_page": tags_page,
            "change_url": reverse("admin:blog_post_changelist"),
        }
        return TemplateResponse(request, "suggestions/gaps.html", context)


PostAdmin.add_panel(PANEL_TEMPLATE)
