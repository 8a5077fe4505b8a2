"""The Writers group: everything a writer needs in the admin, nothing of running the site.

Writing and illustrating posts, pages, tags and themes, revisions, and moderating comments:
every permission of the blog, comments and images apps, except over other writers' author
profiles (each writer edits her own through "Your profile", which needs no permission), and
a view of the email subscribers (counts per list, CSV export: the subscriptions app). Only a
reader's own confirmation link adds a subscriber, so writers cannot add or change them.
Users, groups, sites and task results stay with superusers (blog.admin_site). A site's
owner makes someone a writer by giving them staff status and this group;
`seed_demo` does so for the demo author.
"""

from django.contrib.auth.models import Group, Permission

NAME = "Writers"
APPS = ("blog", "comments", "images")
VIEW_ONLY_APPS = ("subscriptions",)


def writers_group():
    """The group, created or brought up to date (new models' permissions added); idempotent."""
    group, _ = Group.objects.get_or_create(name=NAME)
    permissions = Permission.objects.filter(content_type__app_label__in=APPS).exclude(
        content_type__app_label="blog", content_type__model="authorprofile"
    )
    group.permissions.add(*permissions)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=VIEW_ONLY_APPS, codename__startswith="view_")
    )
    return group
