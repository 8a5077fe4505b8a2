import math
import re

from anyascii import anyascii
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify

from .markup import Format, MarkupRejected, MarkupTooLong, render, render_markdown

WORDS_PER_MINUTE = 220


def unique_slug(instance, value, *, max_length=200):
    """A slug for `value` that no other row of the instance's model uses ("title", "title-2", ...)."""
    # Transliterated first: "Привет, мир" -> "privet-mir" (slugify alone would keep nothing of it).
    base = slugify(anyascii(value or ""))[: max_length - 8].strip("-") or type(instance).__name__.lower()
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def check_markdown(field, text, format=Format.MARKDOWN):
    """A form error on `field` when `text` (Markdown, or HTML) cannot be rendered (too long, or refused)."""
    try:
        render(text, format, profile="post")
    except (MarkupTooLong, MarkupRejected) as error:
        raise ValidationError({field: str(error)}) from None


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
        """What list pages show: theme, cover, author (for the byline) and tags in a fixed number of
        queries, no bodies."""
        return (
            self.select_related("theme", "cover", "author__author_profile")
            .prefetch_related("tags")
            .defer("body", "body_html", "author__author_profile__bio", "author__author_profile__bio_html")
        )


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
    body_format = models.CharField(
        "format",
        max_length=10,
        choices=Format.CHOICES,
        default=Format.MARKDOWN,
        editable=False,
        help_text="What the body is written in: Markdown, or HTML for imported posts (kept as HTML when edited).",
    )
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
    cover = models.ForeignKey(
        "images.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="cover image",
        help_text="Shown above the post, small in lists, and when the post is shared (og:image).",
    )
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
        check_markdown("body", self.body, self.body_format)

    def render(self):
        """Fill the derived fields from body and summary (the only writer of body_html)."""
        # Our uploads in the body get srcset, sizes, width and height: one query, here, at save.
        from images.rendering import attributes_for

        self.body_html = render(self.body, self.body_format, profile="post", images=attributes_for)
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
        PAGE = "page", "Page"

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
    page = models.ForeignKey(
        "Page", null=True, blank=True, on_delete=models.CASCADE, related_name="legacy_links", help_text="Kind page."
    )
    comment_id = models.PositiveIntegerField(null=True, blank=True, help_text="The imported XtdComment's id.")
    old_path = models.CharField(max_length=500, blank=True, help_text="The post's (or page's) path on the old blog.")
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


def author_name(user):
    """How a byline names `user`: the profile's display name, else the full name, else the username.

    Reads `user.author_profile` only when it is cached (select_related or prefetched), so a
    list of bylines never costs a query per post.
    """
    if user is None:
        return ""
    if type(user).author_profile.is_cached(user):  # joined (or known to be missing): no query
        profile = getattr(user, "author_profile", None)
        if profile is not None and profile.display_name:
            return profile.display_name
    return user.get_full_name() or user.get_username()


class AuthorProfile(models.Model):
    """What the author page says about a writer (/authors/<username>/): a name and a bio.

    Each writer edits her own in the admin ("Your profile"), without superuser rights.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile")
    display_name = models.CharField(
        max_length=100, blank=True, help_text="The name on bylines and the author page. Empty: your full name."
    )
    bio = models.TextField(blank=True, help_text="Markdown. Shown on your author page, above your posts.")
    bio_html = models.TextField(blank=True, editable=False, help_text="Rendered from the bio on save.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "author profile"

    def __str__(self):
        return author_name(self.user)

    def save(self, *args, **kwargs):
        self.bio_html = render_markdown(self.bio, profile="post")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "bio" in update_fields:
            kwargs["update_fields"] = {*update_fields, "bio_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:author_detail", args=[self.user.get_username()])

    def clean(self):
        check_markdown("bio", self.bio)


def reserved_path_segments():
    """The first path segments the site's own routes use ("admin", "tags", "sitemap.xml", ...).

    Read from the URLconf, so a route added later is reserved too, plus the static and
    media prefixes. A page whose slug is one of these would be shadowed (or would shadow).
    """
    from django.urls import URLResolver, get_resolver

    segments = {"static", "media"}

    def walk(patterns):
        for pattern in patterns:
            text = str(pattern.pattern).lstrip("^")
            first = re.split(r"[/<\\(\[$]", text, maxsplit=1)[0]
            if first:
                segments.add(first.lower())
            elif not text and isinstance(pattern, URLResolver):  # include("blog.urls") at the root
                walk(pattern.url_patterns)

    walk(get_resolver().url_patterns)
    for prefix in (settings.STATIC_URL, settings.MEDIA_URL):
        if prefix and "://" not in prefix:
            segments.add(prefix.strip("/").split("/")[0].lower())
    return segments


def validate_page_slug(value):
    if value.lower() in reserved_path_segments():
        raise ValidationError(
            "“/%(slug)s/” is an address the blog itself uses; choose another slug for this page.",
            code="reserved",
            params={"slug": value},
        )


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Page.Status.PUBLISHED)

    def visible_to(self, user):
        """Everything for staff (drafts are previewed at their URL); published pages otherwise."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()

    def in_menu(self):
        return self.published().filter(in_menu=True).order_by("menu_order", "title", "pk")


class Page(models.Model):
    """A standalone page (About, Contact) at /<slug>/, outside the stream of posts."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        validators=[validate_page_slug],
        help_text="The page's address: /slug/. Filled from the title.",
    )
    body = models.TextField(help_text="Markdown. Headings start at ## (the title is the page's heading).")
    body_format = models.CharField(
        "format",
        max_length=10,
        choices=Format.CHOICES,
        default=Format.MARKDOWN,
        editable=False,
        help_text="What the body is written in: Markdown, or HTML for imported pages (kept as HTML when edited).",
    )
    body_html = models.TextField(blank=True, editable=False, help_text="Rendered from the body on save.")
    excerpt = models.TextField(blank=True, editable=False, help_text="The body's first words: the description.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    in_menu = models.BooleanField(default=False, help_text="Listed in the menu on every page (when published).")
    menu_order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first in the menu.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["menu_order", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title, max_length=100)
        self.render()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "excerpt"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:page_detail", args=[self.slug])

    def clean(self):
        check_markdown("body", self.body, self.body_format)

    def render(self):
        """Fill body_html and excerpt from the body (the only writer of body_html)."""
        self.body_html = render(self.body, self.body_format, profile="post")
        self.excerpt = Truncator(strip_tags(self.body_html)).words(30, truncate="…")

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED


from .revisions.models import Autosave, Revision  # noqa: E402, F401  (registered with the blog app)
