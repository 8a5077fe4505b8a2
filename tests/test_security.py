"""Secure by default: headers, Content-Security-Policy, `check --deploy`, static files.

The suite runs with the project's settings as loaded (DEBUG off); only SECURE_SSL_REDIRECT is
turned off (tests/conftest.py, `_plain_http`) since the test client speaks plain http.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from .factories import PostFactory, TagFactory

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

EXPECTED_CSP = {
    "default-src": {"'self'"},
    "img-src": {"'self'", "https:", "data:"},
    "style-src": {"'self'"},
    "script-src": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
    "base-uri": {"'none'"},
    "object-src": {"'none'"},
}


def parse_csp(header):
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = set(words[1:])
    return policy


def assert_security_headers(response):
    csp = response.headers.get("Content-Security-Policy")
    assert csp, "no Content-Security-Policy header"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert parse_csp(csp) == EXPECTED_CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


# What the CSP forbids, found in HTML (a template's source or a rendered page) -----------------


# Data blocks: a <script> of a non-JavaScript type is never run, so script-src does not apply.
DATA_BLOCKS = ("application/json", "application/ld+json")


class InlineCodeFinder(HTMLParser):
    """Collects what `script-src 'self'; style-src 'self'` would block: inline <script> (other
    than JSON data blocks), <style>, style="" attributes, on*="" handlers, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = {name.lower(): value or "" for name, value in attrs}
        line = self.getpos()[0]
        if tag == "script" and "src" not in attrs and attrs.get("type", "").lower() not in DATA_BLOCKS:
            self.problems.append(f"line {line}: inline <script>")
        if tag == "style":
            self.problems.append(f"line {line}: <style>")
        for name, value in attrs.items():
            if name == "style":
                self.problems.append(f"line {line}: style= attribute on <{tag}>")
            elif name.startswith("on"):
                self.problems.append(f"line {line}: {name}= handler on <{tag}>")
            elif name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"line {line}: javascript: URL on <{tag}>")

    handle_startendtag = handle_starttag


def inline_code(html):
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    # Belt and braces for markup the parser might read differently inside template tags.
    if re.search(r"<style[\s>]", html, re.IGNORECASE) and not any("<style>" in p for p in finder.problems):
        finder.problems.append("<style> (by pattern)")
    style_attribute = re.search(r"<[a-z][^<>]*(?:\s|%\}|\}\})style\s*=", html, re.IGNORECASE)
    if style_attribute and not any("style=" in p for p in finder.problems):
        finder.problems.append("style= attribute (by pattern)")
    return finder.problems


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script>", True),
        ('<script type="text/javascript">x()</script>', True),
        ('<script src="/static/js/comments.js" defer></script>', False),
        ('<script type="application/json" id="data">{"a": 1}</script>', False),
        ('<script type="application/ld+json">{"@type": "WebSite"}</script>', False),
        ('<script type="module">go()</script>', True),
        ("<style>body{color:red}</style>", True),
        ('<p style="margin: 0">x</p>', True),
        ('<p {% if x %}style="margin: 0"{% endif %}>x</p>', True),
        ('<button onclick="go()">x</button>', True),
        ('<a href="javascript:go()">x</a>', True),
        ('<p class="note">a style="x" in prose is not an attribute</p>', False),
    ],
)
def test_the_inline_code_finder_finds_what_the_csp_blocks(html, expected):
    assert bool(inline_code(html)) is expected


def test_no_template_has_inline_script_or_style():
    files = [path for path in TEMPLATES.rglob("*") if path.is_file() and path.suffix in (".html", ".txt", ".xml")]
    assert len(files) > 20  # the walk found the templates
    problems = {
        str(path.relative_to(ROOT)): found for path in files if (found := inline_code(path.read_text(encoding="utf-8")))
    }
    assert problems == {}


# Headers on the pages --------------------------------------------------------------------------


def test_settings_as_loaded_have_debug_off():
    assert django_settings.DEBUG is False


@pytest.mark.django_db
def test_home_page_sends_the_security_headers(client):
    PostFactory()
    first = client.get("/")
    assert first.status_code == 200
    assert_security_headers(first)
    # The same headers on a page answered from the page cache.
    second = client.get("/")
    assert second.status_code == 200
    assert_security_headers(second)
    assert inline_code(second.content.decode()) == []


@pytest.mark.django_db
def test_post_page_has_no_inline_code_and_the_headers(client):
    post = PostFactory()
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert_security_headers(response)
    assert inline_code(response.content.decode()) == []


@pytest.mark.django_db
def test_not_found_page_sends_the_headers(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_security_headers(response)


def test_server_error_page_links_its_css(rf):
    from blog.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert inline_code(html) == []


# Django's admin under the CSP ------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_login_page_renders_with_the_csp_header(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert inline_code(response.content.decode()) == []


@pytest.mark.django_db
def test_admin_pages_render_under_the_csp_without_inline_code(staff_client):
    from .imaging import stored_image

    tag = TagFactory()
    image = stored_image()
    post = PostFactory(tags=[tag], cover=image)
    pages = [
        "/admin/",
        "/admin/blog/post/",
        "/admin/blog/post/add/",
        f"/admin/blog/post/{post.pk}/change/",
        "/admin/blog/tag/",
        f"/admin/blog/tag/{tag.pk}/change/",
        "/admin/comments/moderatedcomment/",
        "/admin/images/image/",
        "/admin/images/image/add/",
        f"/admin/images/image/{image.pk}/change/",
    ]
    for url in pages:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)
        assert inline_code(response.content.decode()) == [], url


@pytest.mark.django_db
def test_admin_index_links_the_admin_stylesheet(staff_client):
    html = staff_client.get("/admin/").content.decode()
    assert 'id="moderation-summary"' in html
    assert "/static/css/admin.css" in html


# Static files through WhiteNoise ---------------------------------------------------------------


@pytest.mark.django_db
def test_static_files_are_served_by_whitenoise(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b".error-page" in b"".join(response.streaming_content)


@pytest.mark.django_db
def test_manifest_storage_serves_hashed_names_with_far_future_caching(settings, tmp_path):
    """Production (DJANGO_STATIC_MANIFEST=1): collectstatic, then hashed URLs cached for years."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    assert (tmp_path / "static" / (hashed + ".gz")).exists()

    PostFactory()
    client = Client()  # a new handler, so WhiteNoise is built with these settings
    home = client.get("/")
    assert f'href="/static/{hashed}"' in home.content.decode()
    css = client.get(f"/static/{hashed}")
    assert css.status_code == 200
    assert "immutable" in css["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", css["Cache-Control"]).group(1)) >= 365 * 24 * 3600


# `manage.py check --deploy` with production settings from the environment ---------------------


def production_env(**extra):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "GUNICORN_")) and name not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="blog.example.com",
        DJANGO_SITE_DOMAIN="blog.example.com",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/1",
        DJANGO_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
    )
    env.update(extra)
    return env


def run_manage(*args, env):
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("extra", "warning"),
    [
        ({"DJANGO_SECURE_SSL_REDIRECT": "0"}, "security.W008"),
        ({"DJANGO_HSTS_SECONDS": "0"}, "security.W004"),
        ({"DJANGO_DEBUG": "1"}, "security.W018"),
        # Mail sent inside the request: comment posting waits for (or fails with) the mail server.
        ({"DJANGO_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}, "comments.W001"),
        # Feeds, sitemap and emails would send readers to a development address.
        ({"DJANGO_SITE_DOMAIN": "127.0.0.1:8000"}, "blog.W001"),
    ],
)
def test_check_deploy_fails_when_production_protection_is_turned_off(extra, warning):
    """The check above is not vacuous: turning a protection off makes it fail."""
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(**extra))
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def loaded_settings(**extra):
    """The settings a fresh process loads with the production environment plus `extra`."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({name: getattr(s, name, None) for name in ["
        "'DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE']} | {'static': s.STORAGES['staticfiles']['BACKEND']}))"
    )
    env = production_env(DJANGO_SETTINGS_MODULE="config.settings", **extra)
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_defaults():
    loaded = loaded_settings()
    assert loaded == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": None,  # only with DJANGO_BEHIND_PROXY
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "static": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }


def test_environment_controls():
    loaded = loaded_settings(
        DJANGO_BEHIND_PROXY="1",
        DJANGO_HSTS_SECONDS="600",
        DJANGO_HSTS_PRELOAD="0",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="0",
        DJANGO_STATIC_MANIFEST="1",
    )
    assert loaded["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert loaded["SECURE_HSTS_SECONDS"] == 600
    assert loaded["SECURE_HSTS_PRELOAD"] is False
    assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert loaded["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_development_keeps_plain_http():
    loaded = loaded_settings(DJANGO_DEBUG="1")
    assert loaded["DEBUG"] is True
    assert loaded["SECURE_SSL_REDIRECT"] is False
    assert loaded["SECURE_HSTS_SECONDS"] == 0
    assert loaded["SESSION_COOKIE_SECURE"] is False


def test_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db
def test_a_javascript_website_on_an_adopted_comment_is_never_a_link(client):
    from django.contrib.contenttypes.models import ContentType
    from django_comments_xtd.models import XtdComment

    from blog.models import Post
    from tests.factories import PostFactory, StaffFactory

    post = PostFactory()
    XtdComment(  # saved by xtd itself (the shell, its admin): adopted, not validated by our form
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site_id=1,
        user_name="Old",
        user_url="javascript:alert(1)",
        comment="Old comment.",
    ).save()
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Old comment." in html and 'href="javascript' not in html
    staff = Client()
    staff.force_login(StaffFactory())
    queue = staff.get("/admin/comments/moderatedcomment/", {"state": "all"}).content.decode()
    assert "Old comment." in queue and 'href="javascript' not in queue


@pytest.mark.django_db
@pytest.mark.parametrize("manifest", [False, True], ids=["finders", "collectstatic"])
def test_static_files_carry_the_security_headers(settings, tmp_path, manifest):
    """WhiteNoise answers before the CSP and clickjacking middleware: its own headers function
    adds them (issue 18, finding 10), with or without collectstatic."""
    if manifest:
        settings.STATIC_ROOT = tmp_path / "static"
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        }
        settings.WHITENOISE_USE_FINDERS = False
        settings.WHITENOISE_AUTOREFRESH = False
        call_command("collectstatic", interactive=False, verbosity=0)
        path = "/static/" + json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]["css/site.css"]
    else:
        path = "/static/css/site.css"
    page = Client().get("/robots.txt")
    for url in (path, "/static/js/comments.js"):
        response = Client().get(url)
        assert response.status_code == 200
        assert response.get("X-Frame-Options") == "DENY"
        assert response.get("X-Content-Type-Options") == "nosniff"
        assert response.get("Content-Security-Policy") == page["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
