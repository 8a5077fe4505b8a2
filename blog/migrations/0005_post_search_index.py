"""A GIN index for full-text search of posts on PostgreSQL (nothing on other databases).

The expression is a frozen copy of blog.selectors.post_search_vector(): the query must use
the same expression for PostgreSQL to answer it from this index.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "blog_post_search_idx"


def search_index():
    vector = (
        SearchVector("title", config="english", weight="A")
        + SearchVector("summary", config="english", weight="B")
        + SearchVector("body", config="english", weight="C")
    )
    return GinIndex(vector, name=INDEX_NAME)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("blog", "Post"), search_index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("blog", "Post"), search_index())


class Migration(migrations.Migration):
    dependencies = [("blog", "0004_legacylink")]

    operations = [migrations.RunPython(add_index, remove_index)]
