import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from blog.models import PinnedPost, Post, Tag, Theme


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.LazyAttribute(lambda t: t.name.lower().replace(" ", "-"))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.LazyAttribute(lambda t: t.name.lower().replace(" ", "-"))


class PostFactory(factory.django.DjangoModelFactory):
    """A published post, public since an hour ago. Pass tags=[...] to tag it."""

    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Post number {n}")
    author = factory.SubFactory(UserFactory, username="author")
    theme = factory.SubFactory(ThemeFactory)
    body = "Some **career** advice.\n\n## A section\n\nMore text."
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class DraftFactory(PostFactory):
    status = Post.Status.DRAFT
    published_at = None


class ScheduledFactory(PostFactory):
    published_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))


def pin(post, target, position=0):
    return PinnedPost.objects.create(post=post, target=target, position=position)


def bulk_posts(count, *, theme, author, tags_for=None, title="Bulk post {n}"):
    """Create `count` public posts fast (bulk_create; bodies pre-rendered), for size tests.

    tags_for(n) returns the tags of the n-th post.
    """
    body = "Plain *bulk* text."
    body_html = "<p>Plain <em>bulk</em> text.</p>"
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(
            title=title.format(n=n),
            slug=f"bulk-{n}",
            author=author,
            theme=theme,
            body=body,
            body_html=body_html,
            excerpt="Plain bulk text.",
            word_count=3,
            status=Post.Status.PUBLISHED,
            published_at=now - datetime.timedelta(hours=n + 2),
        )
        for n in range(count)
    )
    if tags_for:
        Through = Post.tags.through
        Through.objects.bulk_create(
            Through(post_id=post.pk, tag_id=tag.pk) for n, post in enumerate(posts) for tag in tags_for(n)
        )
    return posts


def bulk_thread(post, count, *, replies_per_root=0):
    """`count` published top-level comments on `post`, each with `replies_per_root` replies.

    Fast: XtdComment inherits django_comments' Comment through a second table, which
    bulk_create cannot fill, so the base rows are bulk-created and the xtd rows inserted
    with one executemany. Returns (roots, replies) as base Comment objects.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django_comments.models import Comment
    from django_comments_xtd.models import XtdComment

    from comments.models import Moderation, Reason, State

    ct = ContentType.objects.get_for_model(post)
    now = timezone.now()

    def base(n, name, text, minutes):
        return Comment(
            content_type=ct,
            object_pk=str(post.pk),
            site_id=1,
            user_name=name,
            user_email=f"{name.lower()}{n}@example.com",
            comment=text,
            submit_date=now - datetime.timedelta(minutes=minutes),
            is_public=True,
        )

    roots = Comment.objects.bulk_create(base(n, "Reader", f"Comment number {n}", 2 * (count - n)) for n in range(count))
    replies = Comment.objects.bulk_create(
        base(k, "Replier", f"Reply {k} to {root.pk}", 2 * (count - i) - 1)
        for i, root in enumerate(roots)
        for k in range(replies_per_root)
    )
    rows = [(root.pk, root.pk, root.pk, 0, 1, False, replies_per_root) for root in roots]
    for i, reply in enumerate(replies):
        root = roots[i // replies_per_root]
        rows.append((reply.pk, root.pk, root.pk, 1, i % replies_per_root + 2, False, 0))
    table = connection.ops.quote_name(XtdComment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} "
            '(comment_ptr_id, thread_id, parent_id, level, "order", followup, nested_count) '
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    Moderation.objects.bulk_create(
        Moderation(comment_id=c.pk, state=State.PUBLISHED, reason=Reason.SEEDED, body_html=f"<p>{c.comment}</p>")
        for c in [*roots, *replies]
    )
    return roots, replies
