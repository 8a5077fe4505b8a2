"""Uploading images through the admin: the editor's JSON endpoint and the media library."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage

from blog.markup import render_markdown
from images.models import Image

from .factories import PostFactory, StaffFactory, UserFactory
from .imaging import GPS_IFD, gps_exif, picture, png_bomb, stored_image, upload, upload_file

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/images/image/upload/"


def stored(name):
    with default_storage.open(name) as file:
        return PILImage.open(io.BytesIO(file.read()))


def test_the_upload_url_is_named_for_the_editor():
    assert reverse("admin:images_image_upload") == UPLOAD_URL


def test_uploading_a_png_stores_it_with_renditions_and_returns_its_markdown(staff_client):
    response = upload(
        staff_client, picture("PNG", (2000, 1200)), name="Interview Chart.png", alt="Invitations per week"
    )
    assert response.status_code == 201
    body = response.json()
    image = Image.objects.get()
    assert body == {
        "id": image.pk,
        "url": image.url,
        "markdown": f"![Invitations per week]({image.url})",
        "width": 2000,
        "height": 1200,
    }
    assert body["url"].startswith("/media/images/") and body["url"].endswith("-interview-chart.png")
    assert (image.format, image.original_name, image.uploaded_by.username) == ("PNG", "Interview Chart.png", "editor")
    assert [(r["width"], r["height"]) for r in image.renditions] == [(480, 288), (960, 576), (1600, 960)]
    for name in image.file_names:
        assert default_storage.exists(name), name
    assert stored(image.renditions[0]["name"]).size == (480, 288)
    assert image.bytes == default_storage.size(image.file.name)


def test_uploading_a_jpeg_stores_a_jpeg_never_upscaled(staff_client):
    response = upload(staff_client, picture("JPEG", (1000, 500)), name="photo.jpg", alt="The office")
    assert response.status_code == 201
    image = Image.objects.get()
    assert image.format == "JPEG" and image.file.name.endswith(".jpg")
    assert [r["width"] for r in image.renditions] == [480, 960]  # no 1600: wider than the original
    assert stored(image.file.name).format == "JPEG"
    assert response.json()["width"] == 1000


def test_a_small_image_has_no_renditions(staff_client):
    assert upload(staff_client, picture("WEBP", (300, 200)), name="icon.webp").status_code == 201
    image = Image.objects.get()
    assert (image.format, image.renditions) == ("WEBP", [])
    assert image.srcset == f"{image.url} 300w"


def assert_refused(response, status, words):
    assert response.status_code == status, response.content
    assert words in response.json()["error"]
    assert not Image.objects.exists()
    assert not default_storage.exists("images") or default_storage.listdir("images") == ([], [])


def test_a_text_file_named_png_is_refused(staff_client):
    response = upload(staff_client, b"just some text, not a picture\n" * 20, name="notes.png")
    assert_refused(response, 400, "This file is not an image Pillow can read (JPEG, PNG, WebP or GIF)")


def test_another_image_format_is_refused(staff_client):
    out = io.BytesIO()
    PILImage.new("RGB", (20, 20)).save(out, format="BMP")
    assert_refused(upload(staff_client, out.getvalue(), name="x.bmp"), 400, "BMP images are not accepted")


def test_a_truncated_image_is_refused(staff_client):
    content = picture("PNG", (400, 300))
    assert_refused(upload(staff_client, content[: len(content) // 2]), 400, "damaged or incomplete")


def test_an_oversize_file_is_refused_with_413_while_it_is_read(staff_client, settings):
    settings.BLOG_IMAGE_MAX_BYTES = 500
    content = picture("PNG", (400, 300))
    assert len(content) > 500
    # "too big", not "This file is 1.2 KB": the upload handler skipped it before it was stored.
    assert_refused(upload(staff_client, content), 413, "This file is too big; images can be at most 500\xa0bytes")


def test_the_add_form_refuses_an_oversize_file_with_its_size(staff_client, settings):
    settings.BLOG_IMAGE_MAX_BYTES = 500
    content = picture("PNG", (400, 300))
    response = staff_client.post(reverse("admin:images_image_add"), {"upload": upload_file(content), "alt": "Big"})
    assert response.status_code == 200
    assert f"This file is {filesizeformat(len(content))}; images can be at most 500" in response.content.decode()
    assert not Image.objects.exists()


@pytest.mark.parametrize(
    ("width", "height", "words"),
    [
        (60_000, 60_000, "too many pixels; the limit is 40 megapixels"),  # past Pillow's own bomb limit
        (10_000, 5_000, "10,000 × 5,000 pixels; the limit is 40 megapixels"),  # past ours only
    ],
)
def test_a_decompression_bomb_is_refused(staff_client, width, height, words):
    bomb = png_bomb(width, height)
    assert len(bomb) < 1_000
    assert_refused(upload(staff_client, bomb, name="tiny.png"), 400, words)


def test_the_pixel_limit_is_a_setting(staff_client, settings):
    settings.BLOG_IMAGE_MAX_PIXELS = 100 * 100
    assert_refused(upload(staff_client, picture("PNG", (101, 100))), 400, "101 × 100 pixels; the limit is 0.01")
    assert upload(staff_client, picture("PNG", (100, 100))).status_code == 201


@pytest.mark.parametrize("alt", [None, "", "   "])
def test_missing_alt_text_is_refused(staff_client, alt):
    assert_refused(upload(staff_client, alt=alt), 400, "describe the image in the alt text")


def test_overlong_alt_text_is_refused(staff_client):
    assert_refused(upload(staff_client, alt="x" * 301), 400, "keep it under 300")


def test_a_missing_file_is_refused(staff_client):
    response = staff_client.post(UPLOAD_URL, {"alt": "x"})
    assert response.status_code == 400 and "Choose an image file" in response.json()["error"]


def test_get_on_the_upload_url_is_405(staff_client):
    response = staff_client.get(UPLOAD_URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_visitors_and_readers_cannot_upload_and_are_told_in_json(client):
    response = upload(client)
    assert response.status_code == 403 and "log in again" in response.json()["error"]
    client.force_login(UserFactory(username="reader"))
    response = upload(client)
    assert response.status_code == 403 and "log in again" in response.json()["error"]
    assert not Image.objects.exists()


def test_staff_without_the_add_permission_cannot_upload(client):
    user = StaffFactory(username="intern", is_superuser=False)
    client.force_login(user)
    response = upload(client)
    assert response.status_code == 403 and "permission" in response.json()["error"]
    user.user_permissions.add(Permission.objects.get(codename="add_image"))
    client.force_login(user)
    assert upload(client).status_code == 201


def test_the_endpoint_needs_the_csrf_token_in_the_header(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert upload(client).status_code == 403
    assert not Image.objects.exists()
    client.get(reverse("admin:index"))  # sets the csrftoken cookie
    response = upload(client, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 201


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_gps_and_all_exif_are_gone_and_the_orientation_is_applied(staff_client, fmt):
    # A phone photo: stored 2000 x 1000 sideways, with "rotate 90° clockwise to view" (6) and GPS.
    content = picture(fmt, (2000, 1000), exif=gps_exif(orientation=6))
    assert PILImage.open(io.BytesIO(content)).getexif().get_ifd(GPS_IFD)  # the test picture has GPS
    assert upload(staff_client, content, name=f"phone.{fmt.lower()}").status_code == 201
    image = Image.objects.get()
    assert (image.width, image.height) == (1000, 2000)  # turned upright
    for name in image.file_names:
        picture_stored = stored(name)
        assert "exif" not in picture_stored.info, name
        assert dict(picture_stored.getexif()) == {}, name
        assert picture_stored.height > picture_stored.width, name


def test_png_text_metadata_is_stripped(staff_client):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Jane Doe, 12 Secret Street")
    out = io.BytesIO()
    PILImage.new("RGB", (600, 400), "white").save(out, format="PNG", pnginfo=info, exif=gps_exif())
    assert upload(staff_client, out.getvalue()).status_code == 201
    for name in Image.objects.get().file_names:
        assert "Author" not in stored(name).info and "exif" not in stored(name).info
        assert b"Secret Street" not in default_storage.open(name).read()


def test_alt_text_is_escaped_in_the_markdown(staff_client):
    alt = "A [tricky] alt \\ with brackets"
    body = upload(staff_client, alt=alt).json()
    assert body["markdown"] == f"![A \\[tricky\\] alt \\\\ with brackets]({body['url']})"
    html = render_markdown(body["markdown"], "post")
    assert f'alt="{alt}"' in html and body["url"] in html


def test_an_animated_gif_keeps_its_frames(staff_client):
    frames = [PILImage.new("RGB", (50, 40), color) for color in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert upload(staff_client, out.getvalue(), name="wave.gif").status_code == 201
    image = Image.objects.get()
    assert image.format == "GIF" and stored(image.file.name).n_frames == 3


# The media library ---------------------------------------------------------------------------


def test_the_add_form_uploads_without_javascript_and_shows_the_markdown(staff_client):
    response = staff_client.post(
        reverse("admin:images_image_add"),
        {"upload": upload_file(picture("PNG", (1200, 800))), "alt": "Team at a whiteboard"},
        follow=True,
    )
    image = Image.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:images_image_change", args=[image.pk])
    page = response.content.decode()
    assert "Copy its Markdown below" in page
    assert f"![Team at a whiteboard]({image.url})</textarea>" in page
    assert 'srcset="' in page and image.uploaded_by.username == "editor"
    assert all(default_storage.exists(name) for name in image.file_names)


def test_the_add_form_explains_a_bad_file_and_keeps_the_alt_text(staff_client):
    response = staff_client.post(
        reverse("admin:images_image_add"),
        {"upload": upload_file(b"not an image", "cv.png"), "alt": "My carefully written alt"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This file is not an image Pillow can read" in page
    assert 'value="My carefully written alt"' in page
    assert not Image.objects.exists()


def test_the_add_form_needs_alt_text(staff_client):
    response = staff_client.post(reverse("admin:images_image_add"), {"upload": upload_file(picture()), "alt": " "})
    assert response.status_code == 200 and "describe the image in the alt text" in response.content.decode()
    assert not Image.objects.exists()


@pytest.mark.parametrize("count", [3, 30])
def test_the_library_lists_thumbnails_in_a_fixed_number_of_queries(staff_client, count, django_assert_max_num_queries):
    images = [stored_image(alt=f"Picture {n}", size=(900, 600), name=f"p{n}.png") for n in range(count)]
    with django_assert_max_num_queries(9):
        response = staff_client.get(reverse("admin:images_image_changelist"))
    page = response.content.decode()
    assert page.count('class="image-thumbnail"') == count
    # The thumbnail is the smallest rendition, not the original.
    assert images[0].rendition_url(images[0].renditions[0]["name"]) in page
    assert 'name="form-0-alt"' in page  # alt text editable in the list


def test_alt_text_is_edited_in_the_list(staff_client):
    image = stored_image(alt="Old text")
    response = staff_client.post(
        reverse("admin:images_image_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(image.pk),
            "form-0-alt": "A clearer description",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.alt == "A clearer description"


def test_the_library_searches_alt_text_and_file_names(staff_client):
    stored_image(alt="Salary chart", name="money.png", size=(100, 100))
    stored_image(alt="Handshake", name="greeting.png", size=(100, 100))
    url = reverse("admin:images_image_changelist")
    assert "Salary chart" in (page := staff_client.get(url, {"q": "salary"}).content.decode())
    assert "Handshake" not in page
    assert "Handshake" in (page := staff_client.get(url, {"q": "greeting"}).content.decode())
    assert "Salary chart" not in page


def test_deleting_an_image_deletes_its_files_and_unsets_covers(staff_client, django_capture_on_commit_callbacks):
    image = stored_image()
    post = PostFactory(body=f"Intro\n\n{image.markdown}", cover=image)
    assert "srcset" in post.body_html
    names = image.file_names
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("admin:images_image_delete", args=[image.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not any(default_storage.exists(name) for name in names)
    post.refresh_from_db()
    assert post.cover is None
    assert "srcset" not in post.body_html and 'loading="lazy"' in post.body_html
