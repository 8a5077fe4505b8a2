"""The queue's proxy model shows comments in every state: HeldComment -> ModeratedComment.
Its content type and permissions are renamed with it; /admin/comments/heldcomment/ (in
emails already sent) redirects (config/urls.py)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0004_adopt_existing_comments"),
        ("django_comments_xtd", "0008_auto_20200920_2037"),
    ]

    operations = [
        migrations.RenameModel(old_name="HeldComment", new_name="ModeratedComment"),
    ]
