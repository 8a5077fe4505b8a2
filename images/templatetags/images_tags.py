from django import template
from django.utils.html import format_html

from ..rendering import BODY_SIZES, CARD_SIZES, CARD_WIDTH, image_html

register = template.Library()


@register.simple_tag
def cover_image(image):
    """The cover at the top of a post: above the fold, so loaded at once (not lazy).

    No fetchpriority="high": the Nu HTML Checker the tests run does not know it yet."""
    return image_html(image, sizes=BODY_SIZES, loading=None, css_class="post-cover-image")


@register.simple_tag
def card_image(image):
    """The small cover beside a list card's excerpt: lazy; decorative (the title says it all)."""
    return image_html(image, sizes=CARD_SIZES, alt="", css_class="post-card-cover", width=CARD_WIDTH)


@register.simple_tag(takes_context=True)
def absolute_media_url(context, url):
    """`url` as an absolute URL (storage URLs are relative on local disk, absolute on S3)."""
    return context["request"].build_absolute_uri(url)


@register.simple_tag(takes_context=True)
def social_image_meta(context, image):
    """og:image and twitter:image meta tags for `image`: absolute URL, about 1,200 pixels wide."""
    url, width, height = image.closest(1200)
    url = context["request"].build_absolute_uri(url)
    return format_html(
        '<meta property="og:image" content="{}">\n'
        '  <meta property="og:image:width" content="{}">\n'
        '  <meta property="og:image:height" content="{}">\n'
        '  <meta property="og:image:alt" content="{}">\n'
        '  <meta name="twitter:card" content="summary_large_image">\n'
        '  <meta name="twitter:image" content="{}">\n'
        '  <meta name="twitter:image:alt" content="{}">',
        url,
        width,
        height,
        image.alt,
        url,
        image.alt,
    )
