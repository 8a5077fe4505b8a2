import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from blog.models import AuthorProfile, Page, PinnedPost, Post, Tag, Theme


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


class WriterFactory(UserFactory):
    """Staff, not a superuser: may write and moderate (every blog and comments permission but
    those over other people's author profiles), as a site's owner would set a writer up."""

    is_staff = True

    @factory.post_generation
    def writing_permissions(self, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Permission

            self.user_permissions.set(
                Permission.objects.filter(content_type__app_label__in=["blog", "comments"]).exclude(
                    content_type__model="authorprofile"
                )
            )


class AuthorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuthorProfile

    user = factory.SubFactory(UserFactory)
    bio = "I write about **careers**."


class PageFactory(factory.django.DjangoModelFactory):
    """A published page, not in the menu."""

    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "Some words about **this blog**.\n\n## More\n\nAnd more."
    status = Page.Status.PUBLISHED


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


def comment(post, *, text="A thoughtful comment.", parent=None, state=None, reason=None, **fields):
    """One comment on `post` (a reply to `parent`), stored by the one writer, comments.moderation.

    Fields as for comments.moderation.seed(): user, name, email, url, ip, submitted.
    """
    from comments import moderation
    from comments.models import Reason, State

    fields.setdefault("name", fields["user"].get_full_name() if fields.get("user") else "Reader")
    fields.setdefault("email", fields["user"].email if fields.get("user") else "reader@example.com")
    fields.setdefault("ip", "10.0.0.1")
    return moderation.seed(
        post,
        parent_id=parent.pk if parent else None,
        state=state or State.PUBLISHED,
        reason=reason or Reason.SEEDED,
        text=text,
        **fields,
    )


def comments(post, count, *, state=None, reason=None, text="Comment {n}", replies_per_root=0, reply_text=None):
    """`count` top-level comments on `post`, each with `replies_per_root` replies, in a few queries
    (comments.moderation.seed_many). The n-th comment is n * 2 minutes older than the last;
    its replies come just after it. Returns (top-level comments, replies), oldest first."""
    from django_comments_xtd.models import XtdComment

    from comments import moderation
    from comments.models import Reason, State

    now = timezone.now()
    rows = []
    for n in range(count):
        minutes = 2 * (count - n)
        fields = {
            "name": f"Reader {n}",
            "email": f"reader{n}@example.com",
            "ip": "10.0.0.1",
            "submitted": now - datetime.timedelta(minutes=minutes),
            "text": text.format(n=n),
        }
        rows.append((("root", n), None, state or State.PUBLISHED, fields))
        for k in range(replies_per_root):
            reply = {
                **fields,
                "name": f"Replier {k}",
                "email": f"replier{k}@example.com",
                "submitted": now - datetime.timedelta(minutes=minutes - 1, seconds=-k),
                "text": (reply_text or "Reply {k} to comment {n}").format(k=k, n=n),
            }
            rows.append((("reply", n, k), ("root", n), state or State.PUBLISHED, reply))
    pks = moderation.seed_many(post, rows, reason=reason or Reason.SEEDED)
    loaded = XtdComment.norel_objects.select_related("moderation").in_bulk(pks.values())
    roots = [loaded[pk] for key, pk in pks.items() if key[0] == "root"]
    replies = [loaded[pk] for key, pk in pks.items() if key[0] == "reply"]
    return roots, replies


def bulk_thread(post, count, *, replies_per_root=0):
    """`count` published top-level comments on `post`, each with `replies_per_root` replies."""
    return comments(post, count, replies_per_root=replies_per_root, text="Comment number {n}")
