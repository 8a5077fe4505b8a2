"""The admin as the author's desk: its name, what a writer sees, the post list's comment counts
and her own profile. Through the real admin views with the test client."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import Permission

from blog.models import AuthorProfile
from comments.models import State

from .factories import (
    AuthorProfileFactory,
    PostFactory,
    StaffFactory,
    UserFactory,
    WriterFactory,
    bulk_posts,
    comment,
    comments,
)

pytestmark = pytest.mark.django_db

POSTS = "/admin/blog/post/"
PROFILE = "/admin/blog/authorprofile/"
SITE_ADMIN = {
    "Groups": "/admin/auth/group/",
    "Users": "/admin/auth/user/",
    "Sites": "/admin/sites/site/",
    "Task results": "/admin/django_tasks_database/dbtaskresult/",
}


@pytest.fixture
def writer(db):
    return WriterFactory(username="dana", first_name="Dana", last_name="Reyes")


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


def rows(html):
    """The result rows of an admin changelist."""
    body = html.split('id="result_list"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>.*?</tr>", body.split("<tbody>", 1)[1], re.DOTALL)


def cell(row, field):
    return int(re.search(rf'class="field-{field}">(\d+)</td>', row).group(1))


# Branding --------------------------------------------------------------------------------------------


def test_the_admin_is_named_after_the_blog(writer_client, settings):
    settings.BLOG_TITLE = "Dana's Career Notes"
    html = unescape(writer_client.get("/admin/").content.decode())
    assert "<title>Author's desk | Dana's Career Notes</title>" in html
    assert '<div id="site-name"><a href="/admin/">Dana\'s Career Notes — Author\'s desk</a></div>' in html
    assert "Django" not in html
    assert '<a href="/">View site</a>' in html


# What a writer sees ----------------------------------------------------------------------------------


def test_a_writer_sees_writing_and_moderation_but_not_site_administration(writer_client):
    html = writer_client.get("/admin/").content.decode()
    for name, url in SITE_ADMIN.items():
        assert f'href="{url}"' not in html, name
    for url in (POSTS, "/admin/blog/page/", "/admin/blog/tag/", "/admin/comments/moderatedcomment/", PROFILE):
        assert f'href="{url}"' in html, url
    assert ">Your profile</a>" in html
    assert "Comments" in html and "No comments awaiting moderation." in html  # comments' index still shown


@pytest.mark.parametrize("name", SITE_ADMIN)
def test_site_administration_is_forbidden_to_a_writer_even_with_its_permissions(client, name):
    writer = WriterFactory(username="granted")
    writer.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["auth", "sites", "django_tasks_database"])
    )
    client.force_login(writer)
    url = SITE_ADMIN[name]
    assert client.get(url).status_code == 403
    assert client.get(f"{url}add/").status_code == 403


@pytest.mark.parametrize("name", SITE_ADMIN)
def test_a_superuser_still_runs_the_site(staff_client, name):
    html = staff_client.get("/admin/").content.decode()
    assert f'href="{SITE_ADMIN[name]}"' in html
    assert staff_client.get(SITE_ADMIN[name]).status_code == 200


def test_a_superuser_sees_every_author_profile(staff_client, writer):
    AuthorProfileFactory(user=writer, display_name="Dana R.")
    html = staff_client.get("/admin/").content.decode()
    assert ">Author profiles</a>" in html
    response = staff_client.get(PROFILE)
    assert response.status_code == 200 and "Dana R." in response.content.decode()


# The post list ---------------------------------------------------------------------------------------


def test_post_list_counts_published_and_held_comments_per_post(writer_client, writer):
    busy = PostFactory(title="A busy post", author=writer)
    quiet = PostFactory(title="A quiet post", author=writer)
    comments(busy, 3)
    comments(busy, 2, state=State.HELD, text="Held {n}")
    comment(busy, text="Spam!", state=State.SPAM)
    comment(busy, text="Removed.", state=State.REMOVED)
    comment(quiet, text="Waiting.", state=State.HELD)
    html = writer_client.get(POSTS).content.decode()
    assert ">Comments</a>" in html and ">Held comments</a>" in html  # sortable column headers
    counts = {}
    for row in rows(html):
        for post in (busy, quiet):
            if post.title in row:
                counts[post.title] = (cell(row, "published_comments"), cell(row, "held_comments"))
    assert counts == {"A busy post": (3, 2), "A quiet post": (0, 1)}


def test_post_list_sorts_by_published_comments(writer_client, writer):
    few, many = PostFactory(title="Few comments", author=writer), PostFactory(title="Many comments", author=writer)
    comments(few, 1)
    comments(many, 4)
    from blog.admin import PostAdmin
    from comments.admin import published_comments

    column = len(PostAdmin.list_display) + [d for d, _ in PostAdmin.extra_columns].index(published_comments) + 1
    html = writer_client.get(POSTS, {"o": f"-{column}"}).content.decode()
    titles = [t for row in rows(html) for t in ("Few comments", "Many comments") if t in row]
    assert titles == ["Many comments", "Few comments"]


@pytest.mark.parametrize("count", [5, 50])
def test_post_list_counts_in_a_constant_number_of_queries(
    writer_client, writer, theme, count, django_assert_max_num_queries
):
    for post in bulk_posts(count, theme=theme, author=writer):
        comments(post, 2)
        comment(post, text="Held one.", state=State.HELD)
    with django_assert_max_num_queries(12):
        response = writer_client.get(POSTS)
    assert response.status_code == 200
    assert len(rows(response.content.decode())) == count


def test_post_list_links_the_stylesheet_that_keeps_titles_on_few_lines(writer_client):
    html = writer_client.get(POSTS).content.decode()
    assert 'href="/static/css/admin.css"' in html


# Her own profile -------------------------------------------------------------------------------------


def test_your_profile_opens_the_writers_own_profile(writer_client, writer):
    response = writer_client.get(PROFILE)
    profile = AuthorProfile.objects.get(user=writer)
    assert response.status_code == 302 and response["Location"] == f"{PROFILE}{profile.pk}/change/"
    assert writer_client.get(PROFILE).status_code == 302  # the same one, not a second
    assert AuthorProfile.objects.filter(user=writer).count() == 1


def test_a_writer_edits_her_bio_without_superuser_rights(writer_client, writer):
    profile = AuthorProfile.objects.create(user=writer)
    other = UserFactory(username="someone")
    response = writer_client.post(
        f"{PROFILE}{profile.pk}/change/",
        {"display_name": "Dana R.", "bio": "Recruiter turned **writer**.<script>alert(1)</script>", "user": other.pk},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.display_name == "Dana R."
    assert profile.user == writer  # the user field is not hers to change
    assert "<strong>writer</strong>" in profile.bio_html and "<script" not in profile.bio_html
    page = writer_client.get(f"{PROFILE}{profile.pk}/change/").content.decode()
    assert '<div class="post-preview"><p>Recruiter turned <strong>writer</strong>.' in page


def test_a_writer_cannot_open_someone_elses_profile(writer_client):
    theirs = AuthorProfileFactory(user=UserFactory(username="other"), bio="Private draft of a bio.")
    response = writer_client.get(f"{PROFILE}{theirs.pk}/change/", follow=True)
    assert "Private draft of a bio." not in response.content.decode()
    assert writer_client.post(f"{PROFILE}{theirs.pk}/change/", {"bio": "Hijacked"}).status_code in (302, 403)
    theirs.refresh_from_db()
    assert theirs.bio == "Private draft of a bio."


def test_staff_without_any_permission_cannot_open_the_profile_of_a_superuser(client):
    superuser = StaffFactory(username="boss")
    profile = AuthorProfileFactory(user=superuser, bio="Boss bio.")
    client.force_login(WriterFactory(username="new-writer"))
    assert "Boss bio." not in client.get(f"{PROFILE}{profile.pk}/change/", follow=True).content.decode()
