"""The admin as the author's desk: named after the blog, and only what a writer needs.

`AuthorsDeskSite` is the project's default admin site (settings.INSTALLED_APPS names
`BlogAdminConfig` instead of django.contrib.admin), so `admin.site` and `@admin.register`
everywhere (comments/admin.py included) use it unchanged.

Models that are about running the site, not writing for it (users, groups, sites, background
task results), are for superusers only: a staff writer does not see them on the index or in
the sidebar, and gets 403 on their pages even when someone granted her their permissions.
Superusers see everything, as before.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

SUPERUSER_ONLY = frozenset({"auth.user", "auth.group", "sites.site", "django_tasks_database.dbtaskresult"})


class SuperuserOnlyMixin:
    """Mixed into the ModelAdmin of each SUPERUSER_ONLY model when it is registered."""

    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class AuthorsDeskSite(admin.AdminSite):
    site_url = "/"  # "View site": the blog's home page
    index_title = "Author's desk"
    # The sidebar repeats the index beside every list and took half of the post list's width at
    # 1280 px (its columns scrolled out of sight); the breadcrumbs lead back to the index.
    enable_nav_sidebar = False

    @property
    def site_header(self):
        return f"{settings.BLOG_TITLE} — Author's desk"

    @property
    def site_title(self):  # the end of every admin page's <title>: "Posts | Career Conversations"
        return settings.BLOG_TITLE

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if not request.user.has_perm("blog.change_authorprofile"):  # a writer sees only her own
            for app in app_list:
                for model in app["models"]:
                    if model["model"]._meta.label_lower == "blog.authorprofile":
                        model["name"] = "Your profile"
        return app_list

    def register(self, model_or_iterable, admin_class=None, **options):
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        for model in models:
            cls = admin_class or admin.ModelAdmin
            if model._meta.label_lower in SUPERUSER_ONLY and not issubclass(cls, SuperuserOnlyMixin):
                cls = type(f"SuperuserOnly{cls.__name__}", (SuperuserOnlyMixin, cls), {"__module__": cls.__module__})
            super().register(model, cls, **options)


class BlogAdminConfig(AdminConfig):
    default_site = "blog.admin_site.AuthorsDeskSite"
