"""Exact invalidation by cache key (issue 15) in the built-in page cache, what responses tell the
HTTP cache in front (xkey, s-maxage, per-page ETag), compression of shared pages only (issue 19),
`private` for personal ones (issue 18), and purges sent after the commit through the task queue."""

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading

import pytest
from django.test import Client

from blog import cache_keys
from blog.models import Post
from comments import moderation
from comments.models import Reason

from .factories import PostFactory, TagFactory, ThemeFactory, comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def blog():
    theme = ThemeFactory(name="Careers", slug="careers")
    networking, salary = TagFactory(name="networking", slug="networking"), TagFactory(name="salary", slug="salary")
    a = PostFactory(title="Post A", theme=theme, tags=[networking])
    b = PostFactory(title="Post B", theme=theme, tags=[salary])
    return {"a": a, "b": b, "a_tag": "/tags/networking/", "other_tag": "/tags/salary/"}


def state(client, url):
    return client.get(url)["X-Page-Cache"]


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert state(client, url) == "hit", url


def publish_comment(post, text):
    return moderation.create(post, moderation.rules.Decision("publish", Reason.CLEAN), text=text)


def test_a_comment_drops_its_posts_page_and_counts_and_nothing_else(client, blog):
    a, b = blog["a"], blog["b"]
    warm(client, a.get_absolute_url(), b.get_absolute_url(), blog["other_tag"], blog["a_tag"], "/")
    publish_comment(a, "Only A changes.")
    page = client.get(a.get_absolute_url())
    assert page["X-Page-Cache"] == "miss" and "Only A changes." in page.content.decode()
    assert "1 comment" in client.get(blog["a_tag"]).content.decode()  # its count on the lists
    assert "1 comment" in client.get("/").content.decode()
    assert state(client, b.get_absolute_url()) == "hit"
    assert state(client, blog["other_tag"]) == "hit"


def test_an_edit_drops_the_pages_that_show_the_post_and_keeps_the_others(client, blog):
    a = blog["a"]
    warm(client, "/", blog["a_tag"], blog["other_tag"], "/feed/atom/", blog["b"].get_absolute_url())
    a.title = "Post A, retitled"
    a.save()
    for url in ["/", blog["a_tag"], "/feed/atom/", blog["b"].get_absolute_url()]:  # B links A (previous/next)
        assert "Post A, retitled" in client.get(url).content.decode(), url
    assert state(client, blog["other_tag"]) == "hit"


def test_a_new_tag_on_a_post_shows_on_the_tags_page_and_the_post(client, blog):
    warm(client, "/tags/", blog["a"].get_absolute_url())
    blog["a"].tags.add(TagFactory(name="interviews", slug="interviews"))
    assert "interviews" in client.get("/tags/").content.decode()
    assert "interviews" in client.get(blog["a"].get_absolute_url()).content.decode()


def test_unpublishing_drops_the_post_from_every_list_and_its_neighbours(client, blog):
    a = blog["a"]
    warm(client, "/", blog["a_tag"], blog["b"].get_absolute_url(), "/archive/")
    a.status = Post.Status.DRAFT
    a.save()
    assert client.get(a.get_absolute_url()).status_code == 404
    for url in ["/", blog["a_tag"], blog["b"].get_absolute_url()]:
        assert "Post A" not in client.get(url).content.decode(), url


def test_a_draft_edit_purges_nothing(client, blog):
    from .factories import DraftFactory

    draft = DraftFactory(title="Not yet")
    warm(client, "/", blog["a_tag"])
    draft.title = "Still not yet"
    draft.save()
    assert state(client, "/") == "hit" and state(client, blog["a_tag"]) == "hit"


def test_responses_name_their_keys_for_the_cache_in_front(client, blog):
    a = blog["a"]
    response = client.get(a.get_absolute_url())
    keys = set(response["xkey"].split())
    assert {cache_keys.post(a.pk), cache_keys.comments(a.pk), cache_keys.SITE, cache_keys.MENU} <= keys
    assert cache_keys.tag(a.tags.get().pk) in keys and cache_keys.theme(a.theme_id) in keys
    assert cache_keys.post(blog["b"].pk) in keys  # previous/next links B
    home = set(client.get("/").get("xkey").split())
    assert {cache_keys.HOME, cache_keys.post(a.pk), cache_keys.comments(a.pk)} <= home
    assert cache_keys.FEED in client.get("/feed/").get("xkey").split()
    assert cache_keys.SITEMAP in client.get("/sitemap.xml").get("xkey").split()
    control = response["Cache-Control"]
    assert "public" in control and "max-age=0" in control and "s-maxage=86400" in control


def test_each_page_has_its_own_etag(client, blog):
    one, two = client.get("/"), client.get(blog["a"].get_absolute_url())
    assert one["ETag"] != two["ETag"]
    assert client.get("/")["ETag"] == one["ETag"]
    assert client.get("/", HTTP_IF_NONE_MATCH=one["ETag"]).status_code == 304


def test_a_render_that_overlapped_a_purge_is_sent_but_never_stored(client, blog, monkeypatch):
    from blog import selectors

    real = selectors.adjacent_posts

    def purged_meanwhile(post):
        cache_keys.purge(cache_keys.post(post.pk))  # as if an edit committed during the render
        return real(post)

    monkeypatch.setattr(selectors, "adjacent_posts", purged_meanwhile)
    url = blog["a"].get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200 and "xkey" not in response and "s-maxage" not in response["Cache-Control"]
    monkeypatch.setattr(selectors, "adjacent_posts", real)
    assert state(client, url) == "miss"
    assert state(client, url) == "hit"


# Compression: shared pages only (BREACH) ----------------------------------------------------


def test_shared_pages_are_stored_and_sent_gzipped_with_vary(client, blog):
    url = blog["a"].get_absolute_url()
    plain = client.get(url)
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    for expected in ("hit", "hit"):
        zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert zipped["X-Page-Cache"] == expected and zipped["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.content) == plain.content
        assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content) / 2
    first = Client().get(blog["b"].get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")  # a miss, gzipped too
    assert first["X-Page-Cache"] == "miss" and first["Content-Encoding"] == "gzip"
    assert b"Post B" in gzip.decompress(first.content)


def test_pages_with_a_token_or_personal_data_are_never_compressed(blog, staff):
    url = blog["a"].get_absolute_url()
    signed_in = Client()
    signed_in.force_login(staff)
    page = signed_in.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert "Content-Encoding" not in page and "private" in page["Cache-Control"]
    assert "xkey" not in page
    reader = Client()  # a reader whose own held comment is on the page
    from .commenting import post_comment

    post_comment(reader, blog["a"], name="Pat", email="pat@example.com", comment="Mine, pending.")
    mine = reader.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert "Mine, pending." in mine.content.decode() and "Content-Encoding" not in mine


def test_staff_html_pages_are_private(staff_client, blog):
    for url in ["/", "/tags/", blog["a"].get_absolute_url(), "/admin/"]:
        response = staff_client.get(url)
        assert "private" in response["Cache-Control"], url


# Purges of the HTTP caches in front -----------------------------------------------------------


class Recorder(http.server.BaseHTTPRequestHandler):
    received = []

    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        Recorder.received.append(self.headers["xkey-purge"])
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def varnish():
    """A stand-in for Varnish that records the purges it gets."""
    Recorder.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", Recorder.received
    server.shutdown()
    server.server_close()


def test_a_comment_sends_its_keys_to_the_caches_in_front_after_the_commit(
    blog, settings, varnish, django_capture_on_commit_callbacks
):
    url, received = varnish
    settings.CACHE_PURGE_URLS = [url]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish_comment(blog["a"], "Tell Varnish.")
    assert received == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(received) == 1
    assert set(received[0].split()) == {cache_keys.comments(blog["a"].pk), cache_keys.COMMENTS_FEED}


def test_an_unreachable_cache_never_fails_the_request(
    blog, settings, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from blog import tasks

    monkeypatch.setattr(tasks, "PURGE_PAUSES", ())
    settings.CACHE_PURGE_URLS = ["http://127.0.0.1:9"]  # nothing listens there
    reader = Client()
    from .commenting import post_comment

    settings.COMMENTS_HOLD_FIRST_COMMENT = False
    with django_capture_on_commit_callbacks(execute=True):  # the purge runs (immediate backend)
        response = post_comment(reader, blog["a"], name="Sam", email="sam@example.com", comment="Still posted.")
    assert response.status_code == 302
    assert "Still posted." in Client().get(blog["a"].get_absolute_url()).content.decode()
    assert "purge to http://127.0.0.1:9 failed" in caplog.text


def test_with_the_database_backend_a_purge_only_enqueues_a_task(
    blog, settings, varnish, django_capture_on_commit_callbacks
):
    """Production: the request that made the change sends nothing itself; the worker does."""
    from django_tasks_db.models import DBTaskResult

    url, received = varnish
    settings.CACHE_PURGE_URLS = [url]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "purges"]}}
    with django_capture_on_commit_callbacks(execute=True):
        publish_comment(blog["a"], "Queued purge.")
    assert received == []
    task = DBTaskResult.objects.get(queue_name="purges")
    assert set(task.args_kwargs["kwargs"]["keys"]) == {cache_keys.comments(blog["a"].pk), cache_keys.COMMENTS_FEED}


def test_retries_a_cache_that_answers_later(settings, monkeypatch):
    from blog import tasks

    calls = []

    def flaky(url, keys, **kwargs):
        calls.append(url)
        if len(calls) < 3:
            raise ConnectionRefusedError("not yet")
        return 200

    monkeypatch.setattr(tasks, "send_purge", flaky)
    monkeypatch.setattr(tasks, "PURGE_PAUSES", (0, 0, 0))
    result = tasks.purge_http_caches.call(keys=["post-1"], urls=["http://varnish.example:6081"])
    assert result == 1 and len(calls) == 3


def test_with_debug_off_tasks_default_to_the_database_backend():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50)
    code = "import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.TASKS))"
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(result.stdout)["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend", result.stderr
    debug = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(debug.stdout)["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"


def test_a_comment_seeded_on_another_post_leaves_this_one(client, blog):
    warm(client, blog["a"].get_absolute_url())
    comment(blog["b"], text="On B.")
    assert state(client, blog["a"].get_absolute_url()) == "hit"
