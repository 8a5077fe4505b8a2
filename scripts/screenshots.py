"""Screenshots of the demo blog for the README (`make screenshots`).

Loads the demo (`manage.py seed_demo`) into a temporary SQLite database, serves it with
`runserver` on a free port, and saves with Chromium (Playwright):

    docs/screenshots/home-desktop.png      the home page, 1280 px wide
    docs/screenshots/post-desktop.png      a post with its comment thread, 1280 px wide
    docs/screenshots/post-phone.png        the same post on a 390 px wide phone
    docs/screenshots/search-desktop.png    search results: body matches with the passage that matched
    docs/screenshots/moderation-queue.png  the admin's moderation queue, as the demo author
    docs/screenshots/revisions-desktop.png a post's revisions after two edits in the admin

Needs Chromium at /usr/bin/chromium (`apt-get install chromium`) and Playwright
(requirements-dev.txt). Nothing outside docs/screenshots/ and a temporary folder is touched.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
POST_SLUG = "personal-connections-still-get-people-hired"  # the demo post with a thread
AUTHOR = ("author", "demo-author-password")  # the demo author (content/management/commands/seed_demo.py)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"runserver exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"runserver did not answer on {url} within {seconds} s")


def shoot(base):
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        desktop = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900}, color_scheme="light")
        page = desktop.new_page()
        page.goto("/")
        page.screenshot(path=OUT / "home-desktop.png")
        page.locator(f'.post-card-title a[href*="/{POST_SLUG}/"]').click()
        page.wait_for_selector("#comments")
        page.screenshot(path=OUT / "post-desktop.png", full_page=True)

        phone = browser.new_context(
            base_url=base,
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            color_scheme="light",
        )
        page = phone.new_page()
        page.goto(desktop.pages[0].url)
        page.screenshot(path=OUT / "post-phone.png")
        search = desktop.new_page()
        search.goto("/search/?q=referral")
        search.screenshot(path=OUT / "search-desktop.png")

        admin = desktop.new_page()
        admin.goto("/admin/login/?next=/admin/comments/moderatedcomment/")
        admin.get_by_label("Username").fill(AUTHOR[0])
        admin.get_by_label("Password").fill(AUTHOR[1])
        admin.get_by_role("button", name="Log in").click()
        admin.wait_for_selector("#result_list")
        admin.screenshot(path=OUT / "moderation-queue.png")
        shoot_revisions(admin)
        browser.close()


def shoot_revisions(admin):
    """Two edits of a demo post through its change form, then its revisions page."""
    admin.goto("/admin/blog/post/1/change/")  # the demo's first post
    body = admin.locator("#id_body")
    for old, new in [("\n\n", "\n\nA sentence added in the first edit.\n\n"), ("first edit", "second edit")]:
        body.fill(body.input_value().replace(old, new, 1))
        admin.locator("input[name=_continue]").click()
        admin.wait_for_selector(".messagelist .success")
    admin.get_by_role("link", name="Revisions (3)").click()
    admin.screenshot(path=OUT / "revisions-desktop.png", full_page=True)


def main():
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"Chromium not found at {CHROMIUM}: run `apt-get install chromium`")
    tmp = Path(tempfile.mkdtemp(prefix="blog-screenshots."))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("REDIS_URL", None)  # a local-memory cache: nothing shared with another process
    manage = [sys.executable, str(ROOT / "manage.py")]
    log = (tmp / "server.log").open("w")
    try:
        for command in (["migrate", "--no-input"], ["seed_demo"]):
            subprocess.run([*manage, *command], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        server = subprocess.Popen(  # noqa: S603 - our own manage.py
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/", server)
            shoot(base)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    finally:
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    for path in sorted(OUT.glob("*.png")):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
