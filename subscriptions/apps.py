from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Email subscriptions"

    def ready(self):
        from comments import privacy as data_requests

        from . import privacy, receivers

        receivers.connect()
        # A reader's data request (manage.py privacy_export / privacy_erase, the queue's actions)
        # covers their subscriptions and what was sent to them.
        data_requests.register("subscriptions", export=privacy.export, erase=privacy.erase)
