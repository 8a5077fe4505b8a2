"""The demo blog (content/demo/) -> common.Parsed, for `manage.py seed_demo`.

content/demo/index.toml lists the themes, tags, posts, pinned posts and comments (its header
says what each field means); each post's body is a Markdown file under content/demo/posts/.
As with the importers, the whole index is read and checked before anything is written: a
mistake stops the run with the entry it is in ("index.toml: posts entry 3 (slug): ...").

A body is its file's text less blank space at either end, plus one final newline: exactly
what the seed_demo of Python literals stored, so a database it seeded sees no change.
Posts and comments are keyed on their slug and `key` (blog.models.LegacyLink, source
"demo"); common.run_import(..., mirror=True) writes them.
"""

import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path

from blog.models import Page, Post
from comments.models import Reason, State

from .common import CommentData, ImportFailed, Parsed, PostData, TagData, ThemeData

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
INDEX = DEMO_DIR / "index.toml"
AUTHOR = "demo:author"  # the demo author's identity: on every post, and on comments with `author = true`


SECTIONS = {"themes", "tags", "posts", "pins", "comments", "author", "pages"}


def _load(path):
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            index = tomllib.load(handle)
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read the file ({error.strerror}).") from None
    except tomllib.TOMLDecodeError as error:
        raise ImportFailed(f"{path}: not valid TOML ({error}).") from None
    _keys(index, path.name, optional=SECTIONS)
    return path, index


@dataclass(frozen=True)
class PageData:
    slug: str
    title: str
    body: str
    status: str
    in_menu: bool
    menu_order: int


@dataclass(frozen=True)
class SiteData:
    """The demo author's profile and the standalone pages: [author] and [[pages]] of the index."""

    display_name: str
    bio: str
    pages: list


def parse_site(path=INDEX):
    path, index = _load(path)
    name = path.name
    author = index.get("author", {})
    if not isinstance(author, dict):
        raise ImportFailed(f"{name}: [author] must be a table.")
    _keys(author, f"{name}: [author]", optional={"display_name", "bio"})
    bio = _body(path.parent, _text(author, "bio", f"{name}: [author]"), f"{name}: [author]") if "bio" in author else ""
    pages, slugs = [], set()
    for label, entry in _entries(index, "pages", name):
        _keys(entry, label, required={"slug", "title", "body", "status"}, optional={"in_menu", "menu_order"})
        slug = _text(entry, "slug", label)
        label = f"{label} ({slug})"
        _unique(slugs, slug, label)
        slugs.add(slug)
        status = _text(entry, "status", label)
        if status not in Page.Status.values:
            raise ImportFailed(f"{label}: status is one of {', '.join(Page.Status.values)}, not {status!r}.")
        in_menu, menu_order = entry.get("in_menu", False), entry.get("menu_order", 0)
        if not isinstance(in_menu, bool):
            raise ImportFailed(f"{label}: in_menu is true or false.")
        if not isinstance(menu_order, int) or isinstance(menu_order, bool) or not 0 <= menu_order <= 32767:
            raise ImportFailed(f"{label}: menu_order is a whole number from 0 to 32767.")
        body = _body(path.parent, _text(entry, "body", label), label)
        pages.append(PageData(slug, _text(entry, "title", label), body, status, in_menu, menu_order))
    return SiteData(display_name=_text(author, "display_name", name, blank=True), bio=bio, pages=pages)


def parse(path=INDEX):
    path, index = _load(path)
    name = path.name

    themes = {}
    for label, entry in _entries(index, "themes", name):
        _keys(entry, label, required={"slug", "name"}, optional={"description"})
        description = _text(entry, "description", label, blank=True)
        theme = ThemeData(_text(entry, "slug", label), _text(entry, "name", label), description)
        _unique(themes, theme.slug, label)
        themes[theme.slug] = theme

    tags = {}
    for label, entry in _entries(index, "tags", name):
        _keys(entry, label, required={"slug", "name"})
        tag = TagData(_text(entry, "slug", label), _text(entry, "name", label))
        _unique(tags, tag.slug, label)
        tags[tag.slug] = tag

    posts = {}
    for label, entry in _entries(index, "posts", name):
        post = _post(entry, label, path.parent, themes, tags)
        _unique(posts, post.slug, label)
        posts[post.slug] = post

    pins = index.get("pins", {})
    if not isinstance(pins, dict):
        raise ImportFailed(f"{name}: [pins] must be a table of post slug = [pinned post slugs].")
    for slug, targets in pins.items():
        label = f"{name}: pins of {slug!r}"
        if slug not in posts:
            raise ImportFailed(f"{label}: no such post.")
        if (
            not isinstance(targets, list)
            or len(set(targets)) != len(targets)
            or not all(target in posts and target != slug for target in targets)
        ):
            raise ImportFailed(f"{label}: a list of the slugs of other posts, each once, please.")

    comments = {}
    for label, entry in _entries(index, "comments", name):
        comment, post = _comment(entry, label, posts, comments)
        comments[comment.source_id] = post
        posts[post].comments.append(comment)

    return Parsed(
        posts=list(posts.values()),
        skipped=[],
        themes=list(themes.values()),
        tags=list(tags.values()),
        pins=pins,
    )


def _post(entry, label, folder, themes, tags):
    _keys(
        entry,
        label,
        required={"slug", "title", "theme", "tags", "status", "summary", "body"},
        optional={"published_at", "updated_at", "allow_comments"},
    )
    slug = _text(entry, "slug", label)
    label = f"{label} ({slug})"
    theme = _text(entry, "theme", label)
    if theme not in themes:
        raise ImportFailed(f"{label}: no theme {theme!r} in [[themes]].")
    tag_slugs = entry["tags"]
    if not isinstance(tag_slugs, list) or not all(isinstance(t, str) for t in tag_slugs):
        raise ImportFailed(f"{label}: tags must be a list of tag slugs.")
    unknown = [t for t in tag_slugs if t not in tags]
    if unknown:
        raise ImportFailed(f"{label}: no tag {unknown[0]!r} in [[tags]].")
    status = _text(entry, "status", label)
    if status not in Post.Status.values:
        raise ImportFailed(f"{label}: status is one of {', '.join(Post.Status.values)}, not {status!r}.")
    published_at = _when(entry, "published_at", label) if "published_at" in entry else None
    if status == Post.Status.PUBLISHED and published_at is None:
        raise ImportFailed(f"{label}: a published post needs published_at.")
    if "updated_at" in entry:
        updated_at = _when(entry, "updated_at", label)
        if published_at is not None and updated_at < published_at:
            raise ImportFailed(f"{label}: updated_at cannot be before published_at.")
    allow_comments = entry.get("allow_comments", True)
    if not isinstance(allow_comments, bool):
        raise ImportFailed(f"{label}: allow_comments is true or false.")
    return PostData(
        source_id=slug,
        label=f"post {slug}",
        title=_text(entry, "title", label),
        body=_body(folder, _text(entry, "body", label), label),
        status=Post.Status(status),
        published_at=published_at,
        tags=[tags[t].name for t in tag_slugs],
        slug=slug,
        old_path="",
        identities=frozenset({AUTHOR}),
        theme=theme,
        summary=_text(entry, "summary", label, blank=True),
        allow_comments=allow_comments,
    )


def written_dates(path=INDEX):
    """{post slug: when it was last changed as written}: its `updated_at`, else its `published_at`.

    seed_demo gives the posts these as their updated_at (feeds' <updated>, the sitemap's
    lastmod), so the demo's history reads as written, not as the moment it was seeded.
    Drafts without either keep their own. Read after parse() has checked the index.
    """
    _path, index = _load(path)
    dates = {}
    for entry in index.get("posts", []):
        when = entry.get("updated_at") or entry.get("published_at")
        if when is not None:
            dates[entry["slug"]] = when
    return dates


def _body(folder, name, label):
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()) or path.suffix != ".md":
        raise ImportFailed(f"{label}: body must name a .md file beside the index (posts/SLUG.md), not {name!r}.")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ImportFailed(f"{label}: cannot read its body {name} ({error.strerror}).") from None
    except UnicodeDecodeError:
        raise ImportFailed(f"{label}: its body {name} is not UTF-8.") from None
    return text.strip() + "\n"


def _comment(entry, label, posts, earlier):
    """(CommentData, post slug). `earlier`: {key: post slug} of the comments before it."""
    _keys(
        entry,
        label,
        required={"key", "post", "submit_date", "state", "text"},
        optional={"author", "name", "email", "reply_to", "ip", "reason"},
    )
    key = _text(entry, "key", label)
    label = f"{label} ({key})"
    _unique(earlier, key, label)
    post = _text(entry, "post", label)
    if post not in posts:
        raise ImportFailed(f"{label}: no post {post!r} in [[posts]].")
    by_author = entry.get("author", False)
    if by_author is not True and by_author is not False:
        raise ImportFailed(f"{label}: author is true or false.")
    if by_author == ("name" in entry or "email" in entry):
        raise ImportFailed(f"{label}: either author = true, or a name and an email.")
    reply_to = entry.get("reply_to")
    if reply_to is not None and earlier.get(reply_to) != post:
        raise ImportFailed(f"{label}: reply_to {reply_to!r} is not an earlier comment on the same post.")
    state = _text(entry, "state", label)
    if state not in State.values:
        raise ImportFailed(f"{label}: state is one of {', '.join(State.values)}, not {state!r}.")
    reason = entry.get("reason", Reason.SEEDED)
    if reason not in Reason.values:
        raise ImportFailed(f"{label}: reason is one of {', '.join(Reason.values)}, not {reason!r}.")
    ip = entry.get("ip")
    if ip is not None and not isinstance(ip, str):
        raise ImportFailed(f"{label}: ip is a string.")
    comment = CommentData(
        source_id=key,
        parent_source_id=reply_to,
        author_name="" if by_author else _text(entry, "name", label),
        author_email="" if by_author else _text(entry, "email", label),
        author_url="",
        ip=ip,
        submitted=_when(entry, "submit_date", label),
        text=_text(entry, "text", label),
        state=State(state),
        identities=frozenset({AUTHOR}) if by_author else frozenset(),
        reason=Reason(reason),
    )
    return comment, post


def _entries(index, section, name):
    entries = index.get(section, [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ImportFailed(f"{name}: {section} must be [[{section}]] tables.")
    for number, entry in enumerate(entries, 1):
        yield f"{name}: {section} entry {number}", entry


def _keys(entry, label, *, required=frozenset(), optional=frozenset()):
    missing = sorted(set(required) - entry.keys())
    if missing:
        raise ImportFailed(f"{label}: missing {', '.join(missing)}.")
    unknown = sorted(entry.keys() - set(required) - set(optional))
    if unknown:
        raise ImportFailed(f"{label}: unknown key {unknown[0]!r}.")


def _unique(seen, value, label):
    if value in seen:
        raise ImportFailed(f"{label}: {value!r} appears twice.")


def _text(entry, key, label, *, blank=False):
    value = entry.get(key, "")
    if not isinstance(value, str) or not (blank or value.strip()):
        raise ImportFailed(f"{label}: {key} must be a string{'' if blank else ', not empty'}.")
    return value


def _when(entry, key, label):
    value = entry[key]
    if not isinstance(value, datetime.datetime) or value.tzinfo is None:
        raise ImportFailed(f"{label}: {key} must be a date and time with its time zone (2026-03-08T08:30:00Z).")
    return value
