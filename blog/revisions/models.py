"""Revision and Autosave (see blog.revisions). Imported by blog.models, so they belong to the blog app."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Revision(models.Model):
    """A snapshot of what the author edits in one post, numbered 1, 2, ... per post.

    Made by the admin (every save that changes something, the publish/unpublish actions,
    a restore); posts created elsewhere (importers, seed_demo) get theirs the first time
    the admin changes them: #1 is then the state before that change ("initial").
    Derived fields (body_html, excerpt) are not kept: a restore renders them again.
    """

    class Kind(models.TextChoices):
        INITIAL = "initial", "As found"
        SAVED = "saved", "Saved"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        RESTORED = "restored", "Restored"

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SAVED)
    note = models.CharField(max_length=200, blank=True, help_text='What happened, e.g. "Restored from #3".')
    who = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="When this state was saved.")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, db_index=False)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True, help_text="Tag names, in name order.")
    theme = models.ForeignKey("blog.Theme", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    theme_name = models.CharField(max_length=100, blank=True, help_text="Shown if the theme is deleted later.")
    status = models.CharField(max_length=10)
    published_at = models.DateTimeField(null=True, blank=True)
    allow_comments = models.BooleanField(default=True)

    # The fields a snapshot compares and a restore copies back (tags and theme by hand).
    COPIED = ["title", "slug", "summary", "body", "status", "published_at", "allow_comments"]

    class Meta:
        ordering = ["post", "-number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="blog_revision_number_unique")]

    def __str__(self):
        return f"#{self.number} of {self.post_id}"

    def status_label(self):
        """ "Draft", "Published" or "Scheduled for 3 Dec 2026, 09:00" (as it was when saved)."""
        from django.utils import formats

        if self.status == "published" and self.published_at and self.published_at > self.created_at:
            when = formats.date_format(timezone.localtime(self.published_at), "j M Y, H:i")
            return f"Scheduled for {when}"
        return self.get_status_display()

    def get_status_display(self):
        return {"draft": "Draft", "published": "Published"}.get(self.status, self.status)

    def state(self):
        """What `records.snapshot(post)` returns for a post in this state (to compare them)."""
        return {
            **{name: getattr(self, name) for name in self.COPIED},
            "tags": list(self.tags),
            "theme_id": self.theme_id,
        }


class Autosave(models.Model):
    """The author's unsaved form, kept while they type: one per (post, user), or (no post, user)
    for the add form. Never changes the post; offered back on the form when newer than the
    post's last save, removed when the author saves or discards it."""

    post = models.ForeignKey("blog.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, help_text="The form's fields as sent (strings; tags a list).")
    base_revision = models.PositiveIntegerField(default=0, help_text="The revision the form was loaded from.")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="blog_autosave_post_user_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(post__isnull=True), name="blog_autosave_new_post_user_unique"
            ),
        ]

    def __str__(self):
        return f"Autosave of {self.post_id or 'a new post'} by {self.user_id}"
