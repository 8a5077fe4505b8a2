"""nginx -> Varnish -> gunicorn for real (tests/stack/conftest.py starts it): hits, exact purges by
key after the commit, personal pages never shared, purges only from the ACL, grace while gunicorn
is stopped, and slow request bodies that no longer starve the site."""

import json
import os
import re
import signal
import socket
import threading
import time

import pytest


def demo(stack):
    """Two posts without a tag in common (A, B), a tag page that does not list A, A's tag page."""
    code = """
import json
from blog.models import Post, Tag
posts = list(Post.objects.published().order_by("-published_at"))  # A: on the home page
a = posts[0]
a_tags = set(a.tags.values_list("pk", flat=True))
b = next(p for p in posts[1:] if not a_tags & set(p.tags.values_list("pk", flat=True)))
other_tag = Tag.objects.filter(posts__in=[b]).exclude(pk__in=a_tags).first()
a_tag = Tag.objects.get(pk=sorted(a_tags)[0])
print(json.dumps({"a": a.get_absolute_url(), "a_pk": a.pk, "a_title": a.title, "b": b.get_absolute_url(),
                  "other_tag": other_tag.get_absolute_url(), "a_tag": a_tag.get_absolute_url()}))
"""
    return json.loads(stack.manage(code=code).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def pages(stack):
    return demo(stack)


def cache_state(stack, path):
    status, headers, _ = stack.get(path)
    assert status == 200, path
    return headers.get("x-cache")


def warm(stack, *paths):
    for path in paths:
        stack.get(path)
        assert cache_state(stack, path) == "hit", path


def until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def post_comment(stack, path, text):
    _, _, html = stack.get(path)
    form = html.split('class="comment-form"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    fields.update({"name": "Stack Reader", "email": "stack@example.com", "url": "", "comment": text, "honeypot": ""})
    from urllib.parse import urlencode

    origin = f"http://127.0.0.1:{stack.nginx_port}"
    status, headers, _ = stack.request(
        "POST",
        "/comments/post/",
        body=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin},
    )
    assert status in (200, 302), status
    return headers


def test_a_page_is_a_hit_the_second_time_and_tracking_parameters_share_it(stack, pages):
    status, first, _ = stack.get(pages["b"])
    assert status == 200 and first["x-cache"] in ("miss", "hit")
    assert cache_state(stack, pages["b"]) == "hit"
    assert cache_state(stack, pages["b"] + "?utm_source=newsletter&fbclid=x") == "hit"
    status, headers, _ = stack.get(pages["b"])
    assert "xkey" not in headers and "no-store" not in headers.get("cache-control", "")


def test_a_comment_on_a_purges_a_and_leaves_b_and_other_tag_pages_hits(stack, pages):
    warm(stack, pages["a"], pages["b"], pages["other_tag"])
    post_comment(stack, pages["a"], "A comment that Varnish must show at once.")
    assert until(lambda: "A comment that Varnish must show at once." in stack.get(pages["a"])[2])
    assert cache_state(stack, pages["b"]) == "hit"
    assert cache_state(stack, pages["other_tag"]) == "hit"


def test_an_edit_purges_the_lists_the_post_is_on(stack, pages):
    warm(stack, "/", pages["a_tag"], "/feed/atom/")
    new_title = "Retitled by the stack test"
    stack.manage(
        code=f"from blog.models import Post; p = Post.objects.get(pk={pages['a_pk']}); "
        f"p.title = {new_title!r}; p.save()"
    )
    for path in ("/", pages["a_tag"], "/feed/atom/", pages["a"]):
        assert until(lambda path=path: new_title in stack.get(path)[2]), path
    assert cache_state(stack, pages["other_tag"]) == "hit"


def login(stack):
    status, headers, html = stack.get("/admin/login/")
    cookie = headers["set-cookie"].split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    from urllib.parse import urlencode

    body = urlencode(
        {"username": "author", "password": "demo-author-password", "csrfmiddlewaretoken": token, "next": "/"}
    )
    status, headers, _ = stack.request(
        "POST",
        "/admin/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"http://127.0.0.1:{stack.nginx_port}/admin/login/",
        },
    )
    assert status == 302, status
    cookies = [part.split(";", 1)[0] for part in headers["set-cookie"].split(", ") if "=" in part.split(";", 1)[0]]
    session = next(c for c in cookies if c.startswith("sessionid="))
    return f"{session}; {cookie}"


def test_a_signed_in_author_is_never_served_a_shared_page_and_never_pollutes_one(stack, pages):
    warm(stack, pages["b"])
    cookie = login(stack)
    status, headers, html = stack.get(pages["b"], headers={"Cookie": cookie})
    assert status == 200 and headers["x-cache"] == "pass"
    assert "Edit post" in html and "private" in headers["cache-control"]
    # After the author's visit, anonymous readers still get the shared page, without her link.
    status, headers, html = stack.get(pages["b"])
    assert headers["x-cache"] == "hit" and "Edit post" not in html and "csrfmiddlewaretoken" not in html
    # A page the author sees first is not stored for everyone either.
    stack.request("PURGE", "/", port=stack.varnish_port, headers={"xkey-purge": "site"})
    stack.get(pages["a"], headers={"Cookie": cookie})
    status, headers, html = stack.get(pages["a"])
    assert headers["x-cache"] == "miss" and "Edit post" not in html


def test_purge_is_refused_outside_the_acl(stack, pages):
    warm(stack, pages["b"])
    status, _, _ = stack.request(
        "PURGE", "/", port=stack.varnish_port, headers={"xkey-purge": "site"}, source="127.0.0.2"
    )
    assert status == 403
    status, _, _ = stack.request("PURGE", "/", headers={"xkey-purge": "site"})  # through nginx
    assert status == 405
    assert cache_state(stack, pages["b"]) == "hit"
    status, _, _ = stack.request("PURGE", "/", port=stack.varnish_port, headers={"xkey-purge": "site"})
    assert status == 200
    assert cache_state(stack, pages["b"]) == "miss"


def test_slow_request_bodies_do_not_starve_the_site(stack):
    """Ten clients trickle a 100 KB comment body (one byte every 0.2 s); through nginx a page that
    only gunicorn can answer (search is never cached) still comes at once. The same against
    gunicorn directly (2 sync workers) does not: the test can fail."""

    def trickle(port, stop):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(
            b"POST /comments/post/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
        )
        try:
            while not stop.is_set():
                sock.sendall(b"x")
                stop.wait(0.2)
        except OSError:
            pass
        finally:
            sock.close()

    def search_time(port):
        started = time.monotonic()
        try:
            status, _, _ = stack.get("/search/?q=interview", port=port, timeout=5)
        except OSError:
            return float("inf")
        return time.monotonic() - started if status == 200 else float("inf")

    for port, expect_fast in ((stack.nginx_port, True), (stack.gunicorn_port, False)):
        stop = threading.Event()
        threads = [threading.Thread(target=trickle, args=(port, stop), daemon=True) for _ in range(10)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        took = search_time(port)
        stop.set()
        for thread in threads:
            thread.join(5)
        if expect_fast:
            assert took < 2.0, f"through nginx a search took {took:.1f} s while bodies trickled"
        else:
            assert took > 4.0, f"gunicorn alone answered in {took:.1f} s: the slow bodies did not hold it"
    assert until(lambda: search_time(stack.nginx_port) < 2.0, timeout=40)  # gunicorn is free again


def answered(stack, path):
    try:
        return stack.get(path, timeout=3)[0] == 200
    except OSError:
        return False


def test_varnish_serves_cached_pages_while_gunicorn_is_stopped(stack, pages):
    """Last: gunicorn is paused (SIGSTOP) and resumed. A page purged just before (soft purge: kept
    for grace) and one never purged are both still served."""
    warm(stack, pages["a"], pages["b"])
    stack.request("PURGE", "/", port=stack.varnish_port, headers={"xkey-purge": f"comments-{pages['a_pk']}"})
    pids = stack.gunicorn_pids()
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        assert cache_state(stack, pages["b"]) == "hit"
        # Once the probe has seen gunicorn down (a few seconds), the purged page comes from grace.
        assert until(lambda: answered(stack, pages["a"]), timeout=30)
        status, headers, html = stack.get(pages["a"], timeout=3)
        assert status == 200 and headers["x-cache"] == "hit" and "Retitled by the stack test" in html
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
