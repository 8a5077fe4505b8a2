"""From an uploaded file to what we store: validated, re-encoded, without metadata, resized.

Pure functions over Pillow, no database and no storage: `prepare(file)` returns a
`Prepared` image (the re-encoded original and its renditions, as bytes) or raises
`ImageRejected` with a message for the author and the HTTP status that fits.

Checks, cheapest first: the byte size (before Pillow reads anything), what Pillow makes of
the header (a real JPEG, PNG, WebP or GIF, whatever the file is called), the pixel count
the header declares (before a single pixel is decoded: a tiny PNG that claims 100,000 x
100,000 pixels is a decompression bomb), then `verify()` and a full decode.

Metadata: EXIF orientation is applied to the pixels (ImageOps.exif_transpose), then the
image is saved from its pixels alone: no EXIF (GPS, camera, time), no XMP, no comments,
no text chunks. The ICC colour profile is kept, so colours stay as the camera meant them.
"""

import io
import struct
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> (file extension, content type).
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
    "GIF": ("gif", "image/gif"),
}
NOT_AN_IMAGE = "This file is not an image Pillow can read (JPEG, PNG, WebP or GIF). Please choose a picture file."


class ImageRejected(ValueError):
    """The upload cannot be stored; `message` is for the author, `status` for an HTTP answer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Rendition:
    width: int
    height: int
    content: bytes


@dataclass
class Prepared:
    """What gets stored: the re-encoded original and its smaller renditions."""

    format: str  # Pillow's name: JPEG, PNG, WEBP, GIF
    width: int
    height: int
    content: bytes
    renditions: list = field(default_factory=list)  # [Rendition], narrowest first

    @property
    def extension(self):
        return FORMATS[self.format][0]

    @property
    def content_type(self):
        return FORMATS[self.format][1]


def max_bytes():
    return settings.BLOG_IMAGE_MAX_BYTES


def max_pixels():
    return settings.BLOG_IMAGE_MAX_PIXELS


def too_big_message(size=None):
    got = f"This file is {filesizeformat(size)}; " if size else "This file is too big; "
    return f"{got}images can be at most {filesizeformat(max_bytes())}. Please upload a smaller or compressed version."


def check_size(size):
    """Refuse by the byte size alone (ImageRejected, status 413)."""
    if size is not None and size > max_bytes():
        raise ImageRejected(too_big_message(size), status=413)


def prepare(file):
    """Validate and re-encode an uploaded file (a Django UploadedFile or any binary file object)."""
    check_size(getattr(file, "size", None))
    file.seek(0)
    with warnings.catch_warnings():
        # Pillow warns past Image.MAX_IMAGE_PIXELS and raises past twice that; our own,
        # lower limit is checked first, and any bomb warning is a refusal, never a log line.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _prepare(file)
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected(_pixels_message()) from None
        except UnidentifiedImageError:
            raise ImageRejected(NOT_AN_IMAGE) from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error):
            # A damaged or truncated file: Pillow read the header but not the pixels.
            raise ImageRejected(
                "This image file is damaged or incomplete, so it cannot be read. "
                "Please export it again and upload the new file."
            ) from None


def _pixels_message(width=None, height=None):
    size = f"This image is {width:,} × {height:,} pixels; " if width else "This image has too many pixels; "
    return (
        f"{size}the limit is {max_pixels() / 1_000_000:g} megapixels. "
        "Please resize it (for the web, 2,000 pixels wide is plenty)."
    )


def _prepare(file):
    with Image.open(file) as probe:
        kind = probe.format
        if kind not in FORMATS:
            raise ImageRejected(
                f"{kind or 'This'} images are not accepted: please upload a JPEG, PNG, WebP or GIF.", status=400
            )
        width, height = probe.size
        frames = getattr(probe, "n_frames", 1)
        if width * height * frames > max_pixels():
            raise ImageRejected(_pixels_message(width, height))
        probe.verify()  # checksums and structure, without decoding the pixels
    file.seek(0)
    with Image.open(file) as image:
        image.load()  # decodes every pixel of the first frame: truncated data fails here
        if getattr(image, "is_animated", False):
            return _prepare_animation(image, kind)
        image = ImageOps.exif_transpose(image)
        icc_profile = image.info.get("icc_profile")
        # Nothing from the file is written back but the pixels, their transparency and the ICC profile.
        image.info = {key: image.info[key] for key in ("transparency",) if key in image.info}
        original = _encode(image, kind, icc_profile)
        renditions = []
        for target in sorted(set(settings.BLOG_IMAGE_WIDTHS)):
            if target >= image.width:
                break  # never upscaled; the original serves the widest
            rendition_height = max(1, round(image.height * target / image.width))
            resized = _resizable(image).resize((target, rendition_height), Image.Resampling.LANCZOS)
            renditions.append(Rendition(target, rendition_height, _encode(resized, kind, icc_profile)))
        return Prepared(kind, image.width, image.height, original, renditions)


def _prepare_animation(image, kind):
    """Animated GIF or WebP: every frame re-encoded (the metadata goes), no renditions."""
    frames = []
    durations = []
    for index in range(image.n_frames):
        image.seek(index)
        frames.append(image.convert("RGBA"))
        durations.append(image.info.get("duration", 100))
    out = io.BytesIO()
    frames[0].save(
        out,
        format=kind,
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=image.info.get("loop", 0),
        **({"quality": 85} if kind == "WEBP" else {}),
    )
    return Prepared(kind, image.width, image.height, out.getvalue(), [])


def _resizable(image):
    """Palette and 1-bit images are resized in RGB(A), so that LANCZOS can blend their pixels."""
    if image.mode in {"P", "1", "LA", "PA"} or (image.mode == "L" and "transparency" in image.info):
        return image.convert("RGBA")
    if image.mode == "I;16":
        return image.convert("I")
    return image


def _encode(image, kind, icc_profile):
    out = io.BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if kind == "JPEG":
        if image.mode not in {"RGB", "L", "CMYK"}:
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=85, optimize=True, progressive=True, **options)
    elif kind == "PNG":
        image.save(out, format="PNG", optimize=True, **options)
    elif kind == "WEBP":
        image.save(out, format="WEBP", quality=85, method=4, **options)
    else:  # a still GIF
        if image.mode not in {"P", "L"}:
            image = image.convert("P", palette=Image.Palette.ADAPTIVE)
        image.save(out, format="GIF", optimize=True)
    return out.getvalue()
