"""Images in a real browser: the cover and body images load, the right rendition is chosen for
the screen, the space is kept before an image arrives (no layout shift), the HTML is valid and
axe finds nothing serious."""

import pytest

from ..factories import PostFactory
from ..imaging import stored_image
from .test_valid_html import vnu  # noqa: F401 - the Nu HTML Checker fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def illustrated(site, settings):
    settings.ROOT_URLCONF = "tests.e2e.media_urls"
    cover = stored_image(alt="A tidy desk with a laptop", size=(2400, 1350), name="desk.png")
    chart = stored_image(alt="Bar chart of invitations per week", size=(1600, 900), name="chart.png")
    filler = ["Filler text to push the chart down the page."] * 12
    body = "\n\n".join(["An opening paragraph.", *filler, chart.markdown])
    post = PostFactory(title="Illustrated advice", body=body, cover=cover, tags=[])
    return post, cover, chart


def natural_width(locator):
    return locator.evaluate("img => img.complete ? img.naturalWidth : 0")


@pytest.mark.parametrize(("width", "height", "rendition"), [(390, 844, "-480w.png"), (1280, 900, "-960w.png")])
def test_cover_and_body_images_load_the_rendition_that_fits(new_context, illustrated, width, height, rendition):
    post, _cover, _chart = illustrated
    page = new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(post.get_absolute_url())
    cover = page.locator(".post-cover img")
    page.wait_for_function("() => document.querySelector('.post-cover img').complete")
    assert natural_width(cover) > 0
    assert cover.evaluate("img => img.currentSrc").endswith(rendition)

    chart = page.locator(".post-body img")
    box = chart.bounding_box()  # before it loads, lazily: width/height keep its place
    assert abs(box["height"] - box["width"] * 900 / 1600) <= 1
    chart.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.post-body img').naturalWidth > 0")
    assert chart.evaluate("img => img.currentSrc").endswith(rendition)
    assert chart.get_attribute("alt") == "Bar chart of invitations per week"


def test_list_card_shows_the_small_cover(page, illustrated):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    card_image = page.locator(".post-card-cover")
    card_image.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.post-card-cover').naturalWidth > 0")
    assert card_image.evaluate("img => img.currentSrc").endswith("-480w.png")
    assert card_image.bounding_box()["width"] <= 128


def test_illustrated_pages_are_valid_html_and_accessible(page, illustrated, vnu, axe, tmp_path):  # noqa: F811
    post, _cover, _chart = illustrated
    documents = {"post": page.request.get(post.get_absolute_url()).text(), "home": page.request.get("/").text()}
    errors = vnu(documents, tmp_path)
    assert not errors, "\n".join(errors)
    page.goto(post.get_absolute_url())
    problems = axe(page)
    assert not problems, "\n".join(problems)
