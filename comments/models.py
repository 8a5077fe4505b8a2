"""What django-comments-xtd lacks, kept beside its comment (one-to-one), never in a fork."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_comments_xtd.models import XtdComment


class State(models.TextChoices):
    PUBLISHED = "published", "Published"
    HELD = "held", "Held for review"
    SPAM = "spam", "Spam"
    REMOVED = "removed", "Removed"


class Reason(models.TextChoices):
    TRUSTED = "trusted", "Post author or staff"
    CLEAN = "clean", "Passed every rule"
    LINKS = "links", "Too many links"
    MODERATION_WORD = "moderation_word", "Moderation word"
    SPAM_WORD = "spam_word", "Spam word"
    FIRST_COMMENT = "first_comment", "First comment from this email"
    REPORTED = "reported", "Reported by readers"
    MODERATOR = "moderator", "Decided by a moderator"
    SEEDED = "seeded", "Demo or imported content"
    ADOPTED = "adopted", "Made before moderation (django-comments-xtd)"
    WRITER = "writer", "Deleted by its writer"
    SCORE = "score", "Spam score (learned)"
    PRIVACY = "privacy", "Personal details (privacy)"
    NEW_WEBSITE = "new_website", "A website this commenter never gave before"
    FAST = "fast", "Sent seconds after the page was drawn"


class Moderation(models.Model):
    """A comment's moderation state, the rule that decided it, and its rendered HTML.

    xtd's own flags follow the state (comments.moderation.FLAGS: public only when
    published; spam and removed are both "removed" to xtd). comments.moderation is the only
    code that writes comments, their flags and these rows; a comment made elsewhere gets
    its row from comments.moderation.adopt().
    """

    comment = models.OneToOneField(XtdComment, on_delete=models.CASCADE, primary_key=True, related_name="moderation")
    state = models.CharField(max_length=12, choices=State.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    body_html = models.TextField(blank=True, help_text="Rendered once from the comment's Markdown.")
    report_count = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True, help_text="Why, in words (the spam score's reasons, the privacy guard's).")
    trained = models.CharField(
        max_length=4, blank=True, help_text="What the spam filter learned it as from a decision: spam, ham, or nothing."
    )
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="When its writer last changed the text (shown as “edited”)."
    )
    announced = models.BooleanField(
        default=False,
        help_text="Its thread's followers have been told of it (once: publishing again after a "
        "removal or a report tells nobody twice).",
    )

    class Meta:
        indexes = [models.Index(fields=["state", "decided_at"], name="comments_mod_state_idx")]

    def __str__(self):
        return f"{self.comment_id}: {self.get_state_display()} ({self.get_reason_display()})"


class ModerationEvent(models.Model):
    """One step of a comment's moderation history: how it was first decided, then each change.

    Written by comments.moderation beside the Moderation row (which keeps only the latest),
    so the queue can say "held: too many links; approved by Dana on 2 Dec".
    """

    comment = models.ForeignKey(XtdComment, on_delete=models.CASCADE, related_name="moderation_events")
    state = models.CharField(max_length=12, choices=State.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["comment", "decided_at"], name="comments_event_comment_idx")]

    def __str__(self):
        return f"{self.comment_id}: {self.get_state_display()} ({self.get_reason_display()})"


class Report(models.Model):
    """A reader's report of a comment; one per reader (by session or address) and comment."""

    class Why(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or hateful"
        OFF_TOPIC = "off_topic", "Off-topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(XtdComment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.CharField(max_length=64, help_text="A hash of the reader's network (a /24, or an IPv6 /64).")
    session = models.CharField(
        max_length=64, blank=True, default="", help_text="A hash of the reader's session or account, when they had one."
    )
    why = models.CharField(max_length=12, choices=Why.choices, default=Why.OTHER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="comments_report_once")]
        indexes = [models.Index(fields=["comment", "session"], name="comments_report_session_idx")]

    def __str__(self):
        return f"Report of comment {self.comment_id}"


class ModeratedComment(XtdComment):
    """Comments as the admin's moderation queue shows them, in every state (a proxy: xtd's
    table). The queue opens on the held ones."""

    class Meta:
        proxy = True
        verbose_name = "comment"
        verbose_name_plural = "moderation queue"


class XtdThreadRow(models.Model):
    """xtd's own table of a comment (its thread data), for bulk inserts only.

    XtdComment inherits django_comments' Comment through a second table, and bulk_create
    refuses multi-table models: comments.moderation.seed_many creates the base rows with
    Comment, then these. Not managed: the table is xtd's.
    """

    comment_ptr_id = models.IntegerField(primary_key=True)
    thread_id = models.IntegerField()
    parent_id = models.IntegerField()
    level = models.SmallIntegerField()
    order = models.IntegerField()
    followup = models.BooleanField(default=False)
    nested_count = models.IntegerField(default=0)

    class Meta:
        managed = False
        db_table = XtdComment._meta.db_table

    def __str__(self):
        return f"thread data of comment {self.comment_ptr_id}"


class SpamToken(models.Model):
    """What comments.spam has learned of one hashed token: weighted documents per class.

    The row with bucket 0 counts documents instead of a token. `marked`: how many of the
    author's spam decisions contained it (for reasons such as "a domain you marked spam").
    """

    bucket = models.BigIntegerField(primary_key=True)
    spam = models.FloatField(default=0)
    ham = models.FloatField(default=0)
    marked = models.IntegerField(default=0)
    marked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"token {self.bucket}: spam {self.spam:g}, ham {self.ham:g}"
