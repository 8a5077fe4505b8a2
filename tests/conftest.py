import pytest

from .factories import StaffFactory, ThemeFactory


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with an empty cache (pages, rate limits, this process's page memory).

    The page-cache tokens are read from the cache on every request (no one-second memory,
    tests/test_page_cache.py tests that on its own): tests that play another process by
    writing to the cache see the change at once.
    """
    from django.core.cache import cache

    from config.page_cache import local_pages, local_plain

    settings.PAGE_CACHE_GENERATION_RECHECK = 0
    cache.clear()
    local_pages.clear()
    local_plain.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploaded images go to a temporary MEDIA_ROOT of each test, never the project's media/ folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def staff(db):
    return StaffFactory(username="editor")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def theme(db):
    return ThemeFactory(name="Job Search", slug="job-search")


@pytest.fixture(autouse=True)
def _forms_sent_at_once_are_allowed(settings):
    """The test client (and Playwright) send a form the moment they read it, which the comment
    rules hold as a bot's (COMMENTS_MIN_SECONDS); tests of that rule set it back."""
    settings.COMMENTS_MIN_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing a factory user's password with PBKDF2 costs ~0.3 s; tests don't need that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _site_is_the_test_server(request):
    """Feeds and the sitemap link to the Site's domain; the test client calls itself testserver."""
    if "django_db_setup" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    from django.contrib.sites.models import Site

    Site.objects.filter(pk=1).update(domain="testserver")


@pytest.fixture(autouse=True, scope="session")
def _plain_http(django_test_environment):
    """The suite runs with DEBUG off, so SECURE_SSL_REDIRECT is on; the test client and the live
    server speak plain http. Turned off once for the session, before any client or server exists
    (SecurityMiddleware reads the setting when it is built)."""
    from django.test import override_settings

    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_at_once(django_test_environment):
    """With DEBUG off (as the suite runs) tasks default to the database queue and its worker;
    tests run them in-process, at once, as `make run` does (tests of the queue say otherwise)."""
    from django.test import override_settings

    immediate = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "purges"]}
    with override_settings(TASKS={"default": immediate}):
        yield
