"""How our images appear in HTML: responsive <img> attributes, from the stored row alone.

`attributes_for(srcs)` is the resolver Post.render passes to blog.markup.render_markdown:
one query for all the images of a post body, at save time; the page view adds none.
"""

from urllib.parse import unquote, urlsplit

from django.utils.html import format_html

from .models import UPLOAD_DIRECTORY, Image

# The post column: at most 40rem wide (--measure 42rem less the padding), else the viewport less it.
BODY_SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
# List cards show a small thumbnail beside the excerpt (site.css .post-card-cover).
CARD_SIZES = "8rem"
CARD_WIDTH = 128


def _storage_name(src):
    """The storage name an image URL of ours would carry ("images/2026/12/ab12-x.png"), or None."""
    path = unquote(urlsplit(src).path)
    index = path.find(f"{UPLOAD_DIRECTORY}/")
    return path[index:] if index >= 0 else None


def attributes_for(srcs):
    """{src: {"width", "height", "srcset", "sizes"}} for each URL in `srcs` that is one of our images."""
    names = {src: name for src in set(srcs) if src and (name := _storage_name(src))}
    if not names:
        return {}
    images = {image.file.name: image for image in Image.objects.filter(file__in=set(names.values()))}
    found = {}
    for src, name in names.items():
        image = images.get(name)
        if image is not None and image.url == src:  # the very URL we gave out, not a look-alike elsewhere
            found[src] = {
                "width": image.width,
                "height": image.height,
                "srcset": image.srcset,
                "sizes": BODY_SIZES,
            }
    return found


def image_html(image, *, sizes, loading="lazy", alt=None, css_class="", width=None):
    """An <img> for `image` with srcset, sizes and its intrinsic width/height (no layout shift).

    `width`: display width in CSS pixels, when the image is shown small (the src is then the
    closest rendition, and width/height keep the aspect ratio).
    """
    src, shown_width, shown_height = image.closest(width) if width else (image.url, image.width, image.height)
    if width:
        shown_width, shown_height = width, max(1, round(image.height * width / image.width))
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}{} decoding="async">',
        src,
        image.srcset,
        sizes,
        shown_width,
        shown_height,
        image.alt if alt is None else alt,
        format_html(' class="{}"', css_class) if css_class else "",
        format_html(' loading="{}"', loading) if loading else "",
    )
