"""Every comment has a moderation row: those made before this engine (or by xtd itself) get
one from their xtd flags. Removed comments are made hidden to xtd too (one flags table:
comments.moderation.FLAGS)."""

from django.db import migrations, models


def adopt_existing(apps, schema_editor):
    XtdComment = apps.get_model("django_comments_xtd", "XtdComment")
    Moderation = apps.get_model("comments", "Moderation")
    missing = XtdComment.objects.filter(moderation__isnull=True).values_list(
        "pk", "comment", "is_public", "is_removed"
    )
    from blog.markup import MarkupRejected, MarkupTooLong, render_markdown
    from django.utils.html import escape, linebreaks

    def html(text):
        try:
            return render_markdown(text, profile="comment")
        except (MarkupTooLong, MarkupRejected):
            return linebreaks(escape(text))

    batch = []
    for pk, text, is_public, is_removed in missing.iterator(chunk_size=500):
        state = "removed" if is_removed else "published" if is_public else "held"
        batch.append(
            Moderation(comment_id=pk, state=state, reason="adopted", body_html=html(text), announced=True)
        )
        if len(batch) >= 500:
            Moderation.objects.bulk_create(batch)
            batch = []
    Moderation.objects.bulk_create(batch)
    removed = Moderation.objects.filter(state="removed").values("comment_id")
    XtdComment.objects.filter(pk__in=removed).update(is_public=False, is_removed=True)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_moderation_announced"),
        ("django_comments_xtd", "0008_auto_20200920_2037"),
    ]

    operations = [
        migrations.AlterField(
            model_name="moderation",
            name="reason",
            field=models.CharField(
                choices=[
                    ("trusted", "Post author or staff"),
                    ("clean", "Passed every rule"),
                    ("links", "Too many links"),
                    ("moderation_word", "Moderation word"),
                    ("spam_word", "Spam word"),
                    ("first_comment", "First comment from this email"),
                    ("reported", "Reported by readers"),
                    ("moderator", "Decided by a moderator"),
                    ("seeded", "Demo or imported content"),
                    ("adopted", "Made before moderation (django-comments-xtd)"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(adopt_existing, migrations.RunPython.noop),
    ]
