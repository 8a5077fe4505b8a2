"""Who asked for which mail, and what was sent to whom.

A `Subscriber` is one email address (stored lower-cased). Its `Subscription`s are the lists
it confirmed: the whole blog, one theme, one tag (each post, or a weekly digest), or one
post's discussion ("Email me new comments on this post", without commenting). Nothing is
stored before the address confirms: the confirmation link carries the request in its
signed payload (subscriptions.tokens), so an unconfirmed request leaves no row behind.

A `Delivery` is one mail to one address about one `item` ("post:12", "digest:2026-11-30",
"comment:345"), unique per (subscriber, item): it is claimed *before* the mail is sent, so
a retried or doubled task never sends the same mail twice (subscriptions.sending).
"""

from django.db import models
from django.db.models import Q

from blog.models import Post, Tag, Theme


class Subscriber(models.Model):
    email = models.EmailField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.email


class Subscription(models.Model):
    class Kind(models.TextChoices):
        BLOG = "blog", "The whole blog"
        THEME = "theme", "A theme"
        TAG = "tag", "A tag"
        POST = "post", "A post's comments"

    class Frequency(models.TextChoices):
        EACH = "each", "Each new post"
        WEEKLY = "weekly", "Weekly digest"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.EACH)
    active = models.BooleanField(
        default=True, help_text="Off once unsubscribed (kept so a re-subscription is one row)."
    )
    confirmed_at = models.DateTimeField()
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One row per address and list (partial: the target columns are NULL for other kinds).
            models.UniqueConstraint(fields=["subscriber"], condition=Q(kind="blog"), name="subscriptions_one_blog"),
            models.UniqueConstraint(
                fields=["subscriber", "theme"], condition=Q(kind="theme"), name="subscriptions_one_theme"
            ),
            models.UniqueConstraint(
                fields=["subscriber", "tag"], condition=Q(kind="tag"), name="subscriptions_one_tag"
            ),
            models.UniqueConstraint(
                fields=["subscriber", "post"], condition=Q(kind="post"), name="subscriptions_one_post"
            ),
            models.CheckConstraint(
                name="subscriptions_target_matches_kind",
                condition=Q(kind="blog", theme=None, tag=None, post=None)
                | Q(kind="theme", theme__isnull=False, tag=None, post=None)
                | Q(kind="tag", tag__isnull=False, theme=None, post=None)
                | Q(kind="post", post__isnull=False, theme=None, tag=None),
            ),
        ]
        indexes = [models.Index(fields=["kind", "active", "frequency"], name="subscriptions_list_idx")]

    def __str__(self):
        return f"{self.subscriber}: {self.list_name}"

    @property
    def target(self):
        return {self.Kind.THEME: self.theme, self.Kind.TAG: self.tag, self.Kind.POST: self.post}.get(self.kind)

    @property
    def list_name(self):
        if self.kind == self.Kind.BLOG:
            return "every new post"
        if self.kind == self.Kind.THEME:
            return f"new posts on {self.theme.name}"
        if self.kind == self.Kind.TAG:
            return f"new posts tagged “{self.tag.name}”"
        return f"new comments on “{self.post.title}”"


class Delivery(models.Model):
    class Status(models.TextChoices):
        SENDING = "sending", "Sending (claimed; if it stays, the worker stopped mid-send: never sent again)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (the mail server refused it: retried)"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    item = models.CharField(max_length=40, help_text="What the mail was about: post:<id>, digest:<week>, comment:<id>.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENDING)
    attempt = models.CharField(max_length=32, help_text="The sending run that claimed it.")
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["item", "subscriber"], name="subscriptions_one_mail_per_item")]
        indexes = [models.Index(fields=["item", "attempt"], name="subscriptions_delivery_run_idx")]

    def __str__(self):
        return f"{self.item} to {self.subscriber_id}: {self.status}"


class Announcement(models.Model):
    """A post that went live and is (being) mailed to its subscribers: sent once, found by the sweep."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, primary_key=True, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.post_id}: {self.sent} sent"


class DigestRun(models.Model):
    """One weekly digest (the week starting `week`, a Monday); created once, when it is scheduled."""

    week = models.DateField(primary_key=True)
    scheduled_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"week of {self.week}"
