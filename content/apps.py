from django.apps import AppConfig


class ContentConfig(AppConfig):
    """Imported and demo content: the Blogger and WordPress importers and the demo blog.

    Above both `blog` and `comments` (it writes posts through blog's models and comments
    through comments.moderation); neither of them imports it.
    """

    name = "content"
    verbose_name = "Imported and demo content"
