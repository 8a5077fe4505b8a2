"""The demo content as data (content/demo/) and what seed_demo does with it on a rerun.

tests/test_seed_demo.py covers what a first seed produces and a plain rerun; this file covers
the data itself (content.importers.demo.parse()), the loader's refusals, and reruns on a
database whose demo rows lost their links or were moderated since.

parse() takes the index's path; seed_demo calls it with no argument, and the default was
bound when the function was defined (patching demo.INDEX would not reach it), so the command
tests replace demo.parse with one that reads a broken copy.
"""

import functools
import json
import shutil
import tomllib
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django_comments_xtd.models import XtdComment

from blog.models import LegacyLink, PinnedPost, Post, Tag, Theme
from comments import moderation
from comments.models import Moderation, Reason, State
from content.importers import demo
from content.importers.common import ImportFailed
from content.management.commands.seed_demo import DEMO_USERNAME

PARSE = demo.parse  # the real one, before any test replaces it


def raw_index():
    """index.toml as TOML, without the loader (what the files say, checked independently)."""
    with open(demo.INDEX, "rb") as handle:
        return tomllib.load(handle)


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def summary_lines(output):
    """{"posts": "0 created, 0 updated, 15 unchanged", ...} from seed_demo's report."""
    lines = {}
    for line in output.splitlines():
        kind, _, rest = line.partition(":")
        if rest:
            lines[kind.strip()] = rest.strip()
    return lines


def counts():
    return {
        "posts": Post.objects.count(),
        "comments": XtdComment.norel_objects.count(),
        "moderation": Moderation.objects.count(),
        "tags": Tag.objects.count(),
        "themes": Theme.objects.count(),
        "pins": PinnedPost.objects.count(),
        "users": get_user_model().objects.count(),
        "links": LegacyLink.objects.count(),
    }


def demo_links():
    return set(
        LegacyLink.objects.filter(source=LegacyLink.Source.DEMO).values_list(
            "kind", "source_id", "post_id", "comment_id", "checksum"
        )
    )


def comment_pks():
    """{comment key: XtdComment pk}, from the demo's links."""
    return dict(
        LegacyLink.objects.filter(source=LegacyLink.Source.DEMO, kind=LegacyLink.Kind.COMMENT).values_list(
            "source_id", "comment_id"
        )
    )


def comment_rows():
    """Every comment's identity, place in its thread and moderation, by pk."""
    return {
        row[0]: row[1:]
        for row in XtdComment.norel_objects.values_list(
            "pk",
            "object_pk",
            "user_email",
            "comment",
            "submit_date",
            "parent_id",
            "thread_id",
            "level",
            "order",
            "is_public",
            "is_removed",
            "moderation__state",
            "moderation__reason",
            "moderation__decided_by",
        )
    }


# --- 1. The data as the loader reads it --------------------------------------------------------


def test_every_post_has_its_markdown_file_and_its_body_is_the_file_stripped_plus_one_newline():
    entries = raw_index()["posts"]
    parsed = {post.slug: post for post in demo.parse().posts}
    assert entries
    assert list(parsed) == [entry["slug"] for entry in entries]
    for entry in entries:
        slug = entry["slug"]
        assert entry["body"] == f"posts/{slug}.md", slug
        path = demo.DEMO_DIR / entry["body"]
        assert path.is_file(), f"{slug}: no {path}"
        text = path.read_text(encoding="utf-8")
        body = parsed[slug].body
        assert body == text.strip() + "\n", slug
        assert body.strip() and body == body.lstrip(), slug
        assert body.endswith("\n") and not body.endswith("\n\n"), slug


def test_blank_space_around_a_body_file_is_not_part_of_the_body(demo_copy):
    # The files on disk already end in one newline; padding one shows the loader trims it.
    entry = raw_index()["posts"][0]
    path = demo_copy.parent / entry["body"]
    text = path.read_text(encoding="utf-8")
    path.write_text("\n\n" + text.rstrip() + "  \n\n\n\t\n", encoding="utf-8")
    padded = next(post for post in PARSE(demo_copy).posts if post.slug == entry["slug"])
    assert padded.body == text.strip() + "\n"


def test_no_markdown_file_in_posts_is_left_without_a_post():
    named = {demo.DEMO_DIR / entry["body"] for entry in raw_index()["posts"]}
    files = set((demo.DEMO_DIR / "posts").glob("*.md"))
    assert files
    assert files == named


def test_every_date_carries_its_time_zone():
    parsed = demo.parse()
    dated = [post for post in parsed.posts if post.published_at is not None]
    comments = [comment for post in parsed.posts for comment in post.comments]
    assert dated and comments
    for post in parsed.posts:
        if post.status == Post.Status.PUBLISHED:
            assert post.published_at is not None, post.slug
    for post in dated:
        assert post.published_at.tzinfo is not None, post.slug
        assert post.published_at.utcoffset() is not None, post.slug
    for comment in comments:
        assert comment.submitted.tzinfo is not None, comment.source_id
        assert comment.submitted.utcoffset() is not None, comment.source_id


def test_every_tag_and_theme_a_post_names_is_declared():
    index = raw_index()
    tag_slugs = {tag["slug"] for tag in index["tags"]}
    theme_slugs = {theme["slug"] for theme in index["themes"]}
    assert tag_slugs and theme_slugs
    for entry in index["posts"]:
        assert entry["theme"] in theme_slugs, entry["slug"]
        assert entry["tags"], entry["slug"]
        assert set(entry["tags"]) <= tag_slugs, (entry["slug"], set(entry["tags"]) - tag_slugs)

    parsed = demo.parse()
    tag_names = {tag.name for tag in parsed.tags}
    parsed_themes = {theme.slug for theme in parsed.themes}
    for post in parsed.posts:
        assert post.theme in parsed_themes, post.slug
        assert set(post.tags) <= tag_names, (post.slug, set(post.tags) - tag_names)


def test_every_reply_answers_an_earlier_comment_on_the_same_post():
    entries = raw_index()["comments"]
    assert any("reply_to" in entry for entry in entries)  # there is something to check
    earlier = {}  # key -> post slug
    for entry in entries:
        if "reply_to" in entry:
            assert entry["reply_to"] in earlier, f"{entry['key']} answers {entry['reply_to']!r}, not an earlier key"
            assert earlier[entry["reply_to"]] == entry["post"], f"{entry['key']} answers a comment on another post"
        earlier[entry["key"]] = entry["post"]

    for post in demo.parse().posts:
        seen = set()
        for comment in post.comments:
            if comment.parent_source_id is not None:
                assert comment.parent_source_id in seen, (post.slug, comment.source_id)
            seen.add(comment.source_id)


# --- 2. The loader's refusals -------------------------------------------------------------------


def _post_entry(index, *, slug="broken-post", tags=None, published_at="2026-03-08T08:30:00Z", body=None):
    tags = tags if tags is not None else [index["tags"][0]["slug"]]
    body = body if body is not None else index["posts"][0]["body"]
    return (
        "\n[[posts]]\n"
        f'slug = "{slug}"\n'
        'title = "A post made to break the loader"\n'
        f'theme = "{index["themes"][0]["slug"]}"\n'
        f"tags = {json.dumps(tags)}\n"  # a JSON list of strings is a TOML array
        'status = "published"\n'
        f"published_at = {published_at}\n"
        'summary = "Broken on purpose."\n'
        f'body = "{body}"\n'
    )


def _comment_entry(index, *, state="published", reply_to=None):
    return (
        "\n[[comments]]\n"
        'key = "broken-comment"\n'
        f'post = "{index["comments"][0]["post"]}"\n'
        'name = "Test Reader"\n'
        'email = "reader@example.com"\n'
        "submit_date = 2026-10-05T10:00:00Z\n"
        f'state = "{state}"\n'
        'text = "A comment made to break the loader."\n' + (f'reply_to = "{reply_to}"\n' if reply_to else "")
    )


def _breakages():
    """(id, text appended to a copy of index.toml, the fragments its ImportFailed must contain)."""
    index = raw_index()
    post_label = f"index.toml: posts entry {len(index['posts']) + 1}"
    comment_label = f"index.toml: comments entry {len(index['comments']) + 1} (broken-comment)"
    existing = index["posts"][0]["slug"]
    broken_line = demo.INDEX.read_text(encoding="utf-8").count("\n") + 2
    return [
        (
            "unknown-tag",
            _post_entry(index, tags=["no-such-tag"]),
            [f"{post_label} (broken-post)", "no tag 'no-such-tag'"],
        ),
        (
            "published-at-without-time-zone",
            _post_entry(index, published_at="2026-03-08T08:30:00"),
            [f"{post_label} (broken-post)", "published_at must be a date and time with its time zone"],
        ),
        (
            "missing-body-file",
            _post_entry(index, body="posts/no-such-post.md"),
            [f"{post_label} (broken-post)", "cannot read its body posts/no-such-post.md"],
        ),
        (
            "body-outside-the-folder",
            _post_entry(index, body="../outside.md"),
            [f"{post_label} (broken-post)", "body must name a .md file beside the index", "'../outside.md'"],
        ),
        (
            "reply-to-unknown-key",
            _comment_entry(index, reply_to="nobody"),
            [comment_label, "reply_to 'nobody' is not an earlier comment"],
        ),
        (
            "unknown-comment-state",
            _comment_entry(index, state="bogus"),
            [comment_label, "state is one of", "not 'bogus'"],
        ),
        ("duplicated-post-slug", _post_entry(index, slug=existing), [post_label, f"{existing!r} appears twice"]),
        ("invalid-toml", "\nbroken = = 1\n", ["index.toml", "not valid TOML", f"line {broken_line}"]),
    ]


BREAKAGES = _breakages()


@pytest.fixture
def demo_copy(tmp_path):
    """A copy of content/demo in tmp_path (and a .md file beside it, outside the folder)."""
    folder = tmp_path / "demo"
    shutil.copytree(demo.DEMO_DIR, folder)
    (tmp_path / "outside.md").write_text("## Outside\n\nNot part of the demo.\n", encoding="utf-8")
    return folder / "index.toml"


def _break(index_path, appended):
    with open(index_path, "a", encoding="utf-8") as handle:
        handle.write(appended)


def test_an_unbroken_copy_parses_like_the_original(demo_copy):
    # The refusals below come from the breakage, not from reading a copy.
    assert PARSE(demo_copy) == PARSE()


@pytest.mark.parametrize(("appended", "fragments"), [case[1:] for case in BREAKAGES], ids=[c[0] for c in BREAKAGES])
def test_a_broken_index_is_refused_naming_the_entry_and_the_mistake(demo_copy, appended, fragments):
    _break(demo_copy, appended)
    with pytest.raises(ImportFailed) as failure:
        PARSE(demo_copy)
    for fragment in fragments:
        assert fragment in str(failure.value)


@pytest.mark.django_db
@pytest.mark.parametrize(("appended", "fragments"), [case[1:] for case in BREAKAGES], ids=[c[0] for c in BREAKAGES])
def test_seed_demo_writes_nothing_when_the_index_is_broken(demo_copy, monkeypatch, appended, fragments):
    _break(demo_copy, appended)
    monkeypatch.setattr(demo, "parse", functools.partial(PARSE, demo_copy))
    before = counts()
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("seed_demo", stdout=out)
    for fragment in fragments:
        assert fragment in str(failure.value)
    assert counts() == before
    assert Post.objects.count() == 0
    assert XtdComment.norel_objects.count() == 0
    assert not get_user_model().objects.filter(username=DEMO_USERNAME).exists()
    assert "created" not in out.getvalue()


def _page_entry(*, slug="broken-page", body="pages/about.md", status="published", extra=""):
    return f'\n[[pages]]\nslug = "{slug}"\ntitle = "A broken page"\nbody = "{body}"\nstatus = "{status}"\n{extra}'


@pytest.mark.parametrize(
    ("appended", "fragment"),
    [
        (_page_entry(body="pages/no-such-page.md"), "cannot read its body pages/no-such-page.md"),
        (_page_entry(status="live"), "status is one of draft, published, not 'live'"),
        (_page_entry(slug="about"), "'about' appears twice"),
        (_page_entry(extra="menu_order = -1\n"), "menu_order is a whole number"),
        (_page_entry(extra="in_menu = 1\n"), "in_menu is true or false"),
    ],
    ids=["missing-body", "unknown-status", "duplicated-slug", "negative-menu-order", "in-menu-not-bool"],
)
def test_a_broken_page_entry_is_refused_naming_it(demo_copy, appended, fragment):
    assert demo.parse_site(demo_copy).pages  # the copy parses before the breakage
    _break(demo_copy, appended)
    with pytest.raises(ImportFailed) as failure:
        demo.parse_site(demo_copy)
    assert "index.toml: pages entry 2" in str(failure.value) and fragment in str(failure.value)


# --- 3. Adopting a database seeded before the demo kept links -----------------------------------


@pytest.mark.django_db
def test_a_database_seeded_without_links_is_adopted_without_duplicates():
    seed()
    links = demo_links()
    before = counts()
    stamps = dict(Post.objects.values_list("slug", "updated_at"))
    comments = comment_rows()
    assert links and comments
    parsed = demo.parse()
    n_posts, n_comments = len(parsed.posts), sum(len(post.comments) for post in parsed.posts)

    LegacyLink.objects.filter(source=LegacyLink.Source.DEMO).delete()  # as the old seed_demo left it
    assert not demo_links()

    lines = summary_lines(seed())

    assert lines["posts"] == f"0 created, 0 updated, {n_posts} unchanged"
    assert lines["comments"] == f"0 created, 0 updated, {n_comments} unchanged"
    assert counts() == before
    assert Post.objects.values("slug").distinct().count() == Post.objects.count() == n_posts
    keys = set(XtdComment.norel_objects.values_list("object_pk", "user_email", "comment"))
    assert len(keys) == XtdComment.norel_objects.count() == n_comments
    assert dict(Post.objects.values_list("slug", "updated_at")) == stamps
    assert comment_rows() == comments
    assert demo_links() == links


# --- 4. A moderator's decisions survive a rerun ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("links_lost", [False, True], ids=["rerun", "rerun-adopting-the-rows"])
def test_a_moderators_decisions_survive_a_rerun(links_lost):
    seed()
    entries = raw_index()["comments"]
    held_key = next(entry["key"] for entry in entries if entry["state"] == "held")
    published_key = next(entry["key"] for entry in entries if entry["state"] == "published" and "email" in entry)
    pks = comment_pks()
    held, published = pks[held_key], pks[published_key]
    moderator = get_user_model().objects.get(username=DEMO_USERNAME)
    assert moderation.approve([held], by=moderator) == [held]
    assert moderation.mark_spam([published], by=moderator) == [published]
    decided = comment_rows()
    if links_lost:
        LegacyLink.objects.filter(source=LegacyLink.Source.DEMO).delete()

    lines = summary_lines(seed())

    assert lines["comments"] == f"0 created, 0 updated, {len(entries)} unchanged"
    assert comment_rows() == decided
    assert comment_pks() == pks
    rows = {m.comment_id: m for m in Moderation.objects.filter(comment_id__in=[held, published])}
    assert (rows[held].state, rows[held].reason, rows[held].decided_by_id) == (
        State.PUBLISHED,
        Reason.MODERATOR,
        moderator.pk,
    )
    assert (rows[published].state, rows[published].reason) == (State.SPAM, Reason.MODERATOR)
    flags = dict(XtdComment.norel_objects.filter(pk__in=[held, published]).values_list("pk", "is_public"))
    assert flags == {held: True, published: False}
