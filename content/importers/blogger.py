"""Blogger's export (Atom) -> common.Parsed, in either of its two layouts.

The classic backup (Settings -> Back up content). Entries are told apart by their category with scheme
http://schemas.google.com/g/2005#kind: a term ending in "#post" is a post, "#comment" a
comment; settings, template and page entries are not imported. A post's labels are its
categories with scheme http://www.blogger.com/atom/ns#; a draft has <app:control><app:draft>
yes. A comment names its post in <thr:in-reply-to ref="post entry id">, and a reply its parent
comment in <link rel="related" href=".../comments/default/PARENT_ID">. Comments without
content, or whose content is Blogger's "This comment has been removed..." notice, were
deleted on Blogger: they are skipped (and reported); their replies move up to their parent.

Google Takeout's layout (Blogger/Blogs/<name>/feed.atom), told by its
http://schemas.google.com/blogger/2018 elements: <blogger:type> POST / PAGE / COMMENT,
<blogger:status> LIVE (published; a future date is scheduled), DRAFT, SCHEDULED, SOFT_TRASHED
(skipped: in Blogger's trash); labels are categories with scheme "tag:blogger.com,1999:blog-<id>",
the old address is <blogger:filename> (/2019/05/slug.html). A comment names its post in
<blogger:parent> and the comment it answers in <blogger:inReplyTo> (empty at top level);
comment statuses LIVE -> published, SPAM_COMMENT -> spam, PENDING -> held, others skipped.

The post's HTML is its body, of format HTML (blog.markup sanitizes it; no Markdown step); its
<updated> is the post's updated_at. Pages (a "#page" kind, Takeout's PAGE) become standalone
pages (blog.models.Page); their comments are reported as skipped (pages take no comments here).

The site (common.py, "Keyed by site") is the blog id of the feed's <id>
("tag:blogger.com,1999:blog-<id>"); entry ids contain it too.
"""

import re

from blog.markup import Format, render_html
from blog.models import Post

from .common import (
    PAGE_COMMENTS,
    CommentData,
    ImportFailed,
    Parsed,
    PostData,
    local_name,
    parse_iso,
    path_of,
    stream_document,
)

ATOM = "{http://www.w3.org/2005/Atom}"
APP = "{http://purl.org/atom/app#}"
THR = "{http://purl.org/syndication/thread/1.0}"
B = "{http://schemas.google.com/blogger/2018}"  # Takeout's layout
TAKEOUT_LABEL_SCHEME = "tag:blogger.com,1999:blog-"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
NOREPLY = {"noreply@blogger.com", "anonymous@blogger.com"}
_REMOVED = re.compile(r"^\s*(<[^>]+>\s*)*this (comment|post) has been removed by", re.IGNORECASE)
_NUMERIC_ID = re.compile(r"(\d+)\s*$")
_BLOG_ID = re.compile(r"blog-(\d+)")


def site_of(root):
    return _site_of(_text(root, "id"))


def _site_of(feed_id):
    match = _BLOG_ID.search(feed_id or "")
    return match.group(1) if match else ""


def _text(element, name):
    child = element.find(ATOM + name)
    return (child.text or "").strip() if child is not None and child.text else ""


def _content(entry):
    content = entry.find(ATOM + "content")
    if content is None:
        return None
    if content.get("type") == "xhtml":
        import xml.etree.ElementTree as ET  # noqa: S405 - serializing, not parsing

        return "".join(ET.tostring(child, encoding="unicode") for child in content).strip()
    return (content.text or "").strip()


def _author(entry):
    author = entry.find(ATOM + "author")
    if author is None:
        return "", "", ""
    email = _text(author, "email").lower()
    return _text(author, "name"), "" if email in NOREPLY else email, _text(author, "uri")


def _identities(email, uri):
    return frozenset(x for x in (email and "email:" + email, uri and "uri:" + uri.rstrip("/")) if x)


def parse(path, *, recover=False):
    """The export read as a stream (common.stream_document): one entry in memory at a time."""
    stream = stream_document(path, depth=1, recover=recover)
    root, namespaces, dropped = next(stream)
    if root.tag != ATOM + "feed":
        raise ImportFailed(
            f"{path}: not a Blogger export: the root element is <{local_name(root.tag)}>, expected an Atom <feed>."
        )
    # Takeout's layout declares its namespace on the feed (and every entry has a <blogger:type>).
    declared_takeout = B[1:-1] in namespaces.values()
    feed_id = ""
    posts, comments, skipped, seen, pages, posts_not_imported = {}, [], [], {}, {}, {}
    number = 0
    for entry in stream:
        if entry.tag == ATOM + "id":
            feed_id = feed_id or (entry.text or "").strip()
        if entry.tag != ATOM + "entry":
            continue
        number += 1
        takeout = declared_takeout or entry.find(B + "type") is not None
        classify = _takeout_kind if takeout else _classic_kind
        entry_id = _text(entry, "id")
        label = f"entry {number} (id {entry_id or '?'})"
        if not entry_id:
            raise ImportFailed(f"{label}: missing <id>.")
        kind, status = classify(entry, label)
        if kind in ("post", "comment", "page"):
            first = seen.setdefault(entry_id, f"entry {number}")
            if first != f"entry {number}":  # never let the second overwrite the first
                skipped.append((kind + "s", label, f"its id appears twice in the file (first as {first})"))
                continue
        if kind == "post":
            if status not in ("live", "draft", "scheduled"):
                reason = _STATUS_REASONS.get(status, f"status {status or 'missing'!r} is not imported")
                skipped.append(("posts", label, reason))
                posts_not_imported[entry_id] = reason
                continue
            posts[entry_id] = _post(entry, entry_id, label, draft=status == "draft", takeout=takeout)
        elif kind == "comment":
            comments.append(((_takeout_comment if takeout else _comment)(entry, entry_id, label, status), label))
        elif kind == "page":
            if status in ("live", "draft"):
                pages[entry_id] = _post(entry, entry_id, label, draft=status == "draft", takeout=takeout, kind="pages")
            else:
                reason = _STATUS_REASONS.get(status, f"status {status or 'missing'!r} is not imported")
                skipped.append(("pages", label, reason))
                posts_not_imported[entry_id] = reason
        # settings and template entries (and Takeout's other types): nothing to import, nothing to report

    by_number, page_comments = {}, {}
    parsed_comments = []
    for (comment, post_ref), label in comments:
        entry_id = comment.source_id
        if post_ref in pages:
            page_comments[post_ref] = page_comments.get(post_ref, 0) + 1
            skipped.append(("comments", label, PAGE_COMMENTS))
            continue
        if post_ref in posts_not_imported:
            skipped.append(("comments", label, f"on a post that is not imported ({posts_not_imported[post_ref]})"))
            continue
        if post_ref not in posts:
            skipped.append(("comments", label, "its post is not in the export"))
            continue
        match = _NUMERIC_ID.search(entry_id)
        if match:
            by_number[match.group(1)] = entry_id
        parsed_comments.append((comment, post_ref))
    for page_id, page in pages.items():
        n = page_comments.get(page_id, 0)
        page.label += f", with {n} comment{'s' if n != 1 else ''}" if n else ""
    for comment, post_ref in parsed_comments:
        if comment.parent_source_id:  # Blogger's number of the parent (the end of its entry id)
            match = _NUMERIC_ID.search(comment.parent_source_id)
            # A parent not in the file keeps its reference: the writer puts the reply at the top and says so.
            found = by_number.get(match.group(1)) if match else None
            comment.parent_source_id = found or comment.parent_source_id
        posts[post_ref].comments.append(comment)
    return Parsed(
        posts=list(posts.values()),
        pages=list(pages.values()),
        skipped=skipped,
        site=_site_of(feed_id),
        ids_name_the_site=True,
        dropped=dropped,
        render_comment=comment_html,
    )


def comment_html(text):
    """A Blogger comment's HTML (its line breaks are <br />), with the readers' allowlist, whatever its length."""
    return render_html(text or "", "comment", check_length=False)


_STATUS_REASONS = {"trashed": "in Blogger's trash"}


def _classic_kind(entry, label):
    """("post" | "comment" | "page" | ..., "live" | "draft") of a classic backup's entry."""
    kinds = [c.get("term", "") for c in entry.findall(ATOM + "category") if c.get("scheme") == KIND_SCHEME]
    if not kinds:
        raise ImportFailed(f'{label}: no <category scheme="{KIND_SCHEME}">: not a Blogger export entry.')
    control = entry.find(APP + "control")
    draft = control is not None and (control.findtext(APP + "draft") or "").strip().lower() == "yes"
    return kinds[0].rsplit("#", 1)[-1], "draft" if draft else "live"


def _takeout_kind(entry, label):
    """The same for Takeout's layout: <blogger:type> POST / PAGE / COMMENT and <blogger:status>."""
    kind = (entry.findtext(B + "type") or "").strip().lower()
    status = (entry.findtext(B + "status") or "").strip().lower()
    return kind, {"soft_trashed": "trashed"}.get(status, status)


def _post(entry, entry_id, label, *, draft, takeout=False, kind="posts"):
    published = _text(entry, "published") or (takeout and (entry.findtext(B + "created") or "").strip())
    if not published:
        raise ImportFailed(f"{label}: missing <published>.")
    content = _content(entry)
    if content is None:
        raise ImportFailed(f"{label}: missing <content>.")
    old_url = ""
    for link in entry.findall(ATOM + "link"):
        if link.get("rel") == "alternate" and link.get("type", "text/html") == "text/html":
            old_url = link.get("href", "")
    old_path = path_of(old_url) or path_of((entry.findtext(B + "filename") or "").strip())
    slug = old_path.rsplit("/", 1)[-1].removesuffix(".html") if old_path.endswith(".html") else ""
    _name, email, uri = _author(entry)
    tags = [
        c.get("term", "")
        for c in entry.findall(ATOM + "category")
        if c.get("scheme") == LABEL_SCHEME or (takeout and c.get("scheme", "").startswith(TAKEOUT_LABEL_SCHEME))
    ]
    title = _text(entry, "title") or "Untitled"
    if kind == "pages" and not slug and old_path:  # a page's address: /p/about.html
        slug = old_path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    updated = _text(entry, "updated")
    return PostData(
        source_id=entry_id,
        label=label,
        title=title,
        body=content + "\n" if content else "",
        body_format=Format.HTML,
        updated_at=parse_iso(updated, label, "updated") if updated else None,
        kind=kind,
        status=Post.Status.DRAFT if draft else Post.Status.PUBLISHED,
        published_at=None if draft else parse_iso(published, label, "published"),
        tags=[t for t in tags if t.strip()],
        slug=slug,
        old_path="" if draft else old_path,
        identities=_identities(email, uri),
    )


def _comment_data(entry, entry_id, label, parent, *, state="published", skip=""):
    published = _text(entry, "published")
    if not published:
        raise ImportFailed(f"{label}: missing <published>.")
    name, email, uri = _author(entry)
    text = _content(entry) or ""
    if not skip and (not text.strip() or _REMOVED.match(text)):
        skip = "deleted on Blogger"
    return CommentData(
        source_id=entry_id,
        parent_source_id=parent,
        author_name=name,
        author_email=email,
        author_url=uri,
        ip=None,
        submitted=parse_iso(published, label, "published"),
        text=text,
        state=state,
        identities=_identities(email, uri),
        skip=skip,
    )


def _comment(entry, entry_id, label, status):
    reply_to = entry.find(THR + "in-reply-to")
    if reply_to is None or not reply_to.get("ref"):
        raise ImportFailed(f"{label}: a comment without <thr:in-reply-to ref=...> (its post).")
    parent = None
    for link in entry.findall(ATOM + "link"):
        if link.get("rel") == "related" and "/comments/default/" in link.get("href", ""):
            parent = link.get("href").rstrip("/").rsplit("/", 1)[-1]
    return _comment_data(entry, entry_id, label, parent), reply_to.get("ref")


# Takeout's comment statuses: LIVE is shown, SPAM_COMMENT was marked spam on Blogger (kept as
# spam, never shown, as WordPress's spam is); PENDING waits for moderation (held).
TAKEOUT_COMMENT_STATES = {"live": "published", "spam_comment": "spam", "pending": "held"}


def _takeout_comment(entry, entry_id, label, status):
    post_ref = (entry.findtext(B + "parent") or "").strip()
    if not post_ref:
        raise ImportFailed(f"{label}: a comment without <blogger:parent> (its post).")
    parent = (entry.findtext(B + "inReplyTo") or "").strip() or None
    state = TAKEOUT_COMMENT_STATES.get(status)
    skip = ""
    if state is None:
        skip = (
            "deleted on Blogger"
            if status in ("trashed", "deleted")
            else f"status {status or 'missing'!r} is not imported"
        )
    return _comment_data(entry, entry_id, label, parent, state=state or "published", skip=skip), post_ref
