"""What the importers share: the parsed data, the XML loader, the writer.

The Blogger and WordPress importers (blogger.py, wordpress.py) and the demo blog (demo.py,
`manage.py seed_demo`) all read their source into `Parsed` and write it with `run_import()`.

Decisions (also in README.md, "Importing"):

- **Bodies are HTML, never read as Markdown.** Both exports carry HTML: it is the post's
  body with body_format "html" (blog.markup.render sanitizes it with nh3 on save, the same
  allowlist as Markdown's output). WordPress content is first given WordPress's own display
  rules (wordpress_html: wpautop, shortcodes, embeds); Blogger's is kept as it is. Pages
  (Parsed.pages) become blog.models.Page the same way; their comments are reported.
- **Comments stay HTML too**, in XtdComment.comment as exported; Parsed.render_comment (the
  source's rules, nh3 with the reader allowlist) renders them, whatever their length.
- **Nothing half-written.** The whole file is parsed (streamed: stream_document) and checked
  before the first write; a broken entry stops the run with its number and id. Posts are
  then written IMPORT_BATCH to a transaction, each in a savepoint with its tags and comments;
  posts never imported before are bulk-created (_create_new_posts). --dry-run runs
  everything in one transaction and rolls it back.
- **Idempotent.** blog.models.LegacyLink keeps (source, site, kind, source id) -> post /
  comment id, with a checksum of the imported data: a rerun creates what is new, updates
  what changed in the export and leaves the rest alone. A comment's moderation state and
  threading are never changed by a rerun (a moderator may have decided since).
- **Keyed by site.** WordPress post and comment ids are only unique within one site, so the
  site (Parsed.site: the export's blog address, or Blogger's blog id) is part of the key: a
  second blog whose ids are the same numbers gets posts of its own. Rows written before
  sites were recorded have site "": the first run with a site adopts such a row when it is
  evidently the same entry (the same checksum or old address; for Blogger, whose entry ids
  name the blog, the same id), and a comment when its post is the one being imported.
- **The author's own comments** (same email, or same Blogger profile URI / WordPress user id
  as the post's author, or the --author user's email) are linked to the --author user, so
  they carry the Author badge. A matching name alone is not enough: anyone can type a name.
- **Threads as on the old blog**, cut at COMMENTS_XTD_MAX_THREAD_LEVEL_BY_APP_MODEL: a reply
  deeper than that answers the deepest allowed ancestor, as a new reply on the site would.
  Comments go in date order (parents first), since xtd orders replies by insertion.
  A post none of whose comments were imported before gets them in a few bulk queries with
  the thread data xtd's save() would compute (comments.moderation.seed_many;
  a test compares both paths); later additions go one by one through xtd's save().
- Imported comments keep the reason "seeded" (comments.models.Reason: "Demo or imported
  content"), so no migration of the comments app is needed. Demo comments may name another
  (CommentData.reason: a held comment's "first_comment", the spam's "spam_word").
- **The demo is mirrored** (`run_import(..., mirror=True)`): its files are the truth, so a
  demo post is rewritten whenever it differs from them (an import keeps local edits until
  the export itself changes), and rows made before the demo kept links (by the old
  seed_demo) are adopted: a post by its slug, a comment by its post, email and text. The
  demo also brings its themes (one per post), tag slugs, summaries and pinned posts.
"""

import datetime
import hashlib
import json
import time
import xml.etree.ElementTree as ET  # noqa: S405 - DTDs are refused before parsing (load_document)
from contextlib import nullcontext
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from anyascii import anyascii
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import slugify
from django.utils.timezone import now as timezone_now
from django_comments_xtd.models import XtdComment

from blog.cache import invalidations_batched
from blog.markup import Format, MarkupRejected, MarkupTooLong
from blog.models import LegacyLink, PinnedPost, Post, Tag, Theme, unique_slug
from comments import moderation  # the one writer of comments
from comments.models import Reason

__all__ = [
    "ImportFailed",
    "PostData",
    "CommentData",
    "ThemeData",
    "TagData",
    "Parsed",
    "Summary",
    "load_xml",
    "run_import",
]


class ImportFailed(Exception):
    """The file cannot be imported; the message names the file or the entry. Nothing was written."""


@dataclass
class CommentData:
    source_id: str
    parent_source_id: str | None
    author_name: str
    author_email: str
    author_url: str
    ip: str | None
    submitted: datetime.datetime
    text: str
    state: str = "published"  # comments.models.State value
    identities: frozenset = frozenset()  # "email:...", "uri:...", "wpuser:..." (who wrote it)
    skip: str = ""  # why it is not imported ("deleted on Blogger"); replies attach above it
    reason: str = ""  # comments.models.Reason value of its state; "" is Reason.SEEDED

    def checksum(self, parent):
        return _checksum(
            self.author_name, self.author_email, self.author_url, self.submitted.isoformat(), self.text, parent
        )


@dataclass
class PostData:
    source_id: str
    label: str  # "entry 3 (id ...)", for messages
    title: str
    body: str
    status: str  # Post.Status value
    published_at: datetime.datetime | None
    tags: list
    slug: str
    old_path: str
    identities: frozenset = frozenset()  # the post author's
    comments: list = field(default_factory=list)
    # Only the demo sets these (None: the run's theme; the post's summary and allow_comments stay).
    theme: str | None = None  # the slug of one of Parsed.themes
    summary: str | None = None
    allow_comments: bool | None = None
    note: str = ""  # told in the summary for this post ("password-protected on WordPress, ...")
    body_format: str = Format.MARKDOWN  # imports: Format.HTML (the source's HTML, never read as Markdown)
    updated_at: datetime.datetime | None = None  # the source's last change (Post.updated_at), if it says
    kind: str = "posts"  # "pages": a standalone page (blog.models.Page); its comments are not imported
    refused: bool = False  # its body could not be rendered (set while writing; reported as skipped)

    def checksum(self):
        stamp = self.published_at.isoformat() if self.published_at else ""
        values = [self.title, self.body, self.status, stamp, sorted(t.lower() for t in self.tags), self.slug]
        extra = [self.theme, self.summary, self.allow_comments]
        if any(value is not None for value in extra):  # the demo's; imports' checksums stay as they were
            values += extra
        if self.body_format != Format.MARKDOWN or self.updated_at is not None:
            values += [self.body_format, self.updated_at.isoformat() if self.updated_at else ""]
        return _checksum(*values)


@dataclass
class ThemeData:
    slug: str
    name: str
    description: str = ""


@dataclass
class TagData:
    slug: str
    name: str


@dataclass
class Parsed:
    posts: list
    skipped: list  # (kind, label, reason)
    # The demo's (imports have none): written before the posts, pins after them.
    themes: list = field(default_factory=list)  # ThemeData, matched by slug
    tags: list = field(default_factory=list)  # TagData: tags by these slugs (or names) for PostData.tags' names
    pins: dict = field(default_factory=dict)  # post source_id -> [target source_ids], in order
    site: str = ""  # the old site the ids belong to (see "Keyed by site"); the demo has none
    dropped: list = field(default_factory=list)  # what --recover could not read ("line 3, column 30: ...")
    ids_name_the_site: bool = False  # Blogger's ids contain the blog id: legacy rows match by id alone
    pages: list = field(default_factory=list)  # PostData of kind "pages": standalone pages (blog.models.Page)
    # text -> sanitized HTML of an exported comment (the source's HTML); None: Markdown (the demo)
    render_comment: object = None


# Why a page's comments are not imported (blog.models.Page has no comments).
PAGE_COMMENTS = "on a page: pages on this blog take no comments"
MISSING_PARENT = "answers a comment that is not in the file: imported at the top level of the thread"


def _checksum(*values):
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


# Where a prefix is used without being declared (older Blogger exports write app: and thr:
# without xmlns), --recover reads it in the namespace it always stands for in exports.
KNOWN_PREFIXES = {
    "app": "http://purl.org/atom/app#",
    "thr": "http://purl.org/syndication/thread/1.0",
    "gd": "http://schemas.google.com/g/2005",
    "openSearch": "http://a9.com/-/spec/opensearchrss/1.0/",
    "georss": "http://www.georss.org/georss",
    "media": "http://search.yahoo.com/mrss/",
    "blogger": "http://schemas.google.com/blogger/2018",
    "wp": "http://wordpress.org/export/1.2/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
}
RECOVER_HINT = "Run again with --recover to import what is well-formed and list what is dropped."


class _DTDRefused(Exception):
    pass


class _Builder(ET.TreeBuilder):
    """ElementTree's builder, also noting the namespace prefixes and refusing any DTD."""

    def __init__(self):
        super().__init__()
        self.namespaces = {}  # prefix -> uri, the first declaration of each

    def start_ns(self, prefix, uri):
        self.namespaces.setdefault(prefix, uri)

    def doctype(self, name, pubid, system):
        raise _DTDRefused  # stops the parser at the DOCTYPE, before any entity is declared or used


def _declares_dtd(data):
    """True if the prolog (the only place a DTD, and so an entity declaration, can be) has a DOCTYPE.

    "<!ENTITY" anywhere else is text (CDATA, a comment) or a syntax error, never a declaration.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode()
    i = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while data[i : i + 1] in (b" ", b"\t", b"\r", b"\n"):
            i += 1
        for opening, closing in ((b"<?", b"?>"), (b"<!--", b"-->")):
            if data.startswith(opening, i):
                end = data.find(closing, i + len(opening))
                if end < 0:
                    return False  # not well-formed: the parser says where
                i = end + len(closing)
                break
        else:
            return data[i : i + 9].upper() == b"<!DOCTYPE"


def _read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read the file ({error.strerror}).") from None


def _parse(data):
    """(root, {prefix: uri}) with the standard library's parser; DTDs refused."""
    builder = _Builder()
    parser = ET.XMLParser(target=builder)  # noqa: S314 - DTDs are refused (_declares_dtd, _Builder.doctype)
    parser.feed(data)
    return parser.close(), builder.namespaces


def _where(data, error):
    """ "line 3, column 30 (unbound prefix): <the line>" for a ParseError (columns counted from 1)."""
    line, column = error.position
    reason = str(error).split(":", 1)[0]
    lines = data.split(b"\n")
    text = lines[line - 1].decode("utf-8", errors="replace").rstrip() if 0 < line <= len(lines) else ""
    if len(text) > 100:  # the part around the column
        start = max(0, column - 50)
        text = ("…" if start else "") + text[start : start + 100] + ("…" if start + 100 < len(text) else "")
    text = text.strip()
    return f"line {line}, column {column + 1} ({reason}): {text!r}"


def load_document(path, *, recover=False):
    """(root element, {prefix: namespace}, [what was dropped]) of an export file.

    Unreadable and non-XML files are refused with the place of the first error; so are DTDs
    (entity bombs). `recover`: a file that is not well-formed is read with lxml's recovering
    parser instead; what it could not read is listed (line, column, what), elements under an
    undeclared well-known prefix (KNOWN_PREFIXES) are read in their usual namespace.
    """
    data = _read(path)
    if _declares_dtd(data):
        raise ImportFailed(f"{path}: the file declares a DTD or entities; exports never do, so it is refused.")
    try:
        root, namespaces = _parse(data)
        return root, namespaces, []
    except _DTDRefused:
        raise ImportFailed(
            f"{path}: the file declares a DTD or entities; exports never do, so it is refused."
        ) from None
    except ET.ParseError as error:
        if not recover:
            raise ImportFailed(f"{path}: not a well-formed XML file: {_where(data, error)}. {RECOVER_HINT}") from None
    return _recover(path, data)


DTD_REFUSED = "the file declares a DTD or entities; exports never do, so it is refused."
_CHUNK = 1 << 20


def _line_of(path, number):
    """Line `number` (from 1) of the file, as bytes, read as a stream."""
    with open(path, "rb") as handle:
        for n, line in enumerate(handle, 1):
            if n == number:
                return line
    return b""


def stream_document(path, *, depth, recover=False):
    """The export read as a stream: yields (root, {prefix: uri}, [dropped]) first, then each
    element `depth` levels below the root once it is complete (its children with it).

    An element is cleared and let go once the caller asks for the next one, so memory stays
    flat whatever the file's size (the parsed data the caller keeps aside). The checks are
    load_document()'s: DTDs refused, the place of the first syntax error. `recover`: the file
    is read whole with load_document(recover=True) (a broken file is rarely large) and its
    elements given in the same way.
    """
    if recover:
        root, namespaces, dropped = load_document(path, recover=True)
        yield root, namespaces, dropped
        level = [root]
        for _ in range(depth):
            level = [child for element in level for child in element]
        yield from level
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in finally (a generator)
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read the file ({error.strerror}).") from None
    try:
        head = handle.read(_CHUNK)
        if _declares_dtd(head):
            raise ImportFailed(f"{path}: {DTD_REFUSED}")
        # The prolog (where a DTD would be) is all in `head`: the root element starts in it.
        parser = ET.XMLPullParser(events=("start", "end", "start-ns"))  # noqa: S314 - DTDs refused
        namespaces, stack, chunk, started = {}, [], head, False
        while chunk:
            try:
                parser.feed(chunk)
                events = list(parser.read_events())
            except ET.ParseError as error:
                line = _line_of(path, error.position[0])
                where = _where(b"\n" * (error.position[0] - 1) + line, error)
                raise ImportFailed(f"{path}: not a well-formed XML file: {where}. {RECOVER_HINT}") from None
            for event, value in events:
                if event == "start-ns":
                    namespaces.setdefault(*value)
                elif event == "start":
                    stack.append(value)
                    if not started:
                        started = True
                        yield value, namespaces, []
                elif event == "end":
                    stack.pop()
                    if len(stack) == depth:
                        yield value
                        value.clear()
                        stack[-1].remove(value)
            if not started:
                raise ImportFailed(f"{path}: no element in the first MB (a prolog that long is not an export's).")
            chunk = handle.read(_CHUNK)
        try:
            parser.close()
        except ET.ParseError as error:
            raise ImportFailed(f"{path}: not a well-formed XML file: {_where(b'', error)}. {RECOVER_HINT}") from None
        if not started:
            raise ImportFailed(f"{path}: not a well-formed XML file: no element. {RECOVER_HINT}")
    finally:
        handle.close()


def _recover(path, data):
    from lxml import etree  # only for --recover (requirements.txt says why)

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(data, parser)  # noqa: S320 - no DTD (refused above), no entities resolved, no network
    if root is None:
        raise ImportFailed(f"{path}: nothing well-formed could be read, even with --recover.")
    for element in root.iter(etree.Element):
        prefix, colon, name = element.tag.partition(":")
        if colon and not element.tag.startswith("{"):
            uri = KNOWN_PREFIXES.get(prefix, f"urn:undeclared:{prefix}")
            element.tag = f"{{{uri}}}{name}"
        for attribute in [a for a in element.attrib if ":" in a and not a.startswith("{")]:
            del element.attrib[attribute]  # an attribute under an undeclared prefix: nothing of ours reads one
    dropped = []
    for error in parser.error_log:
        message = error.message.strip()
        if error.type_name == "NS_ERR_UNDEFINED_NAMESPACE":
            prefix = message.split("prefix ", 1)[-1].split(" ", 1)[0]
            if prefix in KNOWN_PREFIXES:
                message += f"; read as {KNOWN_PREFIXES[prefix]}"
            else:
                message += "; its elements are not read"
        else:
            message += "; what was there may be cut"
        dropped.append(f"line {error.line}, column {error.column}: {message}")
    root, namespaces = _parse(etree.tostring(root, encoding="utf-8"))
    return root, namespaces, dropped


def load_xml(path, *, recover=False):
    """The file's root element (see load_document)."""
    return load_document(path, recover=recover)[0]


def local_name(tag):
    return tag.rsplit("}", 1)[-1]


def path_of(url):
    """The decoded path of an old URL ("/2019/05/slug.html"), or ""."""
    path = unquote(urlsplit(url or "").path)
    return "" if path in ("", "/") else path


def parse_iso(value, label, element):
    try:
        parsed = datetime.datetime.fromisoformat((value or "").strip().replace("Z", "+00:00"))
    except ValueError:
        raise ImportFailed(f"{label}: <{element}> is not a date: {value!r}.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


class Summary:
    """Counts per kind and outcome, and why each skipped item was skipped.

    For posts, pages and comments every item of the file is counted once: created + updated +
    unchanged + skipped = what the file holds (comments of items that are not imported are
    skipped with them, each with its reason). The pages line shows only when the file has pages.
    """

    KINDS = ("posts", "pages", "comments", "tags")

    def __init__(self):
        self.counts = {}
        self._last = {}
        self.notes = []  # (kind, label, reason)
        self.remarks = []  # (kind, label, text): imported, with something the reader should know
        self.dropped = []  # what --recover could not read

    def count(self, kind, outcome, n=1):
        self.counts[kind, outcome] = self.counts.get((kind, outcome), 0) + n
        self._last[kind] = outcome

    def last(self, kind):
        """The outcome counted last for `kind` ("created", "updated", ...)."""
        return self._last.get(kind)

    def get(self, kind, outcome):
        return self.counts.get((kind, outcome), 0)

    def skip(self, kind, label, reason):
        self.count(kind, "skipped")
        self.notes.append((kind, label, reason))

    def checkpoint(self):
        return dict(self.counts), len(self.notes), len(self.remarks)

    def restore(self, checkpoint):
        """Forget what was counted since `checkpoint` (its transaction was rolled back)."""
        counts, notes, remarks = checkpoint
        self.counts, self.notes, self.remarks = dict(counts), self.notes[:notes], self.remarks[:remarks]

    def remark(self, kind, label, text):
        self.remarks.append((kind, label, text))

    def lines(self, *, dry_run=False):
        out = []
        for kind in self.KINDS:
            if kind == "pages" and not any(k == kind for k, _outcome in self.counts):
                continue
            outcomes = ("created", "existing") if kind == "tags" else ("created", "updated", "unchanged", "skipped")
            out.append(f"{kind:>8}: " + ", ".join(f"{self.get(kind, o)} {o}" for o in outcomes))
        reasons = {}
        for kind, _label, reason in self.notes:
            reasons[kind, reason] = reasons.get((kind, reason), 0) + 1
        for (kind, reason), n in sorted(reasons.items()):
            out.append(f"  skipped {n} {kind[:-1] if n == 1 else kind}: {reason}")
        for kind, label, reason in self.notes[:50]:
            out.append(f"    {kind[:-1]} {label}: {reason}")
        if len(self.notes) > 50:
            out.append(f"    … and {len(self.notes) - 50} more")
        remarks = {}
        for kind, _label, text in self.remarks:
            remarks[kind, text] = remarks.get((kind, text), 0) + 1
        for (kind, text), n in sorted(remarks.items()):
            out.append(f"  {n} {kind[:-1] if n == 1 else kind} {text}")
        for kind, label, text in self.remarks:  # each one: the author has to look at them
            out.append(f"    {kind[:-1]} {label}: {text}")
        if self.dropped:
            out.append(f"  read with --recover: {len(self.dropped)} problem{'s' if len(self.dropped) != 1 else ''}:")
            out.extend(f"    {line}" for line in self.dropped[:50])
            if len(self.dropped) > 50:
                out.append(f"    … and {len(self.dropped) - 50} more")
        if dry_run:
            out.append("Dry run: nothing was written.")
        return out


class Progress:
    """A one-line progress bar with the rate and the time left, drawn only on a terminal."""

    def __init__(self, stream, total, *, enabled, width=30, clock=time.monotonic):
        self.stream, self.total, self.enabled, self.width = stream, total, enabled and total > 0, width
        self.clock = clock
        self.started = clock()
        self.drawn = float("-inf")

    def line(self, done):
        """ "[####......] 1,200/14,600 posts, 310 posts/s, 43 s left" """
        filled = self.width * done // self.total
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = self.clock() - self.started
        text = f"[{bar}] {done:,}/{self.total:,} posts"
        if done and elapsed > 0:
            rate = done / elapsed
            left = (self.total - done) / rate
            text += f", {rate:,.0f} posts/s, " + (
                f"{left // 60:.0f} min {left % 60:02.0f} s left" if left >= 60 else f"{left:.0f} s left"
            )
        return text

    def update(self, done):
        if not self.enabled:
            return
        now = self.clock()
        if done != self.total and now - self.drawn < 0.2:  # five times a second is enough to read
            return
        self.drawn = now
        self.stream.write("\r" + self.line(done).ljust(self.width + 60), ending="")
        self.stream.flush()
        if done == self.total:
            self.stream.write("")


class _Tags:
    """Tags by lower-cased name: reused (names are unique ignoring case) or created."""

    def __init__(self, summary):
        self.summary = summary
        self.known = {}  # lower name -> Tag, committed
        self.pending = {}  # created in the current post's transaction
        self.counted = set()

    @staticmethod
    def _name(name):
        return " ".join(name.split())[:60]

    def declare(self, declared):
        """Tags with their own slugs (TagData): found by slug, else by name, else created."""
        for data in declared:
            name = self._name(data.name)
            tag = Tag.objects.filter(slug=data.slug).first() or Tag.objects.filter(name__iexact=name).first()
            outcome = "existing" if tag is not None else "created"
            if tag is None:
                tag = Tag.objects.create(slug=data.slug, name=name)
            self.known[name.lower()] = tag
            if name.lower() not in self.counted:
                self.counted.add(name.lower())
                self.summary.count("tags", outcome)

    def get(self, name):
        name = self._name(name)
        key = name.lower()
        if not key:
            return None
        tag = self.known.get(key) or self.pending.get(key)
        if tag is None:
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is not None:
                self.known[key] = tag
                if key not in self.counted:
                    self.counted.add(key)
                    self.summary.count("tags", "existing")
            else:
                tag = Tag.objects.create(name=name, slug=self._slug(name))
                self.pending[key] = tag
        return tag

    @staticmethod
    def _slug(name):
        return unique_slug(Tag(), name, max_length=60)

    def commit(self):
        for key, tag in self.pending.items():
            self.known[key] = tag
            if key not in self.counted:
                self.counted.add(key)
                self.summary.count("tags", "created")
        self.pending = {}

    def rollback(self):
        self.pending = {}


# Posts written per transaction: a commit (an fsync on SQLite) and a page-cache invalidation
# per post were most of an import's time.
IMPORT_BATCH = 250


def run_import(parsed, *, source, author, theme, dry_run=False, progress=None, mirror=False):
    """Write the parsed posts (IMPORT_BATCH per transaction, a savepoint each, with tags and
    comments). Returns a Summary.

    `theme`: the posts' theme, unless a post names one of `parsed.themes`. `mirror`: the
    source is the truth (the demo): see "The demo is mirrored" above.
    """
    summary = Summary()
    summary.dropped = list(parsed.dropped)
    for kind, label, reason in parsed.skipped:
        summary.skip(kind, label, reason)
    tags = _Tags(summary)
    posts = {}  # source_id -> Post, for the pins
    slugs = None  # _Slugs, once new posts are bulk-created
    with transaction.atomic() if dry_run else nullcontext():
        with transaction.atomic():
            themes = _write_themes(parsed.themes, summary)
            tags.declare(parsed.tags)
        for first in range(0, len(parsed.posts), IMPORT_BATCH):
            # One transaction (and one page-cache invalidation) per batch; a savepoint per post.
            with invalidations_batched(), transaction.atomic():
                batch = parsed.posts[first : first + IMPORT_BATCH]
                if not mirror:  # posts never imported before: a few queries for the whole batch
                    slugs = slugs or _Slugs()
                    written = _create_new_posts(
                        batch,
                        source=source,
                        site=parsed.site,
                        author=author,
                        theme=theme,
                        tags=tags,
                        summary=summary,
                        slugs=slugs,
                    )
                    for data, post in written:
                        posts[data.source_id] = post
                        if not BULK_COMMENTS:  # one by one (a test compares both paths)
                            _import_comments(
                                data,
                                post,
                                source=source,
                                site=parsed.site,
                                author=author,
                                summary=summary,
                                render=parsed.render_comment,
                            )
                    if BULK_COMMENTS:
                        _comments_of_new_posts(
                            written,
                            source=source,
                            site=parsed.site,
                            author=author,
                            summary=summary,
                            render=parsed.render_comment,
                        )
                    done_ids = {id(data) for data, _post in written} | {id(d) for d in batch if d.refused}
                    batch_rest = [data for data in batch if id(data) not in done_ids]
                    if progress:
                        progress.update(first + len(batch) - len(batch_rest))
                else:
                    batch_rest = batch
                for done, data in enumerate(batch_rest, first + len(batch) - len(batch_rest) + 1):
                    post_theme = themes.get(data.theme) if data.theme else theme
                    if post_theme is None:
                        raise ImportFailed(
                            f"{data.label}: " + (f"no theme {data.theme!r}." if data.theme else "no theme.")
                        )
                    checkpoint = summary.checkpoint()
                    try:
                        with transaction.atomic():
                            post = _import_post(
                                data,
                                source=source,
                                site=parsed.site,
                                adopt_by_id=parsed.ids_name_the_site,
                                author=author,
                                theme=post_theme,
                                tags=tags,
                                summary=summary,
                                mirror=mirror,
                            )
                            if post is not None:
                                _import_comments(
                                    data,
                                    post,
                                    source=source,
                                    site=parsed.site,
                                    author=author,
                                    summary=summary,
                                    mirror=mirror,
                                    render=parsed.render_comment,
                                )
                    except (MarkupTooLong, MarkupRejected) as error:
                        tags.rollback()
                        summary.restore(checkpoint)
                        summary.skip("posts", data.label, f"body refused: {error}")
                        for comment in data.comments:  # rolled back with their post
                            reason = comment.skip or "its post was not imported (body refused)"
                            summary.skip("comments", f"{comment.source_id} on {data.label}", reason)
                    except ImportFailed:
                        tags.rollback()
                        raise
                    except Exception as error:
                        tags.rollback()
                        raise ImportFailed(
                            f"{data.label}: could not be written ({type(error).__name__}: {error}); "
                            "this post, its comments and the posts written since the last commit were rolled back "
                            f"(the import commits every {IMPORT_BATCH} posts; a rerun goes on from there)."
                        ) from error
                    else:
                        tags.commit()
                        posts[data.source_id] = post
                        if slugs is not None and post is not None:
                            slugs.taken.add(post.slug)
                        if data.note:
                            summary.remark("posts", data.label, data.note)
                    if progress:
                        progress.update(done)
        for data in parsed.pages:
            checkpoint = summary.checkpoint()
            try:
                with transaction.atomic():
                    _import_page(data, source=source, site=parsed.site, summary=summary)
            except (MarkupTooLong, MarkupRejected) as error:
                summary.restore(checkpoint)
                summary.skip("pages", data.label, f"body refused: {error}")
        with transaction.atomic():
            _write_pins(parsed.pins, posts, summary)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _write_themes(themes, summary):
    """{slug: Theme} of the declared themes: created, or their name and description brought up to date."""
    written = {}
    for data in themes:
        values = {"name": data.name, "description": data.description}
        theme, created = Theme.objects.get_or_create(slug=data.slug, defaults=values)
        summary.count("themes", "created" if created else "updated" if _sync(theme, values) else "unchanged")
        written[data.slug] = theme
    return written


def _write_pins(pins, posts, summary):
    """A post's pinned posts (PinnedPost), at their positions. Pins not in the data stay."""
    for source_id, targets in pins.items():
        for position, target_id in enumerate(targets):
            post, target = posts.get(source_id), posts.get(target_id)
            if post is None or target is None:
                summary.skip("pins", f"{source_id} -> {target_id}", "a post of the pin was not written")
                continue
            values = {"position": position}
            pin, created = PinnedPost.objects.get_or_create(post=post, target=target, defaults=values)
            summary.count("pins", "created" if created else "updated" if _sync(pin, values) else "unchanged")


def _sync(obj, values):
    """Set `values` on `obj` and save it only if one of them differs. True if saved."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return bool(changed)


def _post_link(data, *, source, site, adopt_by_id):
    """The post's LegacyLink for this site, or a row from before sites were recorded that is this post."""
    links = LegacyLink.objects.filter(source=source, kind=LegacyLink.Kind.POST, source_id=data.source_id)
    link = links.filter(site=site).first()
    if link is None and site:
        old = links.filter(site="").first()
        if old is not None and (
            adopt_by_id or old.checksum == data.checksum() or (data.old_path and old.old_path == data.old_path[:500])
        ):
            link = old
    return link


def _import_post(data, *, source, author, theme, tags, summary, site="", adopt_by_id=False, mirror=False):
    link = _post_link(data, source=source, site=site, adopt_by_id=adopt_by_id)
    post = Post.objects.filter(pk=link.post_id).first() if link and link.post_id else None
    if post is None and mirror:
        post = Post.objects.filter(slug=data.slug).first()  # written before the demo kept links
    checksum = data.checksum()
    tag_objects = [tag for tag in (tags.get(name) for name in data.tags) if tag is not None]
    values = {
        "title": data.title[:200],
        "body": data.body,
        "body_format": data.body_format,
        "status": data.status,
        "published_at": data.published_at,
    }
    values.update(
        (name, value)
        for name, value in (("summary", data.summary), ("allow_comments", data.allow_comments))
        if value is not None
    )
    if post is None:
        post = Post(author=author, theme=theme, **values)
        post.slug = unique_slug(post, data.slug or data.title)
        post.save()
        post.tags.set(tag_objects)
        summary.count("posts", "created")
    elif mirror:
        # Saved only when it differs from the data (its updated_at stays put otherwise).
        updated = _sync(post, {**values, "author_id": author.pk, "theme_id": theme.pk})
        if set(post.tags.values_list("pk", flat=True)) != {tag.pk for tag in tag_objects}:
            post.tags.set(tag_objects)
            updated = True
        summary.count("posts", "updated" if updated else "unchanged")
    elif link.checksum != checksum:
        for name, value in values.items():
            setattr(post, name, value)
        post.save()
        post.tags.set(tag_objects)
        summary.count("posts", "updated")
    else:
        summary.count("posts", "unchanged")
    if data.updated_at is not None and summary.last("posts") in ("created", "updated"):
        _keep_source_date(Post, post, data.updated_at)
    if link is None:
        link = LegacyLink(source=source, site=site, kind=LegacyLink.Kind.POST, source_id=data.source_id)
    if (link.post_id, link.checksum, link.old_path, link.site) != (post.pk, checksum, data.old_path[:500], site):
        link.post, link.checksum, link.old_path, link.site = post, checksum, data.old_path[:500], site
        link.save()
    return post


class _Slugs:
    """Post slugs in use, read once a run: a new post's slug without a query (as unique_slug makes it)."""

    def __init__(self):
        self.taken = set(Post.objects.values_list("slug", flat=True))

    def take(self, value):
        base = _slug_base(value)
        slug, n = base, 2
        while slug in self.taken:
            slug, n = f"{base}-{n}", n + 1
        self.taken.add(slug)
        return slug


def _slug_base(value, max_length=200):
    """unique_slug()'s base for a post."""
    return slugify(anyascii(value or ""))[: max_length - 8].strip("-") or "post"


def _create_new_posts(batch, *, source, site, author, theme, tags, summary, slugs):
    """[(PostData, Post)] for the batch's posts that were never imported: bulk-created.

    A post with any LegacyLink of this source and id (this site's, or one from before sites
    were recorded) is left to _import_post, one by one. Bodies are rendered here (Post.render);
    one refused is skipped with its comments, as there. No post_save signal is sent
    (bulk_create): the page caches are told once, by key (blog.cache_keys: the lists the new
    posts are on; their own pages are new).
    """
    from blog import cache_keys

    ids = [data.source_id for data in batch]
    linked = set(
        LegacyLink.objects.filter(
            source=source, kind=LegacyLink.Kind.POST, source_id__in=ids, site__in={site, ""}
        ).values_list("source_id", flat=True)
    )
    new, seen = [], set()
    for data in batch:
        if data.source_id in linked or data.source_id in seen or data.theme is not None:
            continue
        seen.add(data.source_id)
        post = Post(
            author=author,
            theme=theme,
            title=data.title[:200],
            body=data.body,
            body_format=data.body_format,
            status=data.status,
            published_at=data.published_at,
        )
        if post.status == Post.Status.PUBLISHED and post.published_at is None:
            post.published_at = timezone_now()
        try:
            post.render()
        except (MarkupTooLong, MarkupRejected) as error:
            data.refused = True
            summary.skip("posts", data.label, f"body refused: {error}")
            for comment in data.comments:
                reason = comment.skip or "its post was not imported (body refused)"
                summary.skip("comments", f"{comment.source_id} on {data.label}", reason)
            continue
        post.slug = slugs.take(data.slug or data.title)
        new.append((data, post))
    if not new:
        return []
    Post.objects.bulk_create([post for _data, post in new])
    through = Post.tags.through
    rows = []
    for data, post in new:
        for tag in dict.fromkeys(t for t in (tags.get(name) for name in data.tags) if t is not None):
            rows.append(through(post_id=post.pk, tag_id=tag.pk))
    through.objects.bulk_create(rows)
    tags.commit()
    dated = []
    for data, post in new:
        if data.updated_at is not None:
            post.updated_at = data.updated_at
            dated.append(post)
    Post.objects.bulk_update(dated, ["updated_at"], batch_size=500)  # auto_now: the source's date instead
    LegacyLink.objects.bulk_create(
        LegacyLink(
            source=source,
            site=site,
            kind=LegacyLink.Kind.POST,
            source_id=data.source_id,
            post=post,
            checksum=data.checksum(),
            old_path=data.old_path[:500],
        )
        for data, post in new
    )
    for data, _post in new:
        summary.count("posts", "created")
        if data.note:
            summary.remark("posts", data.label, data.note)
    tag_ids = {}
    for row in rows:
        tag_ids.setdefault(row.post_id, []).append(row.tag_id)
    cache_keys.purge(*set().union(*(cache_keys.lists_of(post, tag_ids.get(post.pk, [])) for _data, post in new)))
    if any(post.published_at and post.published_at > timezone_now() for _data, post in new):
        cache_keys.refresh_schedule()  # a scheduled post among them: pages expire when it goes live
    return new


def _keep_source_date(model, obj, updated_at):
    """updated_at is auto_now (every save here is "now"): an imported row keeps the source's last change.

    An update after the save, so the feeds' <updated> and "newest" orderings see the old blog's
    history; a later edit here sets it again as usual.
    """
    model.objects.filter(pk=obj.pk).update(updated_at=updated_at)
    obj.updated_at = updated_at


def _import_page(data, *, source, site, summary):
    """A standalone page (blog.models.Page), created or brought up to date, with its LegacyLink."""
    from django.core.exceptions import ValidationError

    from blog.models import Page, validate_page_slug

    links = LegacyLink.objects.filter(source=source, kind=LegacyLink.Kind.PAGE, source_id=data.source_id)
    link = links.filter(site=site).first() or (links.filter(site="").first() if site else None)
    page = Page.objects.filter(pk=link.page_id).first() if link and link.page_id else None
    checksum = data.checksum()
    values = {
        "title": data.title[:200],
        "body": data.body,
        "body_format": data.body_format,
        "status": Page.Status.PUBLISHED if data.status == Post.Status.PUBLISHED else Page.Status.DRAFT,
    }
    if page is None:
        page = Page(**values)
        slug = data.slug or data.title
        page.slug = unique_slug(page, slug, max_length=100)
        try:
            validate_page_slug(page.slug)
        except ValidationError:  # "/feed/" or "/tags/" on the old blog: the blog's own addresses
            page.slug = unique_slug(page, f"{slug}-page", max_length=100)
        page.save()
        outcome = "created"
    elif link.checksum != checksum:
        for name, value in values.items():
            setattr(page, name, value)
        page.save()
        outcome = "updated"
    else:
        outcome = "unchanged"
    summary.count("pages", outcome)
    if data.updated_at is not None and outcome != "unchanged":
        _keep_source_date(Page, page, data.updated_at)
    if link is None:
        link = LegacyLink(source=source, site=site, kind=LegacyLink.Kind.PAGE, source_id=data.source_id)
    if (link.page_id, link.checksum, link.old_path, link.site) != (page.pk, checksum, data.old_path[:500], site):
        link.page, link.checksum, link.old_path, link.site = page, checksum, data.old_path[:500], site
        link.save()
    if data.note:
        summary.remark("pages", data.label, data.note)
    return page


def _in_thread_order(comments):
    """Comments by date, each after its parent (a reply dated before its parent waits for it)."""
    by_id = {c.source_id: c for c in comments}
    ordered, placed = [], set()

    def place(comment, seen=()):
        if comment.source_id in placed:
            return
        parent = by_id.get(comment.parent_source_id)
        if parent is not None and parent.source_id not in seen:
            place(parent, (*seen, comment.source_id))
            if comment.source_id in placed:  # placed on the way (a loop of parents)
                return
        placed.add(comment.source_id)
        ordered.append(comment)

    for comment in sorted(comments, key=lambda c: (c.submitted, c.source_id)):
        place(comment)
    return ordered


def _comment_links(data, post, *, source, site, summary):
    """{source_id: LegacyLink} of the post's comments already imported from this site.

    Rows from before sites were recorded are adopted when they hang on this post. A comment id
    of this site that is already imported on another post is not this comment's (ids are unique
    per site, so the export changed under it): it is reported and left alone, never overwritten.
    """
    ids = [c.source_id for c in data.comments if not c.skip]
    links = LegacyLink.objects.filter(source=source, kind=LegacyLink.Kind.COMMENT, source_id__in=ids)
    found, elsewhere = {}, {}
    for link in links.filter(site=site):
        (found if link.post_id == post.pk else elsewhere)[link.source_id] = link
    if site:
        adopt = [
            link
            for link in links.filter(site="", post=post)
            if link.source_id not in found and link.source_id not in elsewhere
        ]
        LegacyLink.objects.filter(pk__in=[link.pk for link in adopt]).update(site=site)
        found.update((link.source_id, link) for link in adopt)
    for source_id in elsewhere:
        summary.skip(
            "comments",
            f"{source_id} on {data.label}",
            "its id was imported before on another post of this site; that comment is left as it is",
        )
    return found, set(elsewhere)


def _import_comments(data, post, *, source, author, summary, site="", mirror=False, render=None):
    if not data.comments:
        return
    author_ids = set(data.identities)
    if author.email:
        author_ids.add("email:" + author.email.lower())
    links, taken = _comment_links(data, post, source=source, site=site, summary=summary)
    if taken:
        data.comments = [c for c in data.comments if c.source_id not in taken]
    if mirror:
        links.update(_adopt_comments(data, post, author, author_ids, links, source=source))
    positions = moderation.thread_positions([link.comment_id for link in links.values() if link.comment_id])
    reasons = {comment.reason or Reason.SEEDED for comment in data.comments if not comment.skip}
    if BULK_COMMENTS and not links and len(reasons) <= 1:
        reason = next(iter(reasons), Reason.SEEDED)
        _bulk_write_comments(
            data, post, author, author_ids, source=source, site=site, summary=summary, reason=reason, render=render
        )
        return
    with moderation.seeding():
        _write_comments(
            data, post, author, author_ids, links, positions, source=source, site=site, summary=summary, render=render
        )


# A post none of whose comments were imported before gets them in a few bulk queries
# (comments.moderation.seed_many, one reason for all); otherwise one by one (seed()).
BULK_COMMENTS = True


def _adopt_comments(data, post, author, author_ids, links, *, source):
    """{source_id: new LegacyLink} for the post's comments written before the demo kept links.

    Found as the old seed_demo keyed them: on the post, by email and text. Reads only; the
    comment itself is left as it is.
    """
    adopted = {}
    content_type = ContentType.objects.get_for_model(Post)
    for comment in data.comments:
        if comment.skip or comment.source_id in links:
            continue
        fields = _comment_fields(comment, author, author_ids)
        pk = (
            XtdComment.norel_objects.filter(
                content_type=content_type, object_pk=str(post.pk), user_email=fields["email"], comment=fields["text"]
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is not None and pk not in {link.comment_id for link in (*links.values(), *adopted.values())}:
            adopted[comment.source_id] = LegacyLink.objects.create(
                source=source,
                kind=LegacyLink.Kind.COMMENT,
                source_id=comment.source_id,
                post=post,
                comment_id=pk,
                checksum=comment.checksum(comment.parent_source_id),
            )
    return adopted


def _comment_fields(comment, author, author_ids):
    by_author = bool(author_ids & comment.identities)
    return {
        "user": author if by_author else None,
        "name": comment.author_name or (author.get_full_name() if by_author else "") or "Anonymous",
        "email": comment.author_email or (author.email if by_author else ""),
        "url": comment.author_url,
        "ip": comment.ip,
        "submitted": comment.submitted,
        "text": comment.text,
    }


def _check_parent(comment, in_file, data, summary):
    """A reply whose parent is not in the file goes to the top level of the thread, and is named."""
    if comment.parent_source_id and comment.parent_source_id not in in_file:
        summary.remark("comments", f"{comment.source_id} on {data.label}", MISSING_PARENT)


def _comment_rows(data, author, author_ids, summary):
    """(rows for moderation.seed_many, {source_id: checksum}) of a post none of whose comments exist yet."""
    alias, written, rows, checksums = {}, set(), [], {}

    def resolve(source_id, depth=0):
        while source_id in alias and depth < 1000:
            source_id, depth = alias[source_id], depth + 1
        return source_id if source_id in written else None

    in_file = {c.source_id for c in data.comments}
    for comment in _in_thread_order(data.comments):
        if comment.skip:
            alias[comment.source_id] = comment.parent_source_id
            summary.skip("comments", f"{comment.source_id} on {data.label}", comment.skip)
            continue
        _check_parent(comment, in_file, data, summary)
        parent = resolve(comment.parent_source_id) if comment.parent_source_id else None
        written.add(comment.source_id)
        rows.append((comment.source_id, parent, comment.state, _comment_fields(comment, author, author_ids)))
        checksums[comment.source_id] = comment.checksum(comment.parent_source_id)
        summary.count("comments", "created")
    return rows, checksums


def _comment_link_rows(post, pks, checksums, *, source, site):
    return [
        LegacyLink(
            source=source,
            site=site,
            kind=LegacyLink.Kind.COMMENT,
            source_id=key,
            post=post,
            comment_id=pk,
            checksum=checksums[key],
        )
        for key, pk in pks.items()
    ]


def _bulk_write_comments(
    data, post, author, author_ids, *, source, summary, site="", reason=Reason.SEEDED, render=None
):
    rows, checksums = _comment_rows(data, author, author_ids, summary)
    # cuts threads deeper than the site allows
    pks = moderation.seed_many(post, rows, reason=reason, render=render or moderation.render_comment)
    LegacyLink.objects.bulk_create(_comment_link_rows(post, pks, checksums, source=source, site=site))


def _comments_of_new_posts(written, *, source, site, author, summary, render):
    """The comments of a batch of bulk-created posts (_create_new_posts): a few queries in all.

    As _import_comments() would for each post (none of their comments exists), but the ids
    already imported on another post of this site are found in one query, and every thread
    is written by one moderation.seed_threads().
    """
    ids = [c.source_id for data, _post in written for c in data.comments if not c.skip]
    taken = set()
    for start in range(0, len(ids), 500):
        taken.update(
            LegacyLink.objects.filter(
                source=source, site=site, kind=LegacyLink.Kind.COMMENT, source_id__in=ids[start : start + 500]
            ).values_list("source_id", flat=True)
        )
    threads, checksums = [], []
    for data, post in written:
        if not data.comments:
            continue
        for source_id in taken & {c.source_id for c in data.comments}:
            summary.skip(
                "comments",
                f"{source_id} on {data.label}",
                "its id was imported before on another post of this site; that comment is left as it is",
            )
        data.comments = [c for c in data.comments if c.source_id not in taken]
        author_ids = set(data.identities)
        if author.email:
            author_ids.add("email:" + author.email.lower())
        rows, sums = _comment_rows(data, author, author_ids, summary)
        threads.append((post, rows))
        checksums.append(sums)
    results = moderation.seed_threads(threads, reason=Reason.SEEDED, render=render or moderation.render_comment)
    LegacyLink.objects.bulk_create(
        [
            link
            for (post, _rows), pks, sums in zip(threads, results, checksums, strict=True)
            for link in _comment_link_rows(post, pks, sums, source=source, site=site)
        ],
        batch_size=500,
    )


def _write_comments(data, post, author, author_ids, links, positions, *, source, summary, site="", render=None):
    render = render or moderation.render_comment
    new_links, pk_of, alias = [], {}, {}

    def resolve(source_id, depth=0):
        """The pk a reply to `source_id` hangs under (skipped comments pass it up), or None."""
        while source_id in alias and depth < 1000:
            source_id, depth = alias[source_id], depth + 1
        return pk_of.get(source_id)

    in_file = {c.source_id for c in data.comments}
    for comment in _in_thread_order(data.comments):
        label = f"{comment.source_id} on {data.label}"
        if comment.skip:
            alias[comment.source_id] = comment.parent_source_id
            summary.skip("comments", label, comment.skip)
            continue
        _check_parent(comment, in_file, data, summary)
        parent_pk = resolve(comment.parent_source_id) if comment.parent_source_id else None
        parent_pk = moderation.reply_parent(
            parent_pk, level_of=lambda pk: positions[pk][0], parent_of=lambda pk: positions[pk][1]
        )
        checksum = comment.checksum(comment.parent_source_id)
        link = links.get(comment.source_id)
        fields = _comment_fields(comment, author, author_ids)
        if link is not None and link.comment_id:
            if link.comment_id not in positions:
                summary.skip("comments", label, "deleted on this site since the last import")
                continue
            pk_of[comment.source_id] = link.comment_id
            if link.checksum == checksum:
                summary.count("comments", "unchanged")
            else:
                moderation.update_seeded(link.comment_id, render=render, **fields)
                link.checksum = checksum
                link.save(update_fields=["checksum", "updated_at"])
                summary.count("comments", "updated")
            continue
        reason = comment.reason or Reason.SEEDED
        created = moderation.seed(
            post, parent_id=parent_pk, state=comment.state, reason=reason, render=render, **fields
        )
        pk_of[comment.source_id] = created.pk
        positions[created.pk] = (created.level, created.parent_id)
        summary.count("comments", "created")
        if link is not None:  # a link without its comment id: reuse the row
            link.post, link.comment_id, link.checksum = post, created.pk, checksum
            link.save()
            continue
        new_links.append(
            LegacyLink(
                source=source,
                site=site,
                kind=LegacyLink.Kind.COMMENT,
                source_id=comment.source_id,
                post=post,
                comment_id=created.pk,
                checksum=checksum,
            )
        )
    LegacyLink.objects.bulk_create(new_links)


def command_output(command, summary, *, dry_run):
    for line in summary.lines(dry_run=dry_run):
        command.stdout.write(line)


def is_terminal(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def add_arguments(parser):
    parser.add_argument("export", help="The export file (XML).")
    parser.add_argument("--author", help="Username of the posts' author (default: the first superuser). Must exist.")
    parser.add_argument(
        "--theme", help='Slug of an existing theme for the posts (default: an "Imported" theme, created).'
    )
    parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
    parser.add_argument(
        "--recover",
        action="store_true",
        help="If the file is not well-formed XML, import what is and list what was dropped (line, column).",
    )


def handle(command, parse, source, options):
    """The body of both commands: parse, check, import, report. ImportFailed -> CommandError."""
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    User = get_user_model()
    if options.get("author"):
        author = User.objects.filter(username=options["author"]).first()
        if author is None:
            raise CommandError(f"No user named {options['author']!r}: create it first, or pass another --author.")
    else:
        author = User.objects.filter(is_superuser=True).order_by("pk").first()
        if author is None:
            raise CommandError("No superuser to be the posts' author: pass --author USERNAME.")
    theme = None
    if options.get("theme"):
        theme = Theme.objects.filter(slug=options["theme"]).first()
        if theme is None:
            raise CommandError(f"No theme with the slug {options['theme']!r}.")
    try:
        parsed = parse(options["export"], recover=options.get("recover", False))
    except ImportFailed as error:
        raise CommandError(str(error)) from None
    dry_run = options.get("dry_run", False)
    progress = Progress(command.stdout, len(parsed.posts), enabled=is_terminal(command.stdout))
    try:
        with transaction.atomic() if dry_run else nullcontext():
            if theme is None:
                theme, _ = Theme.objects.get_or_create(
                    slug="imported", defaults={"name": "Imported", "description": "Posts imported from the old blog."}
                )
            summary = run_import(parsed, source=source, author=author, theme=theme, dry_run=dry_run, progress=progress)
            if dry_run:
                transaction.set_rollback(True)
    except ImportFailed as error:
        raise CommandError(str(error)) from None
    command_output(command, summary, dry_run=dry_run)
    return summary
