# Indexes for the filters and orderings of the public pages (see bench/explain.py).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0002_tag_ordering'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Theme pages and their counts: one theme's public posts, newest first.
        migrations.AddIndex(
            model_name='post',
            index=models.Index(fields=['theme', 'status', 'published_at'], name='blog_post_theme_pub_idx'),
        ),
        # Tag pages, related tags and Relevant Discussions go from tags to posts: with both
        # columns in the index that is an index-only scan (Django's auto-created through
        # table has (post_id, tag_id) unique, and single-column indexes). The through model
        # is Django's, so plain SQL (valid on SQLite and PostgreSQL).
        migrations.RunSQL(
            sql='CREATE INDEX IF NOT EXISTS "blog_post_tags_tag_post_idx" ON "blog_post_tags" ("tag_id", "post_id")',
            reverse_sql='DROP INDEX IF EXISTS "blog_post_tags_tag_post_idx"',
        ),
    ]
