"""What the browser tests share: Playwright's `expect` (importable when Playwright is missing: the
tests then skip, see conftest.py), the seed helpers."""

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - depends on the machine

    def expect(*args, **kwargs):
        raise RuntimeError("Playwright is not installed")


AUTHOR_PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory


def seed_comment(post, *, text, parent=None, user=None, name="", email=""):
    """A published comment (a reply when `parent` is given), stored as the demo's are."""
    from tests.factories import comment

    named = {key: value for key, value in {"name": name, "email": email}.items() if value}
    return comment(post, text=text, parent=parent, user=user, **named)
