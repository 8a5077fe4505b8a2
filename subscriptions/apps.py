from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Email subscriptions"

    def ready(self):
        from . import receivers

        receivers.connect()
