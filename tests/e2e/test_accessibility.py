"""axe-core finds no serious or critical accessibility problem, in light and dark mode, on a
desktop and a phone."""

import pytest

from ..factories import AuthorProfileFactory, PageFactory
from .support import expect, seed_comment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCHEMES = ["light", "dark"]


@pytest.fixture
def thread(site):
    post, answer = site["post"], site["answer"]
    seed_comment(post, parent=answer, name="Sam Reader", email="sam@example.com", text="I asked about *their* plans.")
    seed_comment(
        post,
        name="Jo Park",
        email="jo@example.com",
        text="Does this work for remote jobs?\n\n> quoted advice\n\n`code` and a [link](https://example.com).",
    )
    return site


def check(page, axe, path, scheme, *, visible):
    page.emulate_media(color_scheme=scheme)
    if path:
        page.goto(path)
    expect(page.get_by_text(visible).first).to_be_visible()
    problems = axe(page)
    assert not problems, f"{page.url} ({scheme}):\n" + "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_reading_pages(page, axe, thread, scheme):
    post = thread["post"]
    check(page, axe, "/", scheme, visible="Latest posts")
    check(page, axe, post.get_absolute_url(), scheme, visible="I asked about their plans.")
    check(page, axe, "/tags/networking/", scheme, visible="Coffee with strangers")
    check(page, axe, "/search/?q=doors", scheme, visible="1 post found")


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_author_and_standalone_pages(page, axe, site, scheme, width):
    page.set_viewport_size({"width": width, "height": 900})
    AuthorProfileFactory(
        user=site["author"], bio="Ten years a **recruiter**; now I write about [networking](/tags/networking/)."
    )
    PageFactory(
        title="About",
        slug="about",
        in_menu=True,
        body="A blog about finding work.\n\n## Comments\n\n- moderated\n- kind\n\n"
        "| Day | Topic |\n|---|---|\n| Mon | CVs |",
    )
    check(page, axe, "/authors/author/", scheme, visible="Ten years a")
    check(page, axe, "/about/", scheme, visible="A blog about finding work.")


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_comment_pages(page, axe, thread, scheme, width):
    page.set_viewport_size({"width": width, "height": 900})
    post, answer = thread["post"], thread["answer"]
    check(page, axe, f"/comments/reply/{answer.pk}/", scheme, visible="Reply to Ada Writer")

    page.goto(post.get_absolute_url())
    form = page.locator("#comments > .comment-form")
    form.get_by_label("Name", exact=True).fill("Lee Newcomer")
    form.get_by_label("Email", exact=True).fill("not an address")
    form.get_by_label("Comment", exact=True).fill("Hello")
    form.get_by_role("button", name="Post comment").click()
    check(page, axe, None, scheme, visible="Please fix the marked fields.")

    # A held comment, the notice about it, and the inline reply form opened by JavaScript.
    page.goto(post.get_absolute_url())
    form.get_by_label("Name", exact=True).fill("Lee Newcomer")
    form.get_by_label("Email", exact=True).fill("lee@example.com")
    form.get_by_label("Comment", exact=True).fill("First time here.")
    form.get_by_role("button", name="Post comment").click()
    page.locator(f"#c{answer.pk}").get_by_role("link", name="Reply to Ada Writer").click()
    check(page, axe, None, scheme, visible="Awaiting moderation: only you can see this comment.")

    # The report form opened, the writer's Edit / Delete, the "remember me" box, the counter.
    page.locator(f"#c{answer.pk} > article details.report summary").click()
    form.get_by_label("Comment", exact=True).fill("x" * 2990)
    expect(page.locator(f"#c{answer.pk} > article details.report legend")).to_be_visible()
    check(page, axe, None, scheme, visible="characters left")
    page.goto(f"/comments/edit/{page.locator('.comment.pending').first.get_attribute('id')[1:]}/")
    check(page, axe, None, scheme, visible="Edit your comment")
