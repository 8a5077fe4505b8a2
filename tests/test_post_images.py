"""Images on the post pages: responsive uploads in the body, the cover, og:image, query counts."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from blog.models import Post

from .factories import PostFactory, StaffFactory, ThemeFactory, bulk_posts
from .imaging import stored_image

pytestmark = pytest.mark.django_db


def img_tags(html):
    return re.findall(r"<img\b[^>]*>", html)


def attrs(tag):
    return dict(re.findall(r'(\w+)="([^"]*)"', tag))


def test_an_uploaded_image_in_the_body_gets_srcset_sizes_dimensions_and_lazy_loading(client):
    image = stored_image(alt="Invitations per week", size=(2000, 1200))
    post = PostFactory(body=f"Intro.\n\n{image.markdown}\n\n![Elsewhere](https://cdn.example.com/x.png)")
    body = client.get(post.get_absolute_url()).content.decode().split('class="post-body e-content"')[1]
    ours, other = (attrs(tag) for tag in img_tags(body.split("</article>")[0]))
    assert ours["src"] == image.url
    assert ours["alt"] == "Invitations per week"
    assert (ours["width"], ours["height"]) == ("2000", "1200")
    assert ours["srcset"] == ", ".join(
        [*(f"{image.rendition_url(r['name'])} {r['width']}w" for r in image.renditions), f"{image.url} 2000w"]
    )
    assert "480w" in ours["srcset"] and "1600w" in ours["srcset"]
    assert ours["sizes"] and ours["loading"] == "lazy" and ours["decoding"] == "async"
    assert other["loading"] == "lazy" and "srcset" not in other


def test_a_look_alike_url_elsewhere_gets_no_srcset(client):
    image = stored_image()
    post = PostFactory(body=f"![x](https://evil.example{image.url})")
    [tag] = img_tags(post.body_html)
    assert "srcset" not in tag


@pytest.mark.parametrize("count", [1, 12])
def test_the_post_page_runs_the_same_queries_however_many_images(client, count, django_assert_max_num_queries):
    images = [stored_image(alt=f"Picture {n}", size=(1000, 600), name=f"p{n}.png") for n in range(count)]
    post = PostFactory(body="\n\n".join(image.markdown for image in images), cover=images[0])
    with django_assert_max_num_queries(POST_PAGE_QUERIES):
        response = client.get(post.get_absolute_url())
    assert response.content.decode().count("srcset=") == count + 1  # the body's and the cover


# Measured with one image (the test above fails if more images cost more).
POST_PAGE_QUERIES = 9  # + the menu of standalone pages (blog.menu), read once per cache generation


def test_rendering_a_body_looks_its_images_up_in_one_query(django_assert_num_queries):
    images = [stored_image(alt=f"Picture {n}", size=(600, 400), name=f"p{n}.png") for n in range(5)]
    post = Post(body="\n\n".join(image.markdown for image in images))
    with django_assert_num_queries(1):
        post.render()
    assert post.body_html.count("srcset=") == 5


def test_the_cover_is_on_top_of_the_post_not_lazy_and_in_the_share_meta(client):
    cover = stored_image(alt="A handshake across a desk", size=(2400, 1350), name="handshake.jpg", fmt="JPEG")
    post = PostFactory(cover=cover)
    page = client.get(post.get_absolute_url()).content.decode()
    figure = page.split('<figure class="post-cover">')[1].split("</figure>")[0]
    [tag] = img_tags(figure)
    cover_attrs = attrs(tag)
    assert cover_attrs["alt"] == "A handshake across a desk"
    assert (cover_attrs["width"], cover_attrs["height"]) == ("2400", "1350")
    assert "960w" in cover_attrs["srcset"] and cover_attrs["sizes"]
    assert "loading" not in cover_attrs  # above the fold: fetched at once
    og = cover.rendition_url(cover.renditions[-1]["name"])  # the 1600 wide one
    assert f'<meta property="og:image" content="http://testserver{og}">' in page
    assert '<meta property="og:image:alt" content="A handshake across a desk">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert f'<meta name="twitter:image" content="http://testserver{og}">' in page


def test_a_post_without_cover_has_no_figure_and_no_og_image(client):
    page = client.get(PostFactory().get_absolute_url()).content.decode()
    assert "post-cover" not in page and "og:image" not in page


def test_list_cards_show_the_cover_small_and_lazy(client):
    cover = stored_image(alt="Desk", size=(2000, 1000))
    PostFactory(title="With a cover", cover=cover)
    page = client.get("/").content.decode()
    [tag] = [t for t in img_tags(page) if "post-card-cover" in t]
    card = attrs(tag)
    assert card["loading"] == "lazy" and card["alt"] == ""  # decorative: the title beside it says it
    assert (card["width"], card["height"]) == ("128", "64")
    assert card["src"] == cover.rendition_url(cover.renditions[0]["name"])  # the 480 one, not the original
    assert "480w" in card["srcset"]


@pytest.mark.parametrize("path", ["/", "/themes/job-search/", "/archive/", "/search/?q=bulk"])
def test_list_pages_with_covers_on_many_posts_run_a_fixed_number_of_queries(
    client, path, django_assert_max_num_queries
):
    theme = ThemeFactory(name="Job Search", slug="job-search")
    posts = bulk_posts(30, theme=theme, author=StaffFactory(username="writer"))
    cover = stored_image(size=(600, 400))
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(cover=cover)
    # 7: one is the next scheduled publication (blog.cache_keys), read once into the cache
    # (bulk posts skip the signal that writes it there).
    with django_assert_max_num_queries(7):
        response = client.get(path)
    assert response.status_code == 200


def test_changing_a_covers_alt_text_changes_the_cached_page(staff_client):
    client = Client()  # an anonymous reader, served from the page cache
    cover = stored_image(alt="Old words")
    post = PostFactory(cover=cover)
    assert "Old words" in client.get(post.get_absolute_url()).content.decode()
    assert client.get(post.get_absolute_url())["X-Page-Cache"] == "hit"
    response = staff_client.post(reverse("admin:images_image_change", args=[cover.pk]), {"alt": "New words"})
    assert response.status_code == 302
    page = client.get(post.get_absolute_url()).content.decode()
    assert "New words" in page and "Old words" not in page


def test_the_cover_is_chosen_in_the_post_admin_with_a_preview(staff_client):
    cover = stored_image(alt="Cover pick")
    post = PostFactory(cover=cover)
    page = staff_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert "Cover image" in page and 'name="cover"' in page
    assert 'class="cover-preview"' in page and 'class="image-thumbnail"' in page
    assert "admin-autocomplete" in page  # autocomplete over the library
    found = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "cover", "app_label": "blog", "model_name": "post", "field_name": "cover"},
    ).json()
    assert [r["id"] for r in found["results"]] == [str(cover.pk)]
