"""Pictures made with Pillow for the image tests (no binary fixtures), and the upload call."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def picture(fmt="PNG", size=(2000, 1200), *, exif=None, color=(30, 120, 200)):
    """The bytes of a real image in `fmt`, with a gradient (so JPEG has something to encode)."""
    image = Image.new("RGB", size, color)
    gradient = Image.linear_gradient("L").resize(size)
    image.putalpha(gradient)
    if fmt == "JPEG":
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def gps_exif(orientation=None):
    """EXIF with a GPS position (and an orientation tag, when given), as a camera phone writes."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if orientation:
        exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    return exif


def png_bomb(width=60_000, height=60_000):
    """A PNG of a few hundred bytes whose header declares width x height pixels."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    data = zlib.compress(b"\x00" * 10_000, 9)  # the start of an all-black image
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def upload_file(content, name="chart.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def upload(client, content=None, *, name="chart.png", alt="A bar chart", **extra):
    """POST to the editor's upload endpoint, as its JavaScript does."""
    data = {"file": upload_file(picture() if content is None else content, name)}
    if alt is not None:
        data["alt"] = alt
    return client.post(reverse("admin:images_image_upload"), data, **extra)


def stored_image(alt="A bar chart", size=(2000, 1200), fmt="PNG", name="chart.png"):
    """An Image stored through the one writer (images.services)."""
    from images.services import create_image

    return create_image(upload_file(picture(fmt, size), name), alt=alt)
