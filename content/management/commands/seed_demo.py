"""`python manage.py seed_demo`: a small career-advice demo blog, safe to run again.

The content is data: content/demo/index.toml (themes, tags, posts, pins, comments, the
author's profile, standalone pages) and one Markdown file per post in content/demo/posts/
(and per page in content/demo/pages/, the bio in content/demo/author-bio.md). content.importers.demo reads it into the
importers' structures and content.importers.common.run_import() writes it, as an import
(blog.models.LegacyLink, source "demo"; comments through comments.moderation), mirrored:

- A second run creates nothing and changes nothing: a post is only saved when it differs
  from its files (its `updated_at` stays put otherwise), and a post edited in the admin
  is brought back to them. The dates are fixed, not relative to "now", and a post's
  updated_at is its written date (index.toml), not the moment it was seeded.
- Existing comments keep their state (a moderator may have decided since); only a change
  of the data itself (author, date, text) is carried over to them, as for imports.
- Posts and comments written before the demo kept links are found by slug, and by post,
  email and text (as the old seed_demo keyed them), and linked: nothing is duplicated.

The demo author has a well-known password: this is for local development only.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from blog import site
from blog.models import AuthorProfile, LegacyLink, Page, Post
from blog.writers import writers_group
from content.importers import demo
from content.importers.common import ImportFailed, run_import

DEMO_USERNAME = "author"
DEMO_PASSWORD = "demo-author-password"  # noqa: S105 - a documented demo-only credential
DEMO_USER = {
    "first_name": "Dana",
    "last_name": "Reyes",
    "email": "author@example.com",
    "is_staff": True,  # a writer (blog.writers), not a superuser: the admin shows her what she writes with
}
KINDS = ("users", "profiles", "themes", "tags", "posts", "pins", "comments", "pages")


def _sync(obj, values):
    """Set `values` on `obj` and save it only if one of them differs (its updated_at stays put otherwise)."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return bool(changed)


class Command(BaseCommand):
    help = (
        "Create a small career-advice demo blog (author, themes, tags, posts, pins, comments) from "
        "content/demo/. Safe to run again: existing rows are matched and only updated when they "
        "differ. The demo author's password is public: use this for development only."
    )

    def handle(self, *args, **options):
        try:
            parsed = demo.parse()
            extras = demo.parse_site()
        except ImportFailed as error:
            raise CommandError(str(error)) from None
        with transaction.atomic():
            author, created = self.seed_author()
            try:
                summary = run_import(parsed, source=LegacyLink.Source.DEMO, author=author, theme=None, mirror=True)
            except ImportFailed as error:
                raise CommandError(str(error)) from None
            if summary.notes:  # a demo post refused (too long, say): a mistake in content/demo/
                raise CommandError("; ".join(f"{kind[:-1]} {label}: {reason}" for kind, label, reason in summary.notes))
            self.seed_extras(extras, author, summary)
            self.keep_written_dates(demo.written_dates())
        summary.count("users", "created" if created else "unchanged")

        for kind in KINDS:
            unchanged = summary.get(kind, "existing" if kind == "tags" else "unchanged")
            created, updated = summary.get(kind, "created"), summary.get(kind, "updated")
            self.stdout.write(f"{kind:>7}: {created} created, {updated} updated, {unchanged} unchanged")
        self.stdout.write(
            self.style.SUCCESS(
                f"Log in at {site.absolute(reverse('admin:index'))} as {DEMO_USERNAME} / {DEMO_PASSWORD} "
                "(a demo password, set only when the user is first created: never use it in production)."
            )
        )

    def seed_extras(self, extras, author, summary):
        """The author's profile and the standalone pages, saved only where they differ from the files."""
        profile, created = AuthorProfile.objects.get_or_create(
            user=author, defaults={"display_name": extras.display_name, "bio": extras.bio}
        )
        changed = not created and _sync(profile, {"display_name": extras.display_name, "bio": extras.bio})
        summary.count("profiles", "created" if created else "updated" if changed else "unchanged")
        for data in extras.pages:
            values = {
                "title": data.title,
                "body": data.body,
                "status": data.status,
                "in_menu": data.in_menu,
                "menu_order": data.menu_order,
            }
            page, created = Page.objects.get_or_create(slug=data.slug, defaults=values)
            changed = not created and _sync(page, values)
            summary.count("pages", "created" if created else "updated" if changed else "unchanged")

    def keep_written_dates(self, dates):
        """Demo posts' updated_at as written in the index (not the moment of seeding).

        Run after the import, which saves (auto_now) a post it creates or brings back to its
        files; only posts whose date differs are written, so a second run writes nothing.
        """
        links = LegacyLink.objects.filter(
            source=LegacyLink.Source.DEMO, kind=LegacyLink.Kind.POST, source_id__in=dates
        ).select_related("post")
        changed = []
        for link in links:
            post, written = link.post, dates[link.source_id]
            if post is not None and post.updated_at != written:
                post.updated_at = written
                changed.append(post)
        Post.objects.bulk_update(changed, ["updated_at"])  # bulk: no save(), so auto_now keeps out

    def seed_author(self):
        """The demo author: (user, created). An existing account keeps its password and permissions."""
        user, created = get_user_model().objects.get_or_create(username=DEMO_USERNAME, defaults=DEMO_USER)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(writers_group())
        return user, created
