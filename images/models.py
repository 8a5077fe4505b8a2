from django.conf import settings
from django.db import models
from django.utils.functional import cached_property

# Every stored file lives under this folder of the default storage (originals and renditions).
UPLOAD_DIRECTORY = "images"


class Image(models.Model):
    """An uploaded picture: the re-encoded original (no metadata) and its smaller renditions.

    `renditions` lists each stored width with its storage name, narrowest first, so a page
    builds `srcset` from this row alone (no query, no storage call but url()). Files are
    written by images.services, the one writer, and deleted with the row (images.signals).
    """

    file = models.FileField(
        max_length=255, editable=False, help_text="The re-encoded original, in the default storage."
    )
    alt = models.CharField(
        "alt text",
        max_length=300,
        help_text="What the image shows, for readers who cannot see it (screen readers, slow connections). Required.",
    )
    original_name = models.CharField(max_length=255, blank=True, editable=False, help_text="The uploaded file's name.")
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    format = models.CharField(max_length=10, editable=False, help_text="JPEG, PNG, WEBP or GIF.")
    bytes = models.PositiveIntegerField(editable=False, help_text="Of the stored original.")
    renditions = models.JSONField(
        default=list, blank=True, editable=False, help_text='[{"width": 480, "height": 320, "name": "images/…"}]'
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["file"], name="images_image_file_idx")]

    def __str__(self):
        return f"{self.alt} ({self.original_name or self.file.name.rsplit('/', 1)[-1]})"

    @cached_property
    def url(self):
        """The original's URL, as Markdown references it (relative with local storage)."""
        return self.file.storage.url(self.file.name)

    def rendition_url(self, name):
        return self.file.storage.url(name)

    @property
    def candidates(self):
        """[(url, width, height)] of every stored size, narrowest first, the original last."""
        sizes = [(self.rendition_url(r["name"]), r["width"], r["height"]) for r in self.renditions]
        return [*sizes, (self.url, self.width, self.height)]

    @property
    def srcset(self):
        return ", ".join(f"{url} {width}w" for url, width, _height in self.candidates)

    def closest(self, width):
        """(url, width, height) of the narrowest size at least `width` wide (else the original)."""
        for candidate in self.candidates:
            if candidate[1] >= width:
                return candidate
        return self.candidates[-1]

    @property
    def markdown(self):
        return markdown_for(self.alt, self.url)

    @property
    def file_names(self):
        return [self.file.name, *(r["name"] for r in self.renditions)]


def markdown_for(alt, url):
    """`![alt](url)` with the alt text escaped for Markdown (brackets, backslashes, line breaks)."""
    text = " ".join((alt or "").split())
    for char in "\\[]":
        text = text.replace(char, "\\" + char)
    url = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"![{text}]({url})"
