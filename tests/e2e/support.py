"""What the browser tests share: Playwright's `expect` (importable when Playwright is missing: the
tests then skip, see conftest.py), the seed helpers."""

from django.utils import timezone

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - depends on the machine

    def expect(*args, **kwargs):
        raise RuntimeError("Playwright is not installed")


AUTHOR_PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory


def seed_comment(post, *, text, parent=None, user=None, name="", email=""):
    """A published comment (a reply when `parent` is given), made as the demo seed makes them."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django_comments_xtd.models import XtdComment

    from blog.models import Post
    from comments.models import Moderation, Reason, State
    from comments.moderation import render_comment

    comment = XtdComment.objects.create(
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        parent_id=parent.pk if parent else 0,
        user=user,
        user_name=name or (user.get_full_name() if user else ""),
        user_email=email or (user.email if user else ""),
        comment=text,
        submit_date=timezone.now(),
        is_public=True,
        is_removed=False,
    )
    Moderation.objects.create(
        comment=comment, state=State.PUBLISHED, reason=Reason.SEEDED, body_html=render_comment(text)
    )
    return comment
