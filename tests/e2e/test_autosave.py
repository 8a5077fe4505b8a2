"""The author types, the draft is saved by itself; a reload brings the text back with a notice,
and Discard goes back to the saved post. The post readers see never changes meanwhile."""

import pytest

from blog.models import Autosave

from .support import AUTHOR_PASSWORD, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, next_url):
    page.goto(f"/admin/login/?next={next_url}")
    page.get_by_label("Username").fill("author")
    page.get_by_label("Password").fill(AUTHOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_url}")


def test_typing_is_autosaved_and_comes_back_after_a_reload_until_discarded(page, site, new_context):
    post = site["post"]
    change = f"/admin/blog/post/{post.pk}/change/"
    log_in(page, change)
    body = page.locator("#id_body")
    saved_text = body.input_value()
    status = page.locator("#autosave-status")
    expect(status).to_be_hidden()  # nothing typed, nothing sent

    body.fill(saved_text + "\n\nA paragraph typed but not saved.")
    expect(status).to_contain_text("Draft saved", timeout=15_000)
    assert "A paragraph typed but not saved." in Autosave.objects.get().data["body"]
    post.refresh_from_db()
    assert post.body == saved_text

    page.reload()
    expect(page.get_by_text("Restored your unsaved changes from")).to_be_visible()
    assert page.locator("#id_body").input_value().endswith("A paragraph typed but not saved.")
    reader = new_context().new_page()
    reader.goto(post.get_absolute_url())
    expect(reader.get_by_text("People remember a face.")).to_be_visible()
    expect(reader.get_by_text("A paragraph typed but not saved.")).to_have_count(0)

    page.get_by_role("button", name="Discard them").click()
    expect(page.get_by_text("Discarded your unsaved changes.")).to_be_visible()
    assert page.locator("#id_body").input_value() == saved_text
    expect(page.get_by_text("Restored your unsaved changes from")).to_have_count(0)
    assert not Autosave.objects.exists()


def test_an_autosave_from_a_tab_opened_before_another_save_is_refused_in_the_status(page, site):
    post = site["post"]
    change = f"/admin/blog/post/{post.pk}/change/"
    log_in(page, change)
    other_tab = page.context.new_page()
    other_tab.goto(change)
    other_tab.locator("#id_body").fill("Saved in the other tab.")
    other_tab.get_by_role("button", name="Save and continue editing").click()
    expect(other_tab.locator(".messagelist", has_text="is saved.")).to_be_visible()

    page.locator("#id_body").fill("Typed in the first tab.")

    expect(page.locator("#autosave-status")).to_contain_text("This post was saved in another tab at", timeout=15_000)
    expect(page.locator("#autosave-status")).to_contain_text("copy them or reload")
    assert not Autosave.objects.exists()
    post.refresh_from_db()
    assert post.body == "Saved in the other tab."


def test_offline_the_status_says_so_and_the_text_is_sent_when_the_network_is_back(page, site):
    post = site["post"]
    change = f"/admin/blog/post/{post.pk}/change/"
    log_in(page, change)
    page.context.set_offline(True)

    page.locator("#id_body").fill("Written on a train.")

    status = page.locator("#autosave-status")
    expect(status).to_contain_text("Couldn't save: offline; your text is still here.", timeout=15_000)
    assert not Autosave.objects.exists()
    page.context.set_offline(False)
    expect(status).to_contain_text("Draft saved", timeout=15_000)
    assert Autosave.objects.get().data["body"] == "Written on a train."


def scoped_axe(page, axe, selectors):
    """The serious and critical violations in our own elements only: the admin's own widgets
    (select2, the split date/time inputs, the inline's position field, the breadcrumbs' contrast)
    have theirs, which are Django's to fix."""
    axe(page)  # loads axe-core into the page
    found = page.evaluate(
        """async (include) => (await axe.run({include: include.map(s => [s])}, {resultTypes: ['violations']}))
            .violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => v.id + ': ' + v.help + ' -> ' + JSON.stringify(v.nodes.map(n => n.target)))""",
        selectors,
    )
    return found


def test_the_revisions_page_and_the_notice_pass_axe(page, site, axe):
    post = site["post"]
    change = f"/admin/blog/post/{post.pk}/change/"
    log_in(page, change)
    page.locator("#id_body").fill("A first revised body.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist", has_text="is saved.")).to_be_visible()
    page.locator("#id_body").fill("Typed, then the tab was reloaded.")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved", timeout=15_000)
    page.reload()
    expect(page.get_by_text("Restored your unsaved changes from")).to_be_visible()
    page.locator("#id_body").fill("Typed again.")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved", timeout=15_000)
    assert scoped_axe(page, axe, [".autosave-notice", "#autosave-status", ".object-tools"]) == []

    page.get_by_role("link", name="Revisions (2)").click()
    expect(page.get_by_role("heading", name="Changes from #1 to #2")).to_be_visible()
    assert scoped_axe(page, axe, ["#content-main"]) == []
