"""The one writer of images: validate an upload, store its files, create the row.

Used by the upload endpoint the post editor calls and by the admin's add form alike.
Everything goes through the default storage (local disk or S3), never a path.
"""

import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .models import UPLOAD_DIRECTORY, Image
from .processing import ImageRejected, prepare

ALT_MAX_LENGTH = Image._meta.get_field("alt").max_length


ALT_REQUIRED = (
    "Please describe the image in the alt text (for example “Bar chart of interview invitations per week”): "
    "readers who cannot see it hear that instead."
)


def clean_alt(alt):
    """The alt text, trimmed; ImageRejected when there is none or it is too long."""
    alt = " ".join((alt or "").split())
    if not alt:
        raise ImageRejected(ALT_REQUIRED)
    if len(alt) > ALT_MAX_LENGTH:
        raise ImageRejected(f"The alt text is {len(alt)} characters long; please keep it under {ALT_MAX_LENGTH}.")
    return alt


def create_image(file, *, alt, user=None):
    """Validate `file` (an UploadedFile), store it and its renditions, and return the new Image.

    Raises ImageRejected (message, status) and stores nothing when the upload is refused.
    """
    alt = clean_alt(alt)
    prepared = prepare(file)
    return store(prepared, alt=alt, original_name=getattr(file, "name", "") or "", user=user)


def _storage():
    return Image._meta.get_field("file").storage


def store(prepared, *, alt, original_name, user=None, instance=None):
    """Save the files of `prepared` and the row (`instance`, an unsaved Image, when the admin has one)."""
    storage = _storage()
    stem = slugify(original_name.rsplit(".", 1)[0])[:60].strip("-") or "image"
    base = f"{UPLOAD_DIRECTORY}/{timezone.now():%Y/%m}/{secrets.token_hex(4)}-{stem}"
    saved = []

    def save(name, content):
        file = ContentFile(content, name=name)
        file.content_type = prepared.content_type  # S3 Content-Type, whatever the extension says
        stored = storage.save(name, file)
        saved.append(stored)
        return stored

    try:
        name = save(f"{base}.{prepared.extension}", prepared.content)
        renditions = [
            {"width": r.width, "height": r.height, "name": save(f"{base}-{r.width}w.{prepared.extension}", r.content)}
            for r in prepared.renditions
        ]
        image = instance if instance is not None else Image()
        image.file = name
        image.alt = alt
        image.original_name = original_name[:255]
        image.width, image.height = prepared.width, prepared.height
        image.format = prepared.format
        image.bytes = len(prepared.content)
        image.renditions = renditions
        image.uploaded_by = user if user is not None and user.is_authenticated else None
        with transaction.atomic():
            image.save()
        return image
    except BaseException:
        for stored in saved:  # no row, no files
            storage.delete(stored)
        raise
