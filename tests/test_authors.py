"""Bylines, author pages and the writer's "Edit post" link, as readers and the writer see them."""

import re

import pytest
from django.test import Client

from blog.models import AuthorProfile

from .factories import (
    AuthorProfileFactory,
    DraftFactory,
    PostFactory,
    ScheduledFactory,
    UserFactory,
    WriterFactory,
    bulk_posts,
    comments,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(db):
    return UserFactory(username="dana", first_name="Dana", last_name="Reyes")


def byline(html):
    match = re.search(r'<span class="byline">By <a [^>]*href="([^"]+)">([^<]+)</a>', html)
    return match.groups() if match else None


# Bylines -----------------------------------------------------------------------------------------------


def test_a_post_names_its_author_and_links_her_page(client, dana):
    post = PostFactory(author=dana)
    assert byline(client.get(post.get_absolute_url()).content.decode()) == ("/authors/dana/", "Dana Reyes")


def test_a_byline_uses_the_username_without_a_full_name_and_the_display_name_when_set(client):
    plain = PostFactory(author=UserFactory(username="jo"))
    assert byline(client.get(plain.get_absolute_url()).content.decode()) == ("/authors/jo/", "jo")
    AuthorProfileFactory(user=plain.author, display_name="Jo Park")
    assert byline(client.get(plain.get_absolute_url()).content.decode()) == ("/authors/jo/", "Jo Park")


def test_list_cards_carry_bylines_without_a_query_per_post(client, theme, django_assert_max_num_queries):
    authors = [UserFactory(username=f"writer{n}", first_name=f"Writer{n}") for n in range(10)]
    for n, author in enumerate(authors):
        AuthorProfileFactory(user=author, display_name=f"Pen Name {n}" if n % 2 else "")
        PostFactory(author=author, theme=theme, title=f"Post by {n}")
    with django_assert_max_num_queries(5):
        html = client.get("/").content.decode()
    cards = html.count('class="post-card"')
    names = re.findall(r'<span class="byline">By <a [^>]*>([^<]+)</a>', html)
    assert cards == 10 and len(names) == 10
    assert "Pen Name 1" in names and "Writer0" in names


# Author pages -----------------------------------------------------------------------------------------


def test_the_author_page_shows_her_name_bio_and_public_posts_only(client, dana):
    AuthorProfile.objects.create(user=dana, bio="Ten years a **recruiter**.<script>alert(1)</script>")
    mine = PostFactory(author=dana, title="Mine and public")
    DraftFactory(author=dana, title="Mine but a draft")
    ScheduledFactory(author=dana, title="Mine but scheduled")
    PostFactory(author=UserFactory(username="other"), title="Someone else's")
    response = client.get("/authors/dana/")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<h1[^>]*>Dana Reyes</h1>", html)
    assert "<title>Dana Reyes — " in html
    assert "Ten years a <strong>recruiter</strong>." in html and "<script>alert" not in html
    assert '<meta name="description" content="Ten years a recruiter.' in html
    assert f'href="{mine.get_absolute_url()}"' in html
    assert "Mine but a draft" not in html and "Mine but scheduled" not in html and "Someone else" not in html


def test_the_author_page_is_paginated_like_other_lists(client, dana, theme):
    bulk_posts(23, theme=theme, author=dana)
    first = client.get("/authors/dana/").content.decode()
    assert first.count('class="post-card"') == 10 and 'href="?page=2"' in first
    third = client.get("/authors/dana/?page=3").content.decode()
    assert third.count('class="post-card"') == 3 and 'href="?page=4"' not in third
    assert client.get("/authors/dana/?page=4").status_code == 404
    assert client.get("/authors/dana/?page=x").status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_the_author_page_runs_a_constant_number_of_queries(client, dana, theme, count, django_assert_max_num_queries):
    AuthorProfileFactory(user=dana)
    for post in bulk_posts(count, theme=theme, author=dana):
        comments(post, 1)
    # The author, her posts, their tags, comment counts, the menu (read once, kept in the cache),
    # the next scheduled publication (kept in the cache too: bulk posts skip the signal that
    # writes it) and one to spare for what every page reads (main's Site, for absolute links).
    with django_assert_max_num_queries(7):
        response = client.get("/authors/dana/")
    assert response.status_code == 200


def test_unknown_users_and_accounts_that_do_not_write_have_no_page(client, dana):
    assert client.get("/authors/nobody/").status_code == 404
    assert client.get("/authors/da%00na/").status_code == 404  # no query with a NUL (PostgreSQL refuses it)
    assert client.get("/authors/%3Cscript%3E/").status_code == 404
    WriterFactory(username="moderator")  # staff who moderates, never published
    assert client.get("/authors/moderator/").status_code == 404
    DraftFactory(author=dana)  # a draft alone does not make an author page
    assert client.get("/authors/dana/").status_code == 404
    AuthorProfileFactory(user=dana, bio="")
    assert client.get("/authors/dana/").status_code == 404


def test_a_bio_alone_is_enough_for_an_author_page(client, dana):
    AuthorProfileFactory(user=dana, bio="Writing my first post.")
    html = client.get("/authors/dana/").content.decode()
    assert "Writing my first post." in html and "No posts published yet." in html


def test_the_author_page_is_cached_and_a_new_bio_shows_at_once(client, dana):
    PostFactory(author=dana)
    profile = AuthorProfileFactory(user=dana, bio="First bio.")
    assert client.get("/authors/dana/")["X-Page-Cache"] == "miss"
    assert client.get("/authors/dana/")["X-Page-Cache"] == "hit"
    profile.bio = "Second bio."
    profile.save()
    response = client.get("/authors/dana/")
    assert response["X-Page-Cache"] == "miss" and "Second bio." in response.content.decode()


def test_the_sitemap_lists_authors_with_public_posts(client, dana):
    PostFactory(author=dana)
    DraftFactory(author=UserFactory(username="drafty"))
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/authors/dana/</loc>" in xml
    assert "/authors/drafty/" not in xml


def test_feeds_name_the_author_as_bylines_do(client, dana):
    PostFactory(author=dana)
    AuthorProfileFactory(user=dana, display_name="D. Reyes")
    assert "<name>D. Reyes</name>" in client.get("/feed/atom/").content.decode()


# The writer's "Edit post" link -------------------------------------------------------------------------


def test_a_writer_sees_edit_post_on_the_public_page(client, dana):
    post = PostFactory(author=dana)
    client.force_login(WriterFactory(username="writer"))
    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert re.search(rf'<a class="edit-link" href="/admin/blog/post/{post.pk}/change/">Edit post</a>', html)
    assert "private" in response["Cache-Control"]


def test_readers_and_staff_who_cannot_change_posts_see_no_edit_link(client, dana):
    post = PostFactory(author=dana)
    assert "Edit post" not in client.get(post.get_absolute_url()).content.decode()
    client.force_login(UserFactory(username="staff-no-perms", is_staff=True))
    assert "Edit post" not in client.get(post.get_absolute_url()).content.decode()


def test_the_writers_page_is_never_served_to_readers_from_the_cache(client, dana):
    post = PostFactory(author=dana)
    client.force_login(WriterFactory(username="writer"))
    assert "Edit post" in client.get(post.get_absolute_url()).content.decode()
    reader = Client()
    first = reader.get(post.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"  # the writer's copy was not stored
    assert "Edit post" not in first.content.decode()
    second = reader.get(post.get_absolute_url())
    assert second["X-Page-Cache"] == "hit" and "Edit post" not in second.content.decode()
    assert "Edit post" in client.get(post.get_absolute_url()).content.decode()  # and not the reader's to her
