"""Stored, indexed search vectors for posts on PostgreSQL (nothing on other databases).

Two columns, filled by a trigger on every insert and on every update of the title, summary
or body (bulk writes and raw SQL included), each with a GIN index:
    search_vector  title (weight A) + summary (B) + body (C): does a post match?
    title_vector   the title alone: title matches are listed first.
A stored vector lets a search walk posts in date order and test each one cheaply, stopping
after a page, where the expression index of migration 0005 (dropped here) made PostgreSQL
compute the vector of every post it looked at. blog.search reads the columns by name; the
model does not declare them (SQLite has no tsvector; Django never writes them). A trigger
rather than GENERATED columns: a generated column would forbid later migrations from
changing the type of title, summary or body (a longer max_length, say). A migration that
renames one of those columns must recreate the trigger function.
The configuration ("english") is blog.search.SEARCH_CONFIG's.
"""

from importlib import import_module

from django.db import migrations


def vector(row=""):
    """The search vector of a post row (`row`: "NEW." inside the trigger, "" in a plain UPDATE)."""
    return (
        f"setweight(to_tsvector('english'::regconfig, coalesce({row}title, '')), 'A')"
        f" || setweight(to_tsvector('english'::regconfig, coalesce({row}summary, '')), 'B')"
        f" || setweight(to_tsvector('english'::regconfig, coalesce({row}body, '')), 'C')"
    )


def title_vector(row=""):
    return f"to_tsvector('english'::regconfig, coalesce({row}title, ''))"


FORWARD = [
    "ALTER TABLE blog_post ADD COLUMN search_vector tsvector, ADD COLUMN title_vector tsvector",
    f"""CREATE FUNCTION blog_post_search_vectors() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := {vector("NEW.")};
        NEW.title_vector := {title_vector("NEW.")};
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER blog_post_search_vectors BEFORE INSERT OR UPDATE OF title, summary, body ON blog_post"
    " FOR EACH ROW EXECUTE FUNCTION blog_post_search_vectors()",
    f"UPDATE blog_post SET search_vector = {vector()}, title_vector = {title_vector()}",  # noqa: S608 - our own SQL
    "CREATE INDEX blog_post_search_vector_idx ON blog_post USING gin (search_vector)",
    "CREATE INDEX blog_post_title_vector_idx ON blog_post USING gin (title_vector)",
    "DROP INDEX IF EXISTS blog_post_search_idx",
    "ANALYZE blog_post",  # the planner's estimates of how common a word is come from these columns
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS blog_post_search_vectors ON blog_post",
    "DROP FUNCTION IF EXISTS blog_post_search_vectors()",
    "ALTER TABLE blog_post DROP COLUMN IF EXISTS title_vector, DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)
        old = import_module("blog.migrations.0005_post_search_index")
        schema_editor.add_index(apps.get_model("blog", "Post"), old.search_index())


class Migration(migrations.Migration):
    dependencies = [("blog", "0010_legacylink_site")]

    operations = [migrations.RunPython(forward, backward)]
