# Indexes on django-comments-xtd's and django-contrib-comments' tables (their models are
# not ours to change, so plain SQL, valid on SQLite and PostgreSQL). See bench/explain.py.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0001_initial'),
        ('django_comments', '0004_add_object_pk_is_removed_index'),
        ('django_comments_xtd', '0008_auto_20200920_2037'),
    ]

    operations = [
        # A post's thread in tree order (comments.selectors.thread_page orders by
        # (thread_id, order)); xtd's Max/Min("order") and order shifts when a reply is placed.
        migrations.RunSQL(
            sql='CREATE INDEX IF NOT EXISTS "comments_xtd_thread_order_idx" '
            'ON "django_comments_xtd_xtdcomment" ("thread_id", "order")',
            reverse_sql='DROP INDEX IF EXISTS "comments_xtd_thread_order_idx"',
        ),
        # The "first comment from this email" rule looks up user_email__iexact, which
        # PostgreSQL runs as UPPER(user_email) = UPPER(%s): without this, a full scan per
        # comment posted. (SQLite runs iexact as LIKE and ignores it.)
        migrations.RunSQL(
            sql='CREATE INDEX IF NOT EXISTS "comments_email_ci_idx" ON "django_comments" (UPPER("user_email"))',
            reverse_sql='DROP INDEX IF EXISTS "comments_email_ci_idx"',
        ),
    ]
