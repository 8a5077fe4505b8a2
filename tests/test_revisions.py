"""Revisions and autosave of posts (blog.revisions), through the admin with the test client."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Autosave, Post, Revision, Tag

from .factories import DraftFactory, PostFactory, StaffFactory, TagFactory, UserFactory
from .test_admin import POST_ADD, change_url, form_errors, post_data, split_datetime

pytestmark = pytest.mark.django_db


def history_url(post):
    return reverse("admin:blog_post_revisions", args=[post.pk])


def restore_url(post, number):
    return reverse("admin:blog_post_revision_restore", args=[post.pk, number])


def autosave_url(post=None):
    if post is None:
        return reverse("admin:blog_post_autosave_add")
    return reverse("admin:blog_post_autosave", args=[post.pk])


def edit(client, post, *, base=None, **fields):
    """Save `post` through its change form, as the form loaded now would (or from revision `base`)."""
    if base is None:
        base = client.get(change_url(post)).context["adminform"].form.initial["base_revision"]
    data = post_data(
        author=post.author,
        theme=post.theme,
        title=post.title,
        slug=post.slug,
        summary=post.summary,
        body=post.body,
        status=post.status,
        tags=[tag.pk for tag in post.tags.all()],
        base_revision=base,
        **({"allow_comments": "on"} if post.allow_comments else {}),
    )
    if not post.allow_comments:
        del data["allow_comments"]
    if post.published_at:
        data.update(split_datetime(post.published_at))
    data.update(fields)
    return client.post(change_url(post), data)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- Every save keeps a revision ------------------------------------------------------------------


def test_adding_a_post_keeps_revision_1_with_every_field_tags_and_who(staff_client, staff, theme):
    tags = [TagFactory(name="referrals"), TagFactory(name="Networking")]
    when = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)
    data = post_data(
        author=staff,
        theme=theme,
        tags=[tag.pk for tag in tags],
        summary="Ask well.",
        status="published",
        base_revision="0",
        **split_datetime(when),
    )
    del data["allow_comments"]

    response = staff_client.post(POST_ADD, data)

    assert response.status_code == 302, form_errors(response)
    post = Post.objects.get()
    revision = post.revisions.get()
    assert revision.number == 1
    assert revision.who == staff
    assert revision.kind == Revision.Kind.PUBLISHED
    assert (revision.title, revision.slug, revision.summary) == (post.title, post.slug, "Ask well.")
    assert revision.body == post.body
    assert revision.tags == ["Networking", "referrals"]
    assert revision.theme == theme
    assert (revision.status, revision.published_at, revision.allow_comments) == ("published", when, False)


def test_first_change_of_a_post_made_elsewhere_keeps_its_old_state_as_revision_1(staff_client, staff):
    post = PostFactory(body="Imported text.", tags=[TagFactory(name="old")])

    response = edit(staff_client, post, body="Edited in the admin.")

    assert response.status_code == 302, form_errors(response)
    first, second = post.revisions.order_by("number")
    assert (first.number, first.kind, first.who) == (1, "initial", None)
    assert (first.body, first.tags) == ("Imported text.", ["old"])
    assert (second.number, second.kind, second.who, second.body) == (2, "saved", staff, "Edited in the admin.")


def test_saving_without_a_change_keeps_no_new_revision(staff_client):
    post = DraftFactory()
    edit(staff_client, post, body="Changed once.")
    post.refresh_from_db()
    assert post.revisions.count() == 2

    response = edit(staff_client, post)

    assert response.status_code == 302, form_errors(response)
    assert post.revisions.count() == 2


def test_changing_only_the_tags_keeps_a_revision(staff_client):
    post = DraftFactory()
    edit(staff_client, post, body="Changed once.")
    post.refresh_from_db()
    new_tag = TagFactory(name="salary")

    edit(staff_client, post, tags=[new_tag.pk])

    assert post.revisions.order_by("-number").first().tags == ["salary"]


def test_publish_and_unpublish_actions_keep_revisions(staff_client, staff):
    post = DraftFactory()

    staff_client.post("/admin/blog/post/", {"action": "publish", "_selected_action": [post.pk]})
    staff_client.post("/admin/blog/post/", {"action": "unpublish", "_selected_action": [post.pk]})

    kinds = list(post.revisions.order_by("number").values_list("number", "kind", "status", "who"))
    assert kinds == [
        (1, "initial", "draft", None),
        (2, "published", "published", staff.pk),
        (3, "unpublished", "draft", staff.pk),
    ]


# --- Autosave -------------------------------------------------------------------------------------


def autosave(client, post, base, **fields):
    data = {"title": "A title", "body": "Typed so far", "theme": "", "status": "draft", "base_revision": base}
    if post is not None:
        data.update(title=post.title, slug=post.slug, theme=post.theme_id, status=post.status)
    data.update(fields)
    return client.post(autosave_url(post), data)


def test_autosave_then_reopening_the_change_form_brings_the_text_back_with_a_notice(staff_client):
    post = PostFactory(body="Saved text.")
    tag = TagFactory(name="typed-tag")

    response = autosave(staff_client, post, 0, body="Unsaved <b>text</b> typed here.", tags=[tag.pk])
    assert response.status_code == 200
    assert response.json()["message"].startswith("Draft saved ")

    page = staff_client.get(change_url(post))
    html = page.content.decode()
    assert "Unsaved &lt;b&gt;text&lt;/b&gt; typed here.</textarea>" in html
    assert "Restored your unsaved changes from " in html
    assert "Discard them" in html
    assert page.context["adminform"].form.initial["tags"] == [tag.pk]


def test_autosave_on_the_add_form_comes_back_on_the_add_form(staff_client):
    response = autosave(staff_client, None, "", title="Half a title", body="A new post, unsaved.")
    assert response.status_code == 200

    html = staff_client.get(POST_ADD).content.decode()

    assert ">\nHalf a title</textarea>" in html
    assert "A new post, unsaved.</textarea>" in html
    assert "Restored your unsaved changes" in html


def test_autosave_never_changes_the_post_readers_see(staff_client):
    post = PostFactory(body="What readers read.")
    reader = Client()
    assert "What readers read." in reader.get(post.get_absolute_url()).content.decode()

    autosave(staff_client, post, 0, body="A rewrite in progress.", title="New title")

    post.refresh_from_db()
    assert post.body == "What readers read." and post.title != "New title"
    page = Client().get(post.get_absolute_url()).content.decode()
    assert "What readers read." in page and "A rewrite in progress." not in page
    assert not post.revisions.exists()


def test_discard_drops_the_autosave_and_the_form_shows_the_saved_post(staff_client):
    post = PostFactory(body="Saved text.")
    autosave(staff_client, post, 0, body="Unsaved text.")

    response = staff_client.post(reverse("admin:blog_post_autosave_discard", args=[post.pk]), follow=True)

    assert "Discarded your unsaved changes." in messages_of(response)
    html = response.content.decode()
    assert "Saved text.</textarea>" in html and "Restored your unsaved changes" not in html
    assert not Autosave.objects.exists()


def test_saving_the_post_clears_the_autosave(staff_client):
    post = PostFactory(body="Saved text.")
    autosave(staff_client, post, 0, body="Unsaved text.")

    edit(staff_client, post, body="Unsaved text.")

    assert not Autosave.objects.exists()
    assert "Restored your unsaved changes" not in staff_client.get(change_url(post)).content.decode()


def test_adding_the_post_clears_the_add_forms_autosave(staff_client, staff, theme):
    autosave(staff_client, None, "", body="Started on the add form.")
    autosave(staff_client, PostFactory(), 0, body="Another post's autosave stays.")

    response = staff_client.post(POST_ADD, post_data(author=staff, theme=theme, base_revision="0"))

    assert response.status_code == 302, form_errors(response)
    assert list(Autosave.objects.values_list("data__body", flat=True)) == ["Another post's autosave stays."]
    assert "Restored your unsaved changes" not in staff_client.get(POST_ADD).content.decode()


def test_a_mangled_base_revision_counts_as_the_oldest_form(staff_client):
    post = DraftFactory(body="Saved text.")
    edit(staff_client, post, body="Saved in another tab.")

    response = edit(staff_client, post, base="not a number", body="Mine.")

    assert response.status_code == 200
    assert "This post was saved in another tab at " in response.content.decode()


def test_one_autosave_per_post_and_user(staff_client):
    post = PostFactory()
    autosave(staff_client, post, 0, body="First")
    autosave(staff_client, post, 0, body="Second")

    assert list(Autosave.objects.values_list("data__body", flat=True)) == ["Second"]


def test_autosave_from_a_form_older_than_the_latest_save_gets_409_and_is_not_kept(staff_client):
    ann = StaffFactory(username="ann", first_name="Ann", last_name="Lee")
    post = PostFactory(body="Saved text.")
    other_tab = Client()
    other_tab.force_login(ann)
    edit(other_tab, post, body="Ann's newer text.")  # revisions 1 and 2

    response = autosave(staff_client, post, 0, body="Typed in an old tab.")

    assert response.status_code == 409
    message = response.json()["error"]
    assert "This post was saved in another tab at " in message and "by Ann Lee" in message
    assert "your changes here are not saved" in message.lower()
    assert not Autosave.objects.exists()


# --- Saving from a stale form ---------------------------------------------------------------------


def test_saving_a_form_older_than_the_latest_revision_is_refused_and_keeps_the_text(staff_client):
    post = DraftFactory(body="Saved text.")
    base = staff_client.get(change_url(post)).context["adminform"].form.initial["base_revision"]
    edit(staff_client, post, body="Saved in another tab.")  # revisions 1 and 2

    response = edit(staff_client, post, base=base, body="My text from the old tab.")

    assert response.status_code == 200
    html = response.content.decode()
    assert "This post was saved in another tab at " in html
    assert "Nothing was saved and your text is still here" in html
    assert "My text from the old tab.</textarea>" in html
    assert "Overwrite the newer version" in html
    post.refresh_from_db()
    assert post.body == "Saved in another tab."
    assert post.revisions.count() == 2


def test_ticking_overwrite_saves_over_the_newer_version_which_stays_in_the_history(staff_client):
    post = DraftFactory(body="Saved text.")
    edit(staff_client, post, body="Saved in another tab.")

    response = edit(staff_client, post, base=0, body="My text wins.", overwrite="on")

    assert response.status_code == 302, form_errors(response)
    post.refresh_from_db()
    assert post.body == "My text wins."
    assert list(post.revisions.order_by("number").values_list("body", flat=True)) == [
        "Saved text.",
        "Saved in another tab.",
        "My text wins.",
    ]
    assert post.revisions.get(number=3).note == "Saved over #2, from an older form"


# --- History and diff -----------------------------------------------------------------------------


def test_history_lists_the_revisions_and_shows_an_escaped_word_level_diff(staff_client):
    post = DraftFactory(title="Old title", body="Line one.\nSecond line stays.", tags=[TagFactory(name="gone")])
    kept = TagFactory(name="kept")
    edit(staff_client, post, title="New title", body="Line one.\n<script>alert(1)</script>", tags=[kept.pk])

    response = staff_client.get(history_url(post))

    html = response.content.decode()
    assert "Changes from #1 to #2" in html
    assert "<del>Old</del><ins>New</ins> title" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "<ins>kept</ins>" in html and "<del>gone</del>" in html
    assert "As found" in html and "its state before the first change in the admin" in html and "editor" in html
    assert "#2 is the newest revision" in html and restore_url(post, 2) not in html
    assert 'action="' + restore_url(post, 1) + '"' in staff_client.get(history_url(post) + "?to=1").content.decode()


def test_history_compares_any_two_revisions(staff_client):
    post = DraftFactory(body="Version one.")
    for body in ["Version two.", "Version three."]:
        edit(staff_client, post, body=body)
        post.refresh_from_db()

    html = staff_client.get(history_url(post) + "?from=1&to=3").content.decode()

    assert "Changes from #1 to #3" in html
    assert "Version <del>one.</del><ins>three.</ins>" in html


@pytest.mark.parametrize("count", [3, 30])
def test_history_page_runs_a_bounded_number_of_queries(staff_client, staff, count, django_assert_max_num_queries):
    post = DraftFactory()
    Revision.objects.bulk_create(
        Revision(post=post, number=n, who=staff, title=f"Title {n}", slug=post.slug, body=f"Body {n}", status="draft")
        for n in range(1, count + 1)
    )
    with django_assert_max_num_queries(7):
        response = staff_client.get(history_url(post))
    assert response.status_code == 200
    assert f"All revisions ({count})" in response.content.decode()


# --- Restore --------------------------------------------------------------------------------------


def test_restore_in_one_click_copies_the_revision_back_as_a_new_revision(staff_client):
    tag = TagFactory(name="first")
    post = PostFactory(title="First title", body="The good text.", tags=[tag])
    reader = Client()
    edit(staff_client, post, title="Bad title", body="A bad edit.", tags=[])
    assert "A bad edit." in reader.get(Post.objects.get().get_absolute_url()).content.decode()

    response = staff_client.post(restore_url(post, 1), follow=True)

    assert response.redirect_chain[-1][0] == change_url(post)
    assert "Restored revision #1 as revision #3." in " ".join(messages_of(response))
    post.refresh_from_db()
    assert (post.title, post.body, list(post.tags.all())) == ("First title", "The good text.", [tag])
    assert "<p>The good text.</p>" in post.body_html
    latest = post.revisions.order_by("-number").first()
    assert (latest.number, latest.kind, latest.note) == (3, "restored", "Restored from #1")
    # The page cache was invalidated: readers see the restored post at once.
    page = reader.get(post.get_absolute_url()).content.decode()
    assert "The good text." in page and "A bad edit." not in page


def test_restoring_a_revision_whose_tag_was_deleted_creates_the_tag_again(staff_client):
    doomed = TagFactory(name="Remote Work")
    post = DraftFactory(tags=[doomed])
    edit(staff_client, post, body="Edited.", tags=[])
    doomed.delete()

    response = staff_client.post(restore_url(post, 1), follow=True)

    assert "Tags created again: Remote Work." in " ".join(messages_of(response))
    assert [tag.name for tag in post.tags.all()] == ["Remote Work"]
    assert Tag.objects.get().slug == "remote-work"


def test_a_revision_that_no_longer_renders_is_refused_with_a_message(staff_client, settings):
    post = DraftFactory(body="A long enough body, as it was then.")
    edit(staff_client, post, body="Short.")
    settings.BLOG_POST_MAX_LENGTH = 10

    response = staff_client.post(restore_url(post, 1), follow=True)

    assert response.status_code == 200
    assert "Revision #1 cannot be restored" in " ".join(messages_of(response))
    post.refresh_from_db()
    assert post.body == "Short."


def test_restore_takes_a_post_only(staff_client):
    post = DraftFactory(body="One.")
    edit(staff_client, post, body="Two.")

    response = staff_client.get(restore_url(post, 1))

    assert response.status_code == 405
    post.refresh_from_db()
    assert post.body == "Two."


def test_non_staff_get_none_of_the_revision_pages(client):
    post = DraftFactory()
    client.force_login(UserFactory(username="reader"))

    for response in [
        client.get(history_url(post)),
        client.post(restore_url(post, 1)),
        client.post(autosave_url(post), {"body": "x"}),
        client.post(autosave_url(), {"body": "x"}),
    ]:
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert not Autosave.objects.exists() and not Revision.objects.exists()


def test_staff_who_may_only_view_posts_see_the_history_but_cannot_restore_or_autosave(client, staff):
    post = DraftFactory(body="One.")
    editor = Client()
    editor.force_login(staff)
    edit(editor, post, body="Two.")
    viewer = StaffFactory(username="viewer", is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_post"))
    client.force_login(viewer)

    history = client.get(history_url(post))
    assert history.status_code == 200 and "Restore revision" not in history.content.decode()
    assert client.post(restore_url(post, 1)).status_code == 403
    assert client.post(autosave_url(post), {"body": "x", "base_revision": "2"}).status_code == 403
    post.refresh_from_db()
    assert post.body == "Two."


def test_restore_discard_and_autosave_need_the_csrf_token(staff):
    post = DraftFactory(body="One.")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    page = browser.get(change_url(post))
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    edit_data = {"body": "Typed.", "base_revision": "0"}

    assert browser.post(autosave_url(post), edit_data).status_code == 403
    assert browser.post(reverse("admin:blog_post_autosave_discard", args=[post.pk])).status_code == 403
    assert not Autosave.objects.exists()
    assert token is not None
    assert browser.post(autosave_url(post), {**edit_data, "csrfmiddlewaretoken": token}).status_code == 200


def test_restore_needs_the_csrf_token(staff):
    post = DraftFactory(body="One.")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    Revision.objects.create(post=post, number=1, title="Old", slug=post.slug, body="Old.", status="draft")

    assert browser.post(restore_url(post, 1)).status_code == 403
    post.refresh_from_db()
    assert post.body == "One."


# --- Public pages are not touched ----------------------------------------------------------------


def test_revisions_add_no_queries_to_the_post_page_or_the_list(staff_client):
    post = PostFactory(body="Text.")

    def queries(path):
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(path).status_code == 200
        return len(captured)

    queries(post.get_absolute_url())  # warm the process's own caches (the current Site)
    before = queries(post.get_absolute_url()), queries("/")
    for n in range(3):
        edit(staff_client, post, body=f"Text {n}.")
        post.refresh_from_db()
    autosave(staff_client, post, post.revisions.count(), body="Unsaved.")

    assert post.revisions.count() == 4
    assert (queries(post.get_absolute_url()), queries("/")) == before
