"""WordPress's export (WXR: RSS 2.0 with the wp: namespace) -> common.Parsed.

Items with wp:post_type "post" are imported as posts, "page" as standalone pages
(blog.models.Page; their comments are reported as skipped: pages here take no comments);
attachments and menu items are reported as skipped (an attachment's address serves [gallery]).
wp:status publish -> published, future -> published at its future time (scheduled), draft ->
draft, anything else (private, pending, trash) is skipped. A password-protected post (a
non-empty wp:post_password) is imported as a draft, whatever its status, and the summary
names it: this blog has no protected posts, and its password is not kept (the body would
otherwise be open to every reader).
Categories with domain "post_tag" or "category" become tags. Comments (wp:comment) keep
their thread through wp:comment_parent; wp:comment_approved "1" -> published, "0" -> held,
"spam" -> spam, "trash" -> skipped. Pingbacks and trackbacks are skipped. Dates are the
*_gmt ones; wp:post_modified_gmt is the post's updated_at. The content becomes an HTML body
as WordPress shows it (wordpress_html: paragraphs, shortcodes, embeds), never read as Markdown.

A file is a WordPress export, as for WordPress's own importer, by its wp: namespace (the one
bound to the prefix "wp", else any http(s)://wordpress.org/export/1.N/: WordPress.com writes
https) with a <wp:wxr_version> N.N. Ids are checked for repeats only among the items that are
imported (posts, and pages once they are): menu items and attachments may repeat an id;
a repeated post id is reported and only the first is imported.

Post and comment ids are WordPress's, unique within one site: the site is the channel's
wp:base_blog_url (else its <link>, else wp:base_site_url), without scheme, "www." or the
final "/", so an export taken after a move to https still matches (common.py, "Keyed by site").
"""

import copy
import datetime
import itertools
import re
import xml.etree.ElementTree as ET  # noqa: S405 - building, not parsing
from urllib.parse import unquote, urlsplit

from blog.markup import Format
from blog.models import Post

from . import wordpress_html
from .common import PAGE_COMMENTS, CommentData, ImportFailed, Parsed, PostData, local_name, path_of, stream_document

CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
_WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/[0-9]+\.[0-9]+/$")
_WXR_VERSION = re.compile(r"^[0-9]+\.[0-9]+$")
COMMENT_STATES = {"1": "published", "approve": "published", "0": "held", "hold": "held", "spam": "spam"}
TAG_DOMAINS = {"post_tag", "category"}


def _wp_namespace(channel, namespaces):
    """ "{uri}" of the wp: namespace whose <wp:wxr_version> the channel has, or None."""
    candidates = [namespaces.get("wp"), *(uri for uri in namespaces.values() if _WP_NAMESPACE.match(uri))]
    for uri in dict.fromkeys(filter(None, candidates)):
        if _WXR_VERSION.match((channel.findtext(f"{{{uri}}}wxr_version") or "").strip()):
            return f"{{{uri}}}"
    return None


def site_of(channel, wp):
    """The export's site, as a key: "example.com/blog" for https://www.example.com/blog/."""
    for address in (
        channel.findtext(wp + "base_blog_url"),
        channel.findtext("link"),
        channel.findtext(wp + "base_site_url"),
    ):
        address = (address or "").strip()
        if address:
            parts = urlsplit(address if "//" in address else "//" + address)
            host = (parts.hostname or "").removeprefix("www.")
            port = f":{parts.port}" if parts.port else ""
            return (host + port + parts.path.rstrip("/"))[:255]
    return ""


def _date(value, label, element, *, required):
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):
        if required:
            raise ImportFailed(f"{label}: missing <{element}>.")
        return None
    try:
        if len(value) == 19 and value[10] == " ":  # "2019-04-02 08:00:00": fromisoformat is 10x strptime
            return datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)
        return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.UTC)
    except ValueError:
        raise ImportFailed(f"{label}: <{element}> is not a date: {value!r}.") from None


def _items(stream, channel):
    """The channel's <item>s from the stream; its other elements (small) are kept in `channel`."""
    for element in stream:
        if element.tag == "item":
            yield element
        else:
            channel.append(copy.deepcopy(element))  # the stream clears what it gave


def parse(path, *, recover=False):
    """The export read as a stream (common.stream_document): one item in memory at a time."""
    stream = stream_document(path, depth=2, recover=recover)
    root, namespaces, dropped = next(stream)
    if root.tag != "rss":
        raise ImportFailed(
            f"{path}: not a WordPress export: the root element is <{local_name(root.tag)}>, "
            "expected <rss> with a <channel>."
        )
    channel = ET.Element("channel")
    items = _items(stream, channel)
    first_item = next(items, None)  # the channel's head (wxr_version, authors) is read by then
    wp = _wp_namespace(channel, namespaces)
    if wp is None:
        raise ImportFailed(f"{path}: not a WordPress export: no <wp:wxr_version> in the channel.")

    def text(element, name):
        return (element.findtext(name) or "").strip()

    authors = {}
    for author in channel.findall(wp + "author"):
        login = text(author, wp + "author_login")
        email = text(author, wp + "author_email").lower()
        user_id = text(author, wp + "author_id")
        authors[login] = frozenset(x for x in (email and "email:" + email, user_id and "wpuser:" + user_id) if x)

    posts, pages, skipped, seen, comment_ids, attachments = [], [], [], {}, {}, {}
    for number, item in enumerate(itertools.chain([first_item] if first_item is not None else [], items), 1):
        post_id = text(item, wp + "post_id")
        label = f"entry {number} (id {post_id or '?'})"
        post_type = text(item, wp + "post_type") or "post"
        if post_type in ("post", "page"):  # what is (or will be) imported: its id must be one
            if not post_id.isdigit():
                raise ImportFailed(f"{label}: missing or bad <wp:post_id>.")
            first = seen.setdefault(post_id, f"entry {number}")
            if first != f"entry {number}":
                kind = post_type + "s"
                reason = f"its id appears twice in the file (first as {first})"
                skipped += _not_imported(item, wp, kind, label, reason, f"on a second item with the id {post_id}")
                continue
        if post_type == "attachment":
            attachments[post_id] = {
                "url": text(item, wp + "attachment_url") or text(item, "guid"),
                "title": text(item, "title"),
                "parent": text(item, wp + "post_parent"),
            }
        if post_type not in ("post", "page"):
            reason = f"post type {post_type!r} is not imported"
            skipped += _not_imported(item, wp, "posts", label, reason, f"on a {post_type!r} item")
            continue
        kind = post_type + "s"
        status = text(item, wp + "status")
        if status not in ("publish", "future", "draft"):
            reason = f"status {status or 'missing'!r} is not imported"
            where = f"on a {post_type} with status {status or 'missing'!r}"
            skipped += _not_imported(item, wp, kind, label, reason, where)
            continue
        published_at = _date(text(item, wp + "post_date_gmt"), label, "wp:post_date_gmt", required=False)
        if published_at is None and status != "draft" and post_type == "post":  # a page has no date here
            published_at = _date(text(item, wp + "post_date"), label, "wp:post_date_gmt", required=True)
        content = item.find(CONTENT + "encoded")
        if content is None:
            raise ImportFailed(f"{label}: missing <content:encoded>.")
        tags = [
            (category.text or "").strip()
            for category in item.findall("category")
            if category.get("domain") in TAG_DOMAINS and (category.text or "").strip()
        ]
        tags = [t for t in tags if t.lower() != "uncategorized"]
        protected = bool(text(item, wp + "post_password"))
        note = "password-protected on WordPress: imported as a draft" if protected else ""
        if protected:
            status = "draft"
        if post_type == "page" and status == "future":  # a page has no publication date here
            status, note = "draft", "scheduled on WordPress: imported as a draft (pages have no publication date)"
        post = PostData(
            source_id=post_id,
            label=label,
            title=text(item, "title") or "Untitled",
            body=(content.text or "").strip(),  # WordPress's display rules are applied below
            status=Post.Status.DRAFT if status == "draft" else Post.Status.PUBLISHED,
            published_at=None if status == "draft" else published_at,
            tags=list(dict.fromkeys(tags)) if post_type == "post" else [],
            slug=unquote(text(item, wp + "post_name")),
            old_path="" if status == "draft" else path_of(text(item, "link")),
            identities=authors.get(text(item, DC + "creator"), frozenset()),
            note=note,
            body_format=Format.HTML,
            updated_at=_date(text(item, wp + "post_modified_gmt"), label, "wp:post_modified_gmt", required=False),
            kind=kind,
        )
        if post_type == "page":
            comments = item.findall(wp + "comment")
            for element in comments:
                comment_id = (element.findtext(wp + "comment_id") or "").strip() or "?"
                skipped.append(("comments", f"{comment_id} on {label}", PAGE_COMMENTS))
            if comments:
                post.label = f"{label}, with {len(comments)} comment{'s' if len(comments) != 1 else ''}"
            pages.append(post)
            continue
        for c_number, element in enumerate(item.findall(wp + "comment"), 1):
            comment = _comment(element, wp, f"{label}, comment {c_number}")
            first = comment_ids.setdefault(comment.source_id, label)
            if first is not label:  # ids are unique per site: a second one is not the same comment
                skipped.append(
                    (
                        "comments",
                        f"{comment.source_id} on {label}",
                        f"its id appears twice in the file (first on {first})",
                    )
                )
                continue
            post.comments.append(comment)
        posts.append(post)
    for post in (*posts, *pages):  # after the whole file: a [gallery] may name attachments listed later
        post.body = wordpress_html.to_html(post.body, attachments=attachments, post_id=post.source_id)
    return Parsed(
        posts=posts,
        pages=pages,
        skipped=skipped,
        site=site_of(channel, wp),
        dropped=dropped,
        render_comment=wordpress_html.comment_html,
    )


def _not_imported(item, wp, kind, label, reason, where):
    """Skip notes for an item that is not imported and each of its comments (counted with their reason)."""
    comments = item.findall(wp + "comment")
    if comments:
        label = f"{label}, with {len(comments)} comment{'s' if len(comments) != 1 else ''}"
    notes = [(kind, label, reason)]
    for element in comments:
        comment_id = (element.findtext(wp + "comment_id") or "").strip() or "?"
        notes.append(("comments", f"{comment_id} on {label.split(',')[0]}", f"{where}, which is not imported"))
    return notes


def _comment(element, wp, label):
    def text(name):
        return (element.findtext(wp + name) or "").strip()

    comment_id = text("comment_id")
    if not comment_id.isdigit():
        raise ImportFailed(f"{label}: missing or bad <wp:comment_id>.")
    label = f"{label} (id {comment_id})"
    parent = text("comment_parent")
    approved = text("comment_approved")
    kind = text("comment_type")
    skip = ""
    if approved == "trash":
        skip = "in WordPress's trash"
    elif kind in ("pingback", "trackback"):
        skip = f"{kind}s are not imported"
    elif approved not in COMMENT_STATES:
        raise ImportFailed(f"{label}: unknown <wp:comment_approved> {approved!r}.")
    email = text("comment_author_email").lower()
    user_id = text("comment_user_id")
    content = (element.findtext(wp + "comment_content") or "").strip()
    if not content and not skip:
        skip = "empty"
    return CommentData(
        source_id=comment_id,
        parent_source_id=parent if parent and parent != "0" else None,
        author_name=text("comment_author"),
        author_email=email,
        author_url=text("comment_author_url"),
        ip=text("comment_author_IP") or None,
        submitted=_date(text("comment_date_gmt"), label, "wp:comment_date_gmt", required=False)
        or _date(text("comment_date"), label, "wp:comment_date_gmt", required=True),
        text=content,
        state=COMMENT_STATES.get(approved, "published"),
        identities=frozenset(
            x for x in (email and "email:" + email, user_id not in ("", "0") and "wpuser:" + user_id) if x
        ),
        skip=skip,
    )
