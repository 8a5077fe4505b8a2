"""The author's admin, exercised through the real admin views with the test client."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import formats, timezone

from blog.models import PinnedPost, Post, Tag, Theme

from .factories import (
    DraftFactory,
    PostFactory,
    ScheduledFactory,
    TagFactory,
    ThemeFactory,
    UserFactory,
    bulk_posts,
    pin,
)

pytestmark = pytest.mark.django_db

POSTS = "/admin/blog/post/"
POST_ADD = "/admin/blog/post/add/"
TAGS = "/admin/blog/tag/"
THEMES = "/admin/blog/theme/"


def change_url(obj):
    return f"/admin/blog/{obj._meta.model_name}/{obj.pk}/change/"


def split_datetime(value):
    """The two inputs of the admin's split date/time widget, in the current time zone."""
    local = timezone.localtime(value)
    return {"published_at_0": local.strftime("%Y-%m-%d"), "published_at_1": local.strftime("%H:%M:%S")}


def post_data(*, author, theme, pins=(), existing_pins=(), **fields):
    """POST data for the post add/change form, with the "pins" inline's management form.

    `pins` are new (target, position) rows; `existing_pins` are PinnedPost rows sent back unchanged.
    """
    data = {
        "title": "How to ask for a referral",
        "slug": "how-to-ask-for-a-referral",
        "theme": theme.pk,
        "tags": [],
        "summary": "",
        "body": "Ask **specifically**.\n\n## Why it works\n\nPeople like to help.",
        "status": Post.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "allow_comments": "on",
        "author": author.pk,
        "pins-TOTAL_FORMS": str(len(existing_pins) + len(pins)),
        "pins-INITIAL_FORMS": str(len(existing_pins)),
        "pins-MIN_NUM_FORMS": "0",
        "pins-MAX_NUM_FORMS": "1000",
    }
    rows = [(p.target.pk, p.position, p.pk) for p in existing_pins] + [(t.pk, pos, "") for t, pos in pins]
    for i, (target_pk, position, pk) in enumerate(rows):
        data[f"pins-{i}-id"] = pk
        data[f"pins-{i}-target"] = target_pk
        data[f"pins-{i}-position"] = position
    data.update(fields)
    return data


def form_errors(response):
    return response.context["adminform"].form.errors


def result_titles(response):
    return [post.title for post in response.context["cl"].result_list]


# --- Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [POSTS, POST_ADD, TAGS, THEMES])
def test_anonymous_visitor_is_redirected_to_admin_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("url", [POSTS, POST_ADD, TAGS, THEMES])
def test_logged_in_non_staff_user_is_redirected_to_admin_login(client, url):
    client.force_login(UserFactory(username="reader"))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


# --- Adding and editing posts ---------------------------------------------------------------------


# How the admin's prepopulate script is told to fill the slug from the title.
SLUG_FROM_TITLE = "&quot;name&quot;: &quot;slug&quot;, &quot;dependency_ids&quot;: [&quot;#id_title&quot;]"


def test_add_page_has_pins_inline_and_prepopulates_slug_from_title(staff_client):
    response = staff_client.get(POST_ADD)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="pins-TOTAL_FORMS"' in html
    assert 'name="pins-__prefix__-target"' in html
    assert SLUG_FROM_TITLE in html
    # The author defaults to whoever is writing.
    assert response.context["adminform"].form.initial["author"] == response.wsgi_request.user.pk


def test_staff_can_add_a_post_with_theme_and_tags(staff_client, staff, theme):
    networking, referrals = TagFactory(name="networking"), TagFactory(name="referrals")
    TagFactory(name="unused")
    data = post_data(author=staff, theme=theme, tags=[networking.pk, referrals.pk])

    response = staff_client.post(POST_ADD, data)

    assert response.status_code == 302, form_errors(response)
    post = Post.objects.get(slug="how-to-ask-for-a-referral")
    assert post.title == "How to ask for a referral"
    assert post.theme == theme
    assert post.author == staff
    assert set(post.tags.all()) == {networking, referrals}
    assert post.body_html.startswith("<p>Ask <strong>specifically</strong>.</p>")
    assert '<h2 id="why-it-works">' in post.body_html
    assert post.word_count > 0
    assert post.status == Post.Status.DRAFT and post.published_at is None


def test_staff_can_edit_a_post_through_the_change_page(staff_client, staff, theme):
    post = DraftFactory(title="Old title", theme=theme)
    new_theme = ThemeFactory(name="Networking", slug="networking")
    tag = TagFactory(name="linkedin")
    assert staff_client.get(change_url(post)).status_code == 200

    data = post_data(
        author=staff,
        theme=new_theme,
        title="New title",
        slug=post.slug,
        tags=[tag.pk],
        body="Now with a [link](https://example.com).",
    )
    response = staff_client.post(change_url(post), data)

    assert response.status_code == 302, form_errors(response)
    post.refresh_from_db()
    assert post.title == "New title"
    assert post.theme == new_theme
    assert list(post.tags.all()) == [tag]
    assert '<a href="https://example.com" rel="noopener">link</a>' in post.body_html


def test_staff_can_save_a_draft(staff_client, staff, theme):
    response = staff_client.post(POST_ADD, post_data(author=staff, theme=theme, status="draft"))

    assert response.status_code == 302, form_errors(response)
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    assert not post.is_public
    assert not Post.objects.published().exists()


def test_staff_can_schedule_a_post_for_later(staff_client, staff, theme):
    when = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
    data = post_data(author=staff, theme=theme, status="published", **split_datetime(when))

    response = staff_client.post(POST_ADD, data)

    assert response.status_code == 302, form_errors(response)
    post = Post.objects.get()
    assert post.status == Post.Status.PUBLISHED
    assert post.published_at == when
    assert post.is_scheduled
    assert not Post.objects.published().exists()


def test_staff_can_publish_a_draft_now(staff_client, staff, theme):
    post = DraftFactory(theme=theme)
    before = timezone.now()

    data = post_data(author=staff, theme=theme, title=post.title, slug=post.slug, status="published")
    response = staff_client.post(change_url(post), data)

    assert response.status_code == 302, form_errors(response)
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert before <= post.published_at <= timezone.now()
    assert post.is_public
    assert list(Post.objects.published()) == [post]


def test_too_long_body_is_a_form_error_and_the_text_is_kept(staff_client, staff, theme, settings):
    settings.BLOG_POST_MAX_LENGTH = 50
    body = "Long advice." * 10

    response = staff_client.post(POST_ADD, post_data(author=staff, theme=theme, body=body))

    assert response.status_code == 200
    message = f"The text is {len(body)} characters long; the limit is 50. Please shorten it."
    assert form_errors(response)["body"] == [message]
    assert message in response.content.decode()
    assert response.context["adminform"].form["body"].value() == body
    assert body in response.content.decode()
    assert not Post.objects.exists()


def test_unrenderable_body_is_a_form_error_on_the_change_page(staff_client, staff, theme):
    post = DraftFactory(theme=theme)
    original_html = post.body_html
    body = "[" * 3000

    data = post_data(author=staff, theme=theme, title=post.title, slug=post.slug, body=body)
    response = staff_client.post(change_url(post), data)

    assert response.status_code == 200
    [message] = form_errors(response)["body"]
    assert "too many “[”" in message
    assert body in response.content.decode()
    post.refresh_from_db()
    assert post.body_html == original_html


def test_duplicate_slug_is_a_form_error(staff_client, staff, theme):
    PostFactory(title="Taken", slug="how-to-ask-for-a-referral")

    response = staff_client.post(POST_ADD, post_data(author=staff, theme=theme))

    assert response.status_code == 200
    assert form_errors(response)["slug"] == ["Post with this Slug already exists."]
    assert Post.objects.count() == 1


def test_add_page_preview_asks_to_save_first(staff_client):
    response = staff_client.get(POST_ADD)
    assert "Save the post (as a draft, if you like) to see it rendered here." in response.content.decode()


def test_change_page_links_to_the_post_on_the_site(staff_client, theme):
    post = PostFactory(theme=theme)
    content_type = ContentType.objects.get_for_model(Post)
    link = f"/admin/r/{content_type.pk}/{post.pk}/"

    response = staff_client.get(change_url(post))

    assert f'<a href="{link}" class="viewsitelink">View on site</a>' in response.content.decode()
    redirect = staff_client.get(link)
    assert redirect.status_code == 302
    assert redirect["Location"].endswith(post.get_absolute_url())


# --- Pinned Relevant Discussions inline ------------------------------------------------------------


def test_pin_target_autocomplete_searches_posts(staff_client):
    PostFactory(title="Cold emails that work")
    PostFactory(title="Salary negotiation")

    response = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "blog", "model_name": "pinnedpost", "field_name": "target", "term": "cold"},
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Cold emails that work"]


def test_tag_autocomplete_searches_tags_in_name_order(staff_client):
    TagFactory(name="networking")
    TagFactory(name="interviews")
    TagFactory(name="network events")

    response = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "blog", "model_name": "post", "field_name": "tags", "term": "net"},
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["network events", "networking"]


def test_saving_pins_from_the_change_form_persists_them_in_position_order(staff_client, staff, theme):
    post = PostFactory(theme=theme)
    first, second = PostFactory(title="First"), PostFactory(title="Second")

    data = post_data(
        author=staff,
        theme=theme,
        title=post.title,
        slug=post.slug,
        status="published",
        pins=[(second, 2), (first, 1)],
        **split_datetime(post.published_at),
    )
    response = staff_client.post(change_url(post), data)

    assert response.status_code == 302, form_errors(response)
    assert [(p.target.title, p.position) for p in post.pins.all()] == [("First", 1), ("Second", 2)]
    assert [entry.post.title for entry in post.relevant_discussions()][:2] == ["First", "Second"]


def test_change_page_lists_existing_pins_in_position_order(staff_client, theme):
    post = PostFactory(theme=theme)
    later = pin(post, PostFactory(title="Later"), position=5)
    sooner = pin(post, PostFactory(title="Sooner"), position=1)

    response = staff_client.get(change_url(post))

    [formset] = response.context["inline_admin_formsets"]
    assert formset.formset.prefix == "pins"
    assert [form.instance for form in formset.formset.initial_forms] == [sooner, later]


def test_removing_a_pin_from_the_change_form_deletes_it(staff_client, staff, theme):
    post = PostFactory(theme=theme)
    kept = pin(post, PostFactory(title="Kept"), position=1)
    dropped = pin(post, PostFactory(title="Dropped"), position=2)

    data = post_data(
        author=staff,
        theme=theme,
        title=post.title,
        slug=post.slug,
        status="published",
        existing_pins=[kept, dropped],
        **split_datetime(post.published_at),
    )
    data["pins-1-DELETE"] = "on"
    response = staff_client.post(change_url(post), data)

    assert response.status_code == 302, form_errors(response)
    assert list(post.pins.all()) == [kept]


def test_pinning_the_same_post_twice_is_a_form_error(staff_client, staff, theme):
    post = PostFactory(theme=theme)
    target = PostFactory(title="Target")

    data = post_data(
        author=staff,
        theme=theme,
        title=post.title,
        slug=post.slug,
        status="published",
        pins=[(target, 1), (target, 2)],
        **split_datetime(post.published_at),
    )
    response = staff_client.post(change_url(post), data)

    assert response.status_code == 200
    [formset] = response.context["inline_admin_formsets"]
    assert not formset.formset.is_valid()
    assert not PinnedPost.objects.exists()


def test_pinning_a_post_to_itself_is_a_form_error(staff_client, staff, theme):
    post = PostFactory(theme=theme)

    data = post_data(
        author=staff,
        theme=theme,
        title=post.title,
        slug=post.slug,
        status="published",
        pins=[(post, 1)],
        **split_datetime(post.published_at),
    )
    response = staff_client.post(change_url(post), data)

    assert response.status_code == 200
    [formset] = response.context["inline_admin_formsets"]
    assert "A post cannot pin itself." in str(formset.formset.errors)
    assert not PinnedPost.objects.exists()


# --- Post changelist ------------------------------------------------------------------------------


def test_changelist_shows_status_theme_tags_and_publish_date(staff_client):
    networking = TagFactory(name="networking")
    referrals = TagFactory(name="referrals")
    published = PostFactory(title="Live", theme=ThemeFactory(name="Interviews"), tags=[networking, referrals])
    DraftFactory(title="Unfinished")
    ScheduledFactory(title="Coming soon")

    response = staff_client.get(POSTS)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<td class="field-status_label">Draft</td>' in html
    assert '<td class="field-status_label">Published</td>' in html
    assert '<td class="field-status_label">Scheduled</td>' in html
    assert '<td class="field-theme nowrap">Interviews</td>' in html
    assert '<td class="field-tag_list">networking, referrals</td>' in html
    shown_date = formats.localize(timezone.template_localtime(published.published_at))
    assert f'<td class="field-published_at nowrap">{shown_date}</td>' in html


def test_changelist_filters_by_status(staff_client):
    DraftFactory(title="Draft one")
    PostFactory(title="Live one")
    ScheduledFactory(title="Scheduled one")

    drafts = staff_client.get(POSTS, {"status__exact": "draft"})
    published = staff_client.get(POSTS, {"status__exact": "published"})

    assert result_titles(drafts) == ["Draft one"]
    assert sorted(result_titles(published)) == ["Live one", "Scheduled one"]


def test_changelist_filters_by_theme(staff_client):
    interviews = ThemeFactory(name="Interviews")
    PostFactory(title="Interview prep", theme=interviews)
    PostFactory(title="Networking events", theme=ThemeFactory(name="Networking"))

    response = staff_client.get(POSTS, {"theme__id__exact": interviews.pk})

    assert result_titles(response) == ["Interview prep"]


def test_changelist_filters_by_tag_without_duplicates(staff_client):
    linkedin, resume = TagFactory(name="linkedin"), TagFactory(name="resume")
    PostFactory(title="Profile tips", tags=[linkedin, resume])
    PostFactory(title="Resume only", tags=[resume])
    PostFactory(title="Untagged")

    response = staff_client.get(POSTS, {"tags__id__exact": resume.pk})

    assert sorted(result_titles(response)) == ["Profile tips", "Resume only"]


def test_changelist_search_finds_posts_by_title_and_body(staff_client):
    PostFactory(title="Negotiating your salary")
    PostFactory(title="Cover letters", body="Mention the salary range only if asked.")
    PostFactory(title="Unrelated")

    response = staff_client.get(POSTS, {"q": "salary"})

    assert sorted(result_titles(response)) == ["Cover letters", "Negotiating your salary"]


# Session, user, theme and tag filter choices, two counts, the page, its tags, two date-hierarchy queries.
CHANGELIST_MAX_QUERIES = 10


@pytest.mark.parametrize("count", [5, 30])
def test_changelist_runs_a_bounded_number_of_queries(staff_client, staff, theme, django_assert_max_num_queries, count):
    tags = [TagFactory(name=f"tag {n}") for n in range(4)]
    bulk_posts(count, theme=theme, author=staff, tags_for=lambda n: tags[: n % 4])

    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES) as queries:
        response = staff_client.get(POSTS)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count
    assert len({tag for post in response.context["cl"].result_list for tag in post.tags.all()}) == 3
    # The list never loads the (possibly very long) bodies (their format, a short word, it may).
    assert not any(re.search(r'"blog_post"\."body(_html)?"', query["sql"]) for query in queries.captured_queries)


# --- Bulk actions ---------------------------------------------------------------------------------


def test_publish_action_publishes_drafts_now_and_keeps_a_scheduled_time(staff_client):
    undated = DraftFactory(title="Undated draft")
    later = timezone.now() + datetime.timedelta(days=5)
    dated = DraftFactory(title="Draft with a future date", published_at=later)
    live = PostFactory(title="Already live")
    live_since = live.published_at
    before = timezone.now()

    response = staff_client.post(
        POSTS, {"action": "publish", "_selected_action": [undated.pk, dated.pk, live.pk]}, follow=True
    )

    assert response.status_code == 200
    assert "Published 2 post(s)." in [str(m) for m in response.context["messages"]]
    undated.refresh_from_db()
    dated.refresh_from_db()
    live.refresh_from_db()
    assert undated.status == Post.Status.PUBLISHED
    assert before <= undated.published_at <= timezone.now()
    assert undated.is_public
    assert dated.status == Post.Status.PUBLISHED
    assert dated.published_at == later
    assert dated.is_scheduled
    assert live.published_at == live_since


def test_unpublish_action_returns_posts_to_draft(staff_client):
    live, scheduled = PostFactory(title="Live"), ScheduledFactory(title="Scheduled")
    untouched = PostFactory(title="Not selected")

    response = staff_client.post(
        POSTS, {"action": "unpublish", "_selected_action": [live.pk, scheduled.pk]}, follow=True
    )

    assert "Unpublished 2 post(s)." in [str(m) for m in response.context["messages"]]
    assert set(Post.objects.filter(status=Post.Status.DRAFT)) == {live, scheduled}
    untouched.refresh_from_db()
    assert untouched.status == Post.Status.PUBLISHED
    assert list(Post.objects.published()) == [untouched]


# --- Themes ---------------------------------------------------------------------------------------


def test_staff_can_add_a_theme(staff_client):
    response = staff_client.post(
        "/admin/blog/theme/add/",
        {"name": "Social Media", "slug": "social-media", "description": "Profiles and posts."},
    )

    assert response.status_code == 302
    assert Theme.objects.get(slug="social-media").name == "Social Media"


def test_theme_list_shows_post_counts(staff_client):
    busy, quiet = ThemeFactory(name="Busy"), ThemeFactory(name="Quiet")
    PostFactory(theme=busy)
    DraftFactory(theme=busy)
    PostFactory(theme=quiet)

    response = staff_client.get(THEMES)

    counts = {theme.name: theme.num_posts for theme in response.context["cl"].result_list}
    assert counts == {"Busy": 2, "Quiet": 1}
    assert '<td class="field-post_count">2</td>' in response.content.decode()


def test_duplicate_theme_name_is_a_form_error(staff_client):
    ThemeFactory(name="Networking", slug="networking")

    response = staff_client.post("/admin/blog/theme/add/", {"name": "Networking", "slug": "networking-2"})

    assert response.status_code == 200
    assert form_errors(response)["name"] == ["Theme with this Name already exists."]


# --- Tags -----------------------------------------------------------------------------------------


def test_tag_list_shows_post_counts(staff_client):
    networking, resume = TagFactory(name="networking"), TagFactory(name="resume")
    PostFactory(tags=[networking, resume])
    PostFactory(tags=[networking])
    DraftFactory(tags=[networking])
    TagFactory(name="unused")

    response = staff_client.get(TAGS)

    assert response.status_code == 200
    counts = {tag.name: (tag.num_posts, tag.num_published) for tag in response.context["cl"].result_list}
    assert counts == {"networking": (3, 2), "resume": (1, 1), "unused": (0, 0)}
    html = response.content.decode()
    assert '<td class="field-post_count">3</td>' in html
    assert '<td class="field-published_count">2</td>' in html


def test_renaming_a_tag_keeps_its_posts(staff_client):
    tag = TagFactory(name="linkedin")
    posts = {PostFactory(tags=[tag]), PostFactory(tags=[tag])}

    response = staff_client.post(change_url(tag), {"name": "LinkedIn", "slug": "linkedin"})

    assert response.status_code == 302, form_errors(response)
    tag.refresh_from_db()
    assert tag.name == "LinkedIn"
    assert set(tag.posts.all()) == posts


def test_tag_name_differing_only_in_case_is_a_form_error(staff_client):
    TagFactory(name="networking")

    response = staff_client.post("/admin/blog/tag/add/", {"name": "Networking", "slug": "networking-2"})

    assert response.status_code == 200
    assert "A tag with this name already exists." in str(form_errors(response))
    assert "A tag with this name already exists." in response.content.decode()
    assert Tag.objects.count() == 1


def test_merge_tags_action_shows_an_intermediate_page(staff_client):
    cv, resume = TagFactory(name="cv"), TagFactory(name="resume")
    PostFactory(tags=[cv])

    response = staff_client.post(TAGS, {"action": "merge_tags", "_selected_action": [cv.pk, resume.pk]})

    assert response.status_code == 200
    assert "admin/blog/tag/merge.html" in [t.name for t in response.templates]
    assert list(response.context["tags"]) == [cv, resume]
    assert set(response.context["form"].fields["target"].queryset) == {cv, resume}
    html = response.content.decode()
    assert 'name="target"' in html
    assert '<input type="hidden" name="action" value="merge_tags">' in html
    assert Tag.objects.count() == 2


def test_merging_tags_moves_every_post_to_the_kept_tag_and_deletes_the_others(staff_client):
    resume, cv, curriculum = TagFactory(name="resume"), TagFactory(name="cv"), TagFactory(name="curriculum")
    other = TagFactory(name="interviews")
    both = PostFactory(title="Both", tags=[resume, cv])
    only_cv = PostFactory(title="Only cv", tags=[cv, other])
    only_curriculum = DraftFactory(title="Only curriculum", tags=[curriculum])
    only_resume = PostFactory(title="Only resume", tags=[resume])

    response = staff_client.post(
        TAGS,
        {"action": "merge_tags", "_selected_action": [resume.pk, cv.pk, curriculum.pk], "target": resume.pk},
        follow=True,
    )

    assert response.status_code == 200
    assert set(Tag.objects.values_list("name", flat=True)) == {"resume", "interviews"}
    assert set(resume.posts.all()) == {both, only_cv, only_curriculum, only_resume}
    Through = Post.tags.through
    assert Through.objects.filter(post=both).count() == 1  # no duplicate row
    assert set(only_cv.tags.all()) == {resume, other}
    [message] = [str(m) for m in response.context["messages"]]
    assert "into “resume”" in message


def test_merge_with_a_target_outside_the_selection_shows_the_form_again(staff_client):
    cv, resume, other = TagFactory(name="cv"), TagFactory(name="resume"), TagFactory(name="other")

    response = staff_client.post(
        TAGS, {"action": "merge_tags", "_selected_action": [cv.pk, resume.pk], "target": other.pk}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["target"]
    assert Tag.objects.count() == 3


def test_merging_a_single_tag_asks_for_two(staff_client):
    cv = TagFactory(name="cv")

    response = staff_client.post(TAGS, {"action": "merge_tags", "_selected_action": [cv.pk]}, follow=True)

    assert "Select at least two tags to merge." in [str(m) for m in response.context["messages"]]
    assert Tag.objects.filter(pk=cv.pk).exists()


# --- Draft / Scheduled / Published: the state in words -------------------------------------------


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_scheduling_says_when_the_post_goes_live(staff_client, staff, theme, settings):
    settings.TIME_ZONE = "UTC"
    when = datetime.datetime(2036, 12, 24, 9, 0, tzinfo=datetime.UTC)
    data = post_data(author=staff, theme=theme, status="published", **split_datetime(when))

    response = staff_client.post(POST_ADD, data, follow=True)

    [message] = messages_of(response)
    assert "Scheduled for 24 December 2036, 09:00 (UTC)" in message
    assert "changed successfully" not in message and "added successfully" not in message
    assert "Scheduled" in response.content.decode()  # the list's Status column
    # The change form says the same in its Publishing section.
    form = staff_client.get(change_url(Post.objects.get())).content.decode()
    assert "Scheduled for 24 December 2036, 09:00 (UTC): it goes live by itself then." in form


def test_publishing_and_drafts_are_said_in_words(staff_client, staff, theme):
    response = staff_client.post(POST_ADD, post_data(author=staff, theme=theme, status="draft"), follow=True)
    [message] = messages_of(response)
    assert "Draft: only you can see it." in message
    assert "Preview it" in message

    post = Post.objects.get()
    data = post_data(author=staff, theme=theme, title=post.title, slug=post.slug, status="published")
    response = staff_client.post(change_url(post), data, follow=True)
    [message] = messages_of(response)
    assert "Published " in message and "View it on the site" in message
    assert post.get_absolute_url() in message


def test_post_list_filters_by_draft_scheduled_and_published(staff_client, theme):
    PostFactory(title="Live", theme=theme)
    ScheduledFactory(title="Later", theme=theme)
    DraftFactory(title="Unfinished", theme=theme)

    page = staff_client.get(POSTS).content.decode()
    assert "?state=scheduled" in page

    assert result_titles(staff_client.get(POSTS, {"state": "scheduled"})) == ["Later"]
    assert result_titles(staff_client.get(POSTS, {"state": "published"})) == ["Live"]
    assert result_titles(staff_client.get(POSTS, {"state": "draft"})) == ["Unfinished"]
    assert "Scheduled" in staff_client.get(POSTS, {"state": "scheduled"}).content.decode()


# --- Tags typed in the box; pins found by title ----------------------------------------------------


def test_a_new_tag_typed_in_the_box_is_created_with_the_post(staff_client, staff, theme):
    networking = TagFactory(name="Networking")
    data = post_data(author=staff, theme=theme, tags=[str(networking.pk), "new:Salary  talks"])

    response = staff_client.post(POST_ADD, data)

    assert response.status_code == 302, form_errors(response)
    post = Post.objects.get()
    assert sorted(tag.name for tag in post.tags.all()) == ["Networking", "Salary talks"]
    assert Tag.objects.get(name="Salary talks").slug == "salary-talks"


def test_a_typed_name_of_an_existing_tag_is_that_tag(staff_client, staff, theme):
    networking = TagFactory(name="Networking")
    data = post_data(author=staff, theme=theme, tags=["new:networking", "new:NETWORKING"])

    response = staff_client.post(POST_ADD, data)

    assert response.status_code == 302, form_errors(response)
    assert list(Post.objects.get().tags.all()) == [networking]
    assert Tag.objects.count() == 1


def test_new_tags_wait_for_a_valid_form_and_stay_in_the_box(staff_client, staff, theme, settings):
    settings.BLOG_POST_MAX_LENGTH = 20
    data = post_data(author=staff, theme=theme, tags=["new:Salary talks"], body="Far too long for the limit.")

    response = staff_client.post(POST_ADD, data)

    assert response.status_code == 200
    assert "body" in form_errors(response)
    assert not Tag.objects.exists()
    page = response.content.decode()
    assert '<option value="new:Salary talks" selected>Salary talks (new)</option>' in page


def test_an_overlong_new_tag_name_is_a_form_error(staff_client, staff, theme):
    data = post_data(author=staff, theme=theme, tags=["new:" + "x" * 80])
    response = staff_client.post(POST_ADD, data)
    assert response.status_code == 200
    assert "at most 60 characters" in str(form_errors(response)["tags"])


def test_the_tags_box_offers_new_tags_to_the_script(staff_client):
    page = staff_client.get(POST_ADD).content.decode()
    assert 'data-new-tags="new:"' in page
    assert "js/tag_input.js" in page


def autocomplete(client, term, *, model_name, field_name):
    response = client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": "blog", "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_choosing_a_pin_matches_title_words_and_shows_whole_titles(staff_client, theme):
    long_title = "Informational Interviews: How to Ask for Twenty Minutes of Someone's Time Without Being a Bother"
    PostFactory(title=long_title, theme=theme)
    PostFactory(title="Referrals That Work", body="Start with an informational chat.", theme=theme)
    PostFactory(title="Interviews Without Nerves", theme=theme)

    assert autocomplete(staff_client, "Informational", model_name="pinnedpost", field_name="target") == [long_title]
    # Every word must be in the title, in any order.
    found = autocomplete(staff_client, "without interviews", model_name="pinnedpost", field_name="target")
    assert sorted(found) == [long_title, "Interviews Without Nerves"]
    # The post list's own search still looks in bodies.
    assert "Referrals That Work" in result_titles(staff_client.get(POSTS, {"q": "informational"}))
