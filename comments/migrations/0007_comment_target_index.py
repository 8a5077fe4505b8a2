# An index on django-contrib-comments' table for "the comments on this object", which every
# post page reads (comments.selectors.post_comments: content_type, object_pk, site_id).
# Without it, SQLite (no statistics until someone runs ANALYZE) reads a post's thread
# through the site_id index, that is every comment of the site (many times slower beside
# tens of thousands of other comments; bench/comments_bench.py). PostgreSQL
# has statistics and takes object_pk's index; this one serves it too. Plain SQL, valid on
# SQLite and PostgreSQL: the model is not ours (as in 0002_indexes).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0006_xtd_thread_row'),
        ('django_comments', '0004_add_object_pk_is_removed_index'),
    ]

    operations = [
        migrations.RunSQL(
            sql='CREATE INDEX IF NOT EXISTS "comments_target_idx" '
            'ON "django_comments" ("content_type_id", "object_pk", "site_id")',
            reverse_sql='DROP INDEX IF EXISTS "comments_target_idx"',
        ),
    ]
