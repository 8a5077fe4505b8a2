"""Exports WordPress itself accepts: namespaces, repeated menu ids, "<!ENTITY" in text, broken XML, Takeout."""

import pytest
from django.core.management import CommandError
from django_comments_xtd.models import XtdComment

from blog.models import LegacyLink, Post

from .factories import UserFactory
from .importing import FIXTURES, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(db):
    return UserFactory(username="dana", email="dana@example.com")


@pytest.mark.parametrize(
    "namespace",
    [
        "https://wordpress.org/export/1.2/",  # WordPress.com
        "http://wordpress.org/export/1.2/",
        "https://wordpress.org/export/1.1/",
        "http://wordpress.org/export/1.0/",
    ],
)
def test_the_wp_namespace_is_accepted_by_prefix_and_version(dana, tmp_path, namespace):
    export = tmp_path / "export.xml"
    export.write_text(
        (FIXTURES / "wordpress-com-https.xml").read_text().replace("https://wordpress.org/export/1.2/", namespace)
    )
    output = run(export)
    assert "   posts: 1 created, 0 updated, 0 unchanged, 0 skipped" in output
    assert "comments: 1 created" in output
    post = Post.objects.get()
    assert post.title == "Hosted Post" and post.is_public
    assert LegacyLink.objects.filter(site="hosted.wordpress.com").count() == 2


def test_a_file_without_a_wxr_version_is_still_refused(dana, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(
        (FIXTURES / "wordpress-com-https.xml").read_text().replace("<wp:wxr_version>1.2</wp:wxr_version>", "")
    )
    with pytest.raises(CommandError, match=r"not a WordPress export: no <wp:wxr_version>"):
        run(export)


def test_menu_items_and_attachments_may_repeat_ids_and_a_repeated_post_is_reported(dana):
    output = run(FIXTURES / "wordpress-repeated-menu-ids.xml")
    assert "   posts: 1 created, 0 updated, 0 unchanged, 5 skipped" in output
    assert "skipped 3 posts: post type 'nav_menu_item' is not imported" in output
    assert "    post entry 6 (id 41), with 1 comment: its id appears twice in the file (first as entry 5)" in output
    assert "comment 410 on entry 6 (id 41): on a second item with the id 41, which is not imported" in output
    post = Post.objects.get()
    assert post.title == "The Post" and post.is_public
    assert not XtdComment.objects.exists()


def test_entity_text_inside_cdata_is_content_not_a_declaration(dana, client):
    output = run(FIXTURES / "wordpress-entity-in-cdata.xml")
    assert "   posts: 1 created" in output
    post = Post.objects.get()
    assert '<!ENTITY lol2 "&lol;&lol;">' in post.body
    assert "<code>&lt;!DOCTYPE lolz [</code>" in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "prolog",
    [
        '<?xml version="1.0"?>\n<!-- an export -->\n<!DOCTYPE rss [<!ENTITY a "aaaa">]>\n',
        '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://example.com/rss.dtd">',
        "\ufeff<!doctype rss>",
    ],
)
def test_a_real_dtd_is_still_refused(dana, tmp_path, prolog):
    export = tmp_path / "bomb.xml"
    body = (FIXTURES / "wordpress-entity-in-cdata.xml").read_text().split("\n", 1)[1]
    export.write_text(prolog + body)
    with pytest.raises(CommandError, match="declares a DTD"):
        run(export)
    assert not Post.objects.exists()


def test_a_dtd_in_a_utf16_file_is_refused(dana, tmp_path):
    export = tmp_path / "bomb16.xml"
    export.write_bytes('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE rss [<!ENTITY a "a">]><rss/>'.encode("utf-16"))
    with pytest.raises(CommandError, match="declares a DTD"):
        run(export)


def test_broken_xml_is_refused_saying_exactly_where(dana):
    with pytest.raises(CommandError) as error:
        run(FIXTURES / "blogger-undeclared-prefix.xml", "import_blogger")
    message = str(error.value)
    assert "blogger-undeclared-prefix.xml: not a well-formed XML file: line 12, column 5 (unbound prefix):" in message
    assert "'<app:control><app:draft>yes</app:draft></app:control>'" in message
    assert "--recover" in message
    assert not Post.objects.exists()


def test_recover_imports_what_is_well_formed_and_lists_what_it_dropped(dana, client):
    output = run(FIXTURES / "blogger-undeclared-prefix.xml", "import_blogger", "--recover")
    assert "   posts: 2 created, 0 updated, 0 unchanged, 0 skipped" in output
    assert "comments: 1 created" in output
    assert "  read with --recover: 4 problems:" in output
    assert (
        "    line 12, column 17: Namespace prefix app on control is not defined; read as http://purl.org/atom/app#"
        in output
    )
    assert "    line 20, column 115: EntityRef: expecting ';'; what was there may be cut" in output
    draft = Post.objects.get(title="Still A Draft")
    assert draft.status == Post.Status.DRAFT and not draft.is_public  # app:draft was read, not dropped
    published = Post.objects.get(title="Published Long Ago")
    assert "Welcome back." in client.get(published.get_absolute_url()).content.decode()
    assert client.get("/2009/03/published-long-ago.html").status_code == 301
    # Running it again finds the same rows.
    again = run(FIXTURES / "blogger-undeclared-prefix.xml", "import_blogger", "--recover")
    assert "   posts: 0 created, 0 updated, 2 unchanged" in again


def test_recover_on_a_file_with_nothing_well_formed(dana):
    with pytest.raises(CommandError, match="nothing well-formed could be read"):
        run(FIXTURES / "not-xml.txt", "import_blogger", "--recover")


def test_a_takeout_export_is_imported_beside_the_classic_backup(dana, client):
    export = FIXTURES / "blogger-takeout.xml"
    output = run(export, "import_blogger")
    # Counted by hand in the fixture: 4 posts, 1 page, 6 comments.
    assert "   posts: 3 created, 0 updated, 0 unchanged, 1 skipped" in output
    assert "   pages: 1 created, 0 updated, 0 unchanged, 0 skipped" in output
    assert "comments: 4 created, 0 updated, 0 unchanged, 2 skipped" in output
    assert "skipped 1 post: in Blogger's trash" in output
    assert "skipped 1 comment: on a post that is not imported (in Blogger's trash)" in output
    assert "skipped 1 comment: on a page: pages on this blog take no comments" in output
    live = Post.objects.get(title="Informational Interviews")
    assert live.is_public and live.published_at.isoformat() == "2021-09-02T09:00:00+00:00"
    assert sorted(live.tags.values_list("name", flat=True)) == ["Interviews", "Networking"]
    draft = Post.objects.get(title="Half-Written Cover Letter Tips")
    assert draft.status == Post.Status.DRAFT and not draft.is_public
    assert Post.objects.get(title="Next Year's Hiring Trends").is_scheduled
    assert not Post.objects.filter(title="Deleted Rant").exists()
    # The thread, the author's badge, the spam kept hidden.
    links = dict(LegacyLink.objects.filter(kind="comment").values_list("source_id", "comment_id"))
    first, reply, third = (
        XtdComment.objects.get(pk=links[f"tag:blogger.com,1999:blog-4242.post-{n}"]) for n in (9001, 9002, 9003)
    )
    assert (reply.parent_id, third.parent_id, third.level) == (first.pk, reply.pk, 2)
    assert reply.user_id == dana.pk  # same Blogger profile as the post's author
    spam = XtdComment.objects.select_related("moderation").get(pk=links["tag:blogger.com,1999:blog-4242.post-9004"])
    assert spam.moderation.state == "spam" and not spam.is_public
    html = client.get(live.get_absolute_url()).content.decode()
    assert "Worked for me at a meetup." in html and "Buy now." not in html
    assert '<span class="badge">Author</span>' in html
    response = client.get("/2021/09/informational-interviews.html")  # the old address, from <blogger:filename>
    assert response.status_code == 301 and response["Location"] == live.get_absolute_url()
    assert set(LegacyLink.objects.values_list("site", flat=True)) == {"4242"}
    again = run(export, "import_blogger")
    assert "   posts: 0 created, 0 updated, 3 unchanged, 1 skipped" in again
    assert "comments: 0 created, 0 updated, 4 unchanged, 2 skipped" in again


def test_a_bare_ampersand_is_named_by_line_and_column(dana, tmp_path):
    export = tmp_path / "amp.xml"
    text = (FIXTURES / "wordpress-com-https.xml").read_text()
    export.write_text(text.replace("/2024/02/03/hosted-post/</link>", "/2024/02/03/hosted-post/?a=1&b=2</link>"))
    line, row = next((n, row) for n, row in enumerate(export.read_text().splitlines(), 1) if "&b=2" in row)
    column = row.index("&b=2") + 3  # counted from 1: the "=" where the unfinished "&b" stops being a name
    with pytest.raises(CommandError) as error:
        run(export)
    assert f"not a well-formed XML file: line {line}, column {column} (not well-formed (invalid token)):" in str(
        error.value
    )
    assert "hosted-post/?a=1&b=2</link>" in str(error.value)
    output = run(export, "import_wordpress", "--recover")
    assert "   posts: 1 created" in output and f"    line {line}, column " in output


def test_on_a_long_line_the_error_quotes_the_part_around_the_column(dana, tmp_path):
    export = tmp_path / "long.xml"
    text = (FIXTURES / "blogger-undeclared-prefix.xml").read_text()
    export.write_text(text.replace("    <app:control>", "    " + "<title>x</title>" * 40 + "<app:control>", 1))
    with pytest.raises(CommandError) as error:
        run(export, "import_blogger")
    quoted = str(error.value).split("(unbound prefix): ", 1)[1].split(". Run again", 1)[0]
    assert "<app:control>" in quoted and quoted.startswith("'…") and len(quoted) <= 105
