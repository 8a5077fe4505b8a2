import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify

from .markup import MarkupRejected, MarkupTooLong, render_markdown

WORDS_PER_MINUTE = 220


def unique_slug(instance, value, *, max_length=200):
    """A slug for `value` that no other row of the instance's model uses ("title", "title-2", ...)."""
    base = slugify(value)[: max_length - 8].strip("-") or type(instance).__name__.lower()
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class Theme(models.Model):
    """A curated subject area ("Job Search", "Networking"). Every post has one."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="Shown on the theme page and in its feed.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:theme_detail", args=[self.slug])


class Tag(models.Model):
    name = models.CharField(max_length=60, help_text="Unique, ignoring case.")
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="blog_tag_name_ci_unique",
                violation_error_message="A tag with this name already exists.",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, max_length=60)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:tag_detail", args=[self.slug])


def public_posts(prefix=""):
    """The only definition of "public": published, and its time has come.

    A Q object; `prefix` for a relation ("posts__" from a Tag). `PostQuerySet.published()`
    is the same filter on posts; raw SQL compiles that queryset's condition (blog.selectors).
    """
    return models.Q(**{f"{prefix}status": Post.Status.PUBLISHED, f"{prefix}published_at__lte": timezone.now()})


class PostQuerySet(models.QuerySet):
    def published(self):
        """Public posts (public_posts())."""
        return self.filter(public_posts())

    def scheduled(self):
        """Published posts whose time has not come yet: public later, by themselves."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__gt=timezone.now())

    def visible_to(self, user):
        """Everything for staff (drafts are previewed at their URL); the public rest."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def for_lists(self):
        """What list pages show: theme and tags in a fixed number of queries, no bodies."""
        return self.select_related("theme").prefetch_related("tags").defer("body", "body_html")


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The last part of the post's URL. Filled from the title."
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="posts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    summary = models.TextField(
        blank=True,
        max_length=500,
        help_text="Plain text, optional. Shown in lists and as the page's description; "
        "without it the first words of the post are used.",
    )
    body = models.TextField(help_text="Markdown. Headings start at ## (the title is the page's heading).")
    body_html = models.TextField(blank=True, editable=False, help_text="Rendered from the body on save.")
    excerpt = models.TextField(blank=True, editable=False, help_text="The summary, or the body's first words.")
    word_count = models.PositiveIntegerField(default=0, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A future time schedules the post: it goes live by itself then. Empty when publishing means now.",
    )
    allow_comments = models.BooleanField(default=True)
    pinned = models.ManyToManyField(
        "self",
        through="PinnedPost",
        through_fields=("post", "target"),
        symmetrical=False,
        related_name="pinned_by",
        blank=True,
        help_text="Posts shown first under Relevant Discussions, in this order.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="blog_post_status_pub_idx"),
            # Theme pages and their counts: one theme's public posts, newest first.
            models.Index(fields=["theme", "status", "published_at"], name="blog_post_theme_pub_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.render()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "excerpt", "word_count"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        date = self.url_date
        return reverse("blog:post_detail", kwargs={"year": date.year, "month": f"{date.month:02d}", "slug": self.slug})

    def clean(self):
        try:
            render_markdown(self.body, profile="post")
        except (MarkupTooLong, MarkupRejected) as error:
            raise ValidationError({"body": str(error)}) from None

    def render(self):
        """Fill the derived fields from body and summary (the only writer of body_html)."""
        self.body_html = render_markdown(self.body, profile="post")
        text = strip_tags(self.body_html)
        self.word_count = len(text.split())
        self.excerpt = self.summary.strip() or Truncator(text).words(45, truncate="…")

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at and self.published_at > timezone.now()

    @property
    def reading_minutes(self):
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    @property
    def url_date(self):
        return timezone.localtime(self.published_at or self.created_at or timezone.now())

    def relevant_discussions(self, limit=None):
        from .selectors import relevant_discussions

        return relevant_discussions(self, limit=limit)


class PinnedPost(models.Model):
    """An author-chosen entry in a post's Relevant Discussions, in `position` order."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="pins")
    target = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+", verbose_name="pinned post")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "pinned discussion"
        constraints = [
            models.UniqueConstraint(fields=["post", "target"], name="blog_pin_unique"),
            models.CheckConstraint(
                condition=~models.Q(post=models.F("target")),
                name="blog_pin_not_self",
                violation_error_message="A post cannot pin itself.",
            ),
        ]

    def __str__(self):
        return f"{self.post} → {self.target}"


class LegacyLink(models.Model):
    """Where an imported post or comment came from (content.importers), and its old address.

    Keeps imports idempotent (a second run finds its rows by (source, site, kind, source_id)
    and updates them) and answers the old URLs with redirects (blog.legacy). Ids are only
    unique within one old site, hence `site`; "" is a row imported before sites were
    recorded (content.importers.common adopts it on the next run of the same export).
    Comments are linked by id only: the blog app does not depend on the comments app.
    """

    class Source(models.TextChoices):
        BLOGGER = "blogger", "Blogger"
        WORDPRESS = "wordpress", "WordPress"
        DEMO = "demo", "Demo content"

    class Kind(models.TextChoices):
        POST = "post", "Post"
        COMMENT = "comment", "Comment"

    source = models.CharField(max_length=12, choices=Source.choices)
    site = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="The old site the id belongs to (a WordPress address, a Blogger blog id); "
        '"": imported before sites were recorded.',
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.CharField(max_length=255, help_text="The entry's id in the export.")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="legacy_links")
    comment_id = models.PositiveIntegerField(null=True, blank=True, help_text="The imported XtdComment's id.")
    old_path = models.CharField(max_length=500, blank=True, help_text="The post's path on the old blog.")
    checksum = models.CharField(max_length=64, blank=True, help_text="Of the imported data: unchanged reruns skip.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "site", "kind", "source_id"], name="blog_legacylink_site_unique"),
        ]
        indexes = [models.Index(fields=["source", "old_path"], name="blog_legacylink_path_idx")]

    def __str__(self):
        return f"{self.source} {self.kind} {self.source_id}"
