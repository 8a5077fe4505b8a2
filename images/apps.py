from django.apps import AppConfig


class ImagesConfig(AppConfig):
    """Uploaded images: validated, re-encoded without metadata, with renditions for srcset.

    At the bottom of the layers beside blog/: it imports nothing from blog, comments or
    content (tests/test_layers.py); blog links to it (Post.cover, Post.render's resolver).
    """

    name = "images"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
