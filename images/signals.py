"""An image's files leave the storage with its row (the admin's delete, a bulk delete alike)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Image


@receiver(post_delete, sender=Image)
def delete_files(sender, instance, **kwargs):
    storage = instance.file.storage
    names = instance.file_names

    def delete():
        for name in names:
            storage.delete(name)

    # After the commit: a delete rolled back must not leave a row without its files.
    transaction.on_commit(delete)
