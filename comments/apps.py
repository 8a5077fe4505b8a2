from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Reader comments"

    def ready(self):
        from . import checks, moderation, receivers  # noqa: F401 - checks registers itself

        moderation.register()
        receivers.connect()
