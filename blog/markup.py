"""The one place where Markdown becomes HTML that is safe to put on a page.

Render first, sanitize after: python-markdown turns the text into HTML (raw HTML in the
text passes through it untouched), then nh3 keeps only an explicit allowlist of tags,
attributes and URL schemes. Cleaning before rendering would leave `[x](javascript:...)`
live, so the order matters.

Two profiles:
    "post"     author writing: headings, images, tables, code, footnotes.
    "comment"  reader writing: paragraphs, emphasis, lists, quotes, code and links only;
               every link gets rel="nofollow ugc noopener".

Length is checked before rendering (`MarkupTooLong`), and inputs that make
python-markdown slow (very deep nesting, long runs of `![` or `[`) are defused first.

Images (post profile): an <img> src must be relative (the site's own media), under an
absolute MEDIA_URL, or https:; an http: image would be mixed content (and the CSP blocks
it), so it becomes a link to the picture, its alt text the link text. Every image gets
loading="lazy" and decoding="async". `images`, a resolver the caller may pass (Post.render
passes images.rendering.attributes_for: blog.markup itself never touches the database),
maps src URLs to width, height, srcset and sizes for the site's own uploads; those
attributes are added before nh3 runs, so they pass the same allowlist and URL filter.
"""

import html
import re
import unicodedata
from html.parser import HTMLParser

import markdown
import nh3
from django.conf import settings

__all__ = [
    "render",
    "render_markdown",
    "render_html",
    "for_feed",
    "without_permalinks",
    "Format",
    "MarkupTooLong",
    "MarkupRejected",
    "PROFILES",
]

URL_SCHEMES = frozenset({"http", "https", "mailto"})


class MarkupTooLong(ValueError):
    """The text is longer than its profile allows; nothing was rendered."""

    def __init__(self, length, limit):
        self.length = length
        self.limit = limit
        super().__init__(f"The text is {length:,} characters long; the limit is {limit:,}. Please shorten it.")


_COMMON_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
}
PROFILES = {
    "post": {
        "extensions": [
            "markdown.extensions.fenced_code",
            "markdown.extensions.codehilite",
            "markdown.extensions.tables",
            "markdown.extensions.footnotes",
            "markdown.extensions.smarty",
            "markdown.extensions.toc",
            "markdown.extensions.sane_lists",
        ],
        "extension_configs": {
            # css_class "highlight": Pygments token classes, styled in site.css.
            "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
            "markdown.extensions.toc": {
                "permalink": "#",
                "permalink_title": "Link to this section",
            },
            "markdown.extensions.tables": {"use_align_attribute": True},
        },
        "tags": _COMMON_TAGS
        | {
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
            "img",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "sup",
            "sub",
            "del",
            "ins",
            "abbr",
            "div",
            "span",
            "dl",
            "dt",
            "dd",
            "figure",
            "figcaption",
        },
        "attributes": {
            "a": {"href", "title", "class", "id"},
            "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading", "decoding"},
            "h2": {"id"},
            "h3": {"id"},
            "h4": {"id"},
            "h5": {"id"},
            "h6": {"id"},
            "th": {"align"},
            "td": {"align"},
            "li": {"id"},
            "sup": {"id"},
            "abbr": {"title"},
            "div": {"class"},
            "span": {"class"},
            "code": {"class"},
            "pre": {"class"},
            "ol": {"start"},
        },
        "link_rel": "noopener",
        # Below the fold, mostly: the browser fetches images as the reader scrolls to them.
        "set_attributes": {"img": {"loading": "lazy", "decoding": "async"}},
        "max_length": None,  # settings.BLOG_POST_MAX_LENGTH
    },
    "comment": {
        # magiclink: a bare https://… or www.… address becomes a link, as readers expect.
        "extensions": ["markdown.extensions.fenced_code", "markdown.extensions.sane_lists", "pymdownx.magiclink"],
        "extension_configs": {
            "pymdownx.magiclink": {"repo_url_shortener": False, "social_url_shortener": False, "hide_protocol": False}
        },
        "tags": _COMMON_TAGS,
        "attributes": {"a": {"href", "title"}, "code": {"class"}, "ol": {"start"}},
        "link_rel": "nofollow ugc noopener",
        "max_length": None,  # settings.COMMENT_MAX_LENGTH
    },
}

# Characters that browsers ignore or that hide a scheme from a naive check.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
# Lone surrogates (e.g. from JSON "\ud800") are valid in a Python str but not in UTF-8:
# nh3 raises UnicodeEncodeError on them, so they become U+FFFD before rendering.
_SURROGATES = re.compile("[\ud800-\udfff]")

# Defusing the inputs that make python-markdown slow or make it recurse without end.
MAX_NESTING = 8
_MARKER = r"(?:[-*+]|\d{1,9}[.)]|>)"
_DEEP_MARKERS = re.compile(rf"^[ \t]*(?:{_MARKER}[ \t]*){{{MAX_NESTING + 1},}}", re.MULTILINE)
_ONE_MARKER = re.compile(rf"[ \t]*{_MARKER}[ \t]*")
_DEEP_INDENT = re.compile(rf"^[ \t]{{{4 * MAX_NESTING + 1},}}", re.MULTILINE)
# python-markdown looks for the "]" of every "[" by walking the rest of its paragraph one
# character at a time, so unclosed brackets cost (brackets x paragraph length). Past this
# budget (a few tenths of a second) the text is refused; real writing stays far below it.
BRACKET_SCAN_BUDGET = 300_000
# Its inline parser also slows down with the square of the markup characters in one
# paragraph (50,000 "*a" in one paragraph: 12 s). Real paragraphs hold a few dozen.
MAX_INLINE_MARKUP_PER_PARAGRAPH = 5_000
_INLINE_MARKUP = re.compile(r"[*_`<>&\[\]\\!]")


class MarkupRejected(ValueError):
    """The text has a structure that cannot be rendered safely; nothing was rendered."""


def _limit(profile):
    if profile == "comment":
        return getattr(settings, "COMMENT_MAX_LENGTH", 3000)
    return getattr(settings, "BLOG_POST_MAX_LENGTH", 100_000)


def _safe_url(value):
    """True when a URL is relative or uses an allowed scheme, however it is disguised."""
    normalized = _INVISIBLE.sub("", html.unescape(html.unescape(value)))
    normalized = unicodedata.normalize("NFKC", normalized)
    match = _SCHEME.match(normalized)
    if match is None:
        # No scheme before the first "/", "?" or "#": a relative URL or a fragment.
        return ":" not in normalized.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return match.group(1).lower() in URL_SCHEMES


def _safe_image_url(value):
    """True for an image URL a post page may load: relative, under an absolute MEDIA_URL, or https:."""
    normalized = unicodedata.normalize("NFKC", _INVISIBLE.sub("", html.unescape(html.unescape(value))))
    media_url = settings.MEDIA_URL or ""
    if _SCHEME.match(media_url) and normalized.startswith(media_url):
        return True
    if normalized.startswith(("//", "\\\\", "/\\", "\\/")):  # protocol-relative: another host
        return False
    match = _SCHEME.match(normalized)
    if match is None:
        return _safe_url(value)
    return match.group(1).lower() == "https"


def _safe_srcset(value):
    """Every candidate URL of a srcset ("url 480w, url 960w") passes _safe_image_url."""
    candidates = [part.split()[0] for part in value.split(",") if part.strip()]
    return bool(candidates) and all(_safe_image_url(url) for url in candidates)


def _attribute_filter(tag, attribute, value):
    if tag == "img" and attribute == "src":
        return value if _safe_image_url(value) else None
    if tag == "img" and attribute == "srcset":
        return value if _safe_srcset(value) else None
    if attribute in {"href", "src"} and not _safe_url(value):
        return None
    return value


class _ImageTags(HTMLParser):
    """Where each <img> start tag is in an HTML string: [(start, end, {attribute: value})]."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._line_starts = [0]
        for line in text.splitlines(keepends=True):
            self._line_starts.append(self._line_starts[-1] + len(line))
        self._text = text
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag != "img":
            return
        line, column = self.getpos()
        start = self._line_starts[line - 1] + column
        raw = self.get_starttag_text() or ""
        if raw and self._text.startswith(raw, start):
            self.found.append((start, start + len(raw), {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def _rewrite_images(rendered, resolve):
    """http: images become links; the site's own uploads (per `resolve`) get srcset and sizes.

    Runs on python-markdown's output before nh3: whatever it writes is sanitized after.
    """
    tags = _ImageTags(rendered).found
    if not tags:
        return rendered
    ours = resolve([attrs.get("src", "") for _start, _end, attrs in tags]) if resolve else {}
    out, last = [], 0
    for start, end, attrs in tags:
        out.append(rendered[last:start])
        src = attrs.get("src", "")
        match = _SCHEME.match(_INVISIBLE.sub("", html.unescape(src)))
        if match and match.group(1).lower() == "http" and not _safe_image_url(src):
            out.append(f'<a href="{html.escape(src)}">{html.escape(attrs.get("alt") or src)}</a>')
        elif src in ours:
            kept = {name: attrs[name] for name in ("alt", "title") if name in attrs}
            attributes = {"src": src, **kept, **{name: str(value) for name, value in ours[src].items()}}
            out.append("<img " + " ".join(f'{name}="{html.escape(value)}"' for name, value in attributes.items()) + ">")
        else:
            out.append(rendered[start:end])
        last = end
    out.append(rendered[last:])
    return "".join(out)


def _keep_first_markers(match):
    markers = _ONE_MARKER.findall(match.group(0))
    return "".join(markers[:MAX_NESTING])


def _defuse(text):
    """Flatten nesting python-markdown would recurse into; refuse what it would crawl over."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # "- - - - ... x" or "> > > ..." on one line nests a list or quote per marker: keep MAX_NESTING.
    text = _DEEP_MARKERS.sub(_keep_first_markers, text)
    # Indentation deeper than MAX_NESTING levels adds nothing a reader sees, only recursion.
    text = _DEEP_INDENT.sub(" " * (4 * MAX_NESTING), text)
    if any(len(_INLINE_MARKUP.findall(block)) > MAX_INLINE_MARKUP_PER_PARAGRAPH for block in text.split("\n\n")):
        raise MarkupRejected(
            f"A paragraph has more than {MAX_INLINE_MARKUP_PER_PARAGRAPH:,} markup characters "
            "(* _ ` < > & [ ] \\ !); please split it into shorter paragraphs."
        )
    if _bracket_scan_cost(text) > BRACKET_SCAN_BUDGET:
        raise MarkupRejected(
            "The text has too many “[” without a matching “]” to render; please close them or remove them."
        )
    return text


def _bracket_scan_cost(text):
    """Estimate the characters python-markdown's link parser will walk, paragraph by paragraph."""
    cost = 0
    for block in text.split("\n\n"):
        if "[" not in block:
            continue
        opened = []
        for index, char in enumerate(block):
            if char == "[":
                opened.append(index)
            elif char == "]" and opened:
                cost += index - opened.pop()
        cost += sum(len(block) - index for index in opened)
    return cost


# HTML bodies (imported posts and pages: Post.body_format / Page.body_format "html").
# They never pass through python-markdown: WordPress and Blogger wrote HTML, and Markdown would
# join its lines, eat its backslashes and read "*" and "# " as markup. The importer has already
# applied the source's own display rules (content.importers.wordpress_html: paragraphs,
# shortcodes); here the HTML is sanitized with the same allowlist as rendered Markdown. What
# the allowlist removes but a reader would miss (an embedded video, a map) leaves a link.


class Format:
    """The formats a body is written in (Post.body_format, Page.body_format)."""

    MARKDOWN = "markdown"
    HTML = "html"
    CHOICES = [(MARKDOWN, "Markdown"), (HTML, "HTML (imported)")]


_MEDIA_ELEMENT = re.compile(
    r"<(iframe|video|audio|object)\b([^>]*)>(.*?)</\1\s*>|<(embed|iframe|video|audio)\b([^>]*?)/?>",
    re.IGNORECASE | re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_SOURCE_SRC = re.compile(r"<source\b([^>]*)>", re.IGNORECASE)


def _attributes(text):
    return {
        name.lower(): html.unescape(value[1:-1] if value[:1] in "\"'" else value)
        for name, value in _ATTRIBUTE.findall(text)
    }


def _media_link(match):
    """An <iframe>, <video>, <audio>, <object> or <embed> -> a link to what it showed (or nothing)."""
    attributes = _attributes(match.group(2) or match.group(5) or "")
    src = attributes.get("src") or attributes.get("data") or ""
    if not src:
        sources = _SOURCE_SRC.findall(match.group(3) or "")
        src = next((_attributes(s).get("src", "") for s in sources if _attributes(s).get("src")), "")
    src = src.strip()
    if src.startswith("//"):
        src = "https:" + src
    if not src or not _safe_url(src):
        return ""
    label = attributes.get("title") or src
    return f'<a class="embed" href="{html.escape(src)}">{html.escape(label)}</a>'


def _clean(rendered, profile, *, images=None):
    """The last step of every body: h1 -> h2 and image rules (post profile), then nh3."""
    options = PROFILES[profile]
    if profile == "post":
        # The page title is the page's only <h1>: a "# Heading" in the body becomes an <h2>.
        rendered = _H1.sub(r"<\1h2", rendered)
        if "<img" in rendered.lower():
            rendered = _rewrite_images(rendered, images)
    return nh3.clean(
        rendered,
        tags=options["tags"],
        attributes=options["attributes"],
        attribute_filter=_attribute_filter,
        url_schemes=set(URL_SCHEMES),
        link_rel=options["link_rel"],
        set_tag_attribute_values=options.get("set_attributes"),
        strip_comments=True,
    )


def render_html(text, profile="post", *, images=None, check_length=True):
    """Sanitized HTML for `text` (HTML) under `profile`; no Markdown step.

    Media elements the allowlist has no room for become links to their source. Raises
    MarkupTooLong past the profile's limit (unless `check_length` is False: an imported
    comment longer than readers may write is shown all the same).
    """
    text = text or ""
    limit = _limit(profile)
    if check_length and len(text) > limit:
        raise MarkupTooLong(len(text), limit)
    text = _SURROGATES.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _MEDIA_ELEMENT.sub(_media_link, text)
    return _clean(text, profile, images=images)


def render(text, format=Format.MARKDOWN, profile="post", *, images=None):
    """The one entry point for a stored body: Markdown or HTML (`format`), sanitized for `profile`."""
    if format == Format.HTML:
        return render_html(text, profile, images=images)
    return render_markdown(text, profile, images=images)


def render_markdown(text, profile="post", *, images=None):
    """Return sanitized HTML for `text` (Markdown) under `profile` ("post" or "comment").

    `images` (post profile): a function from a list of <img> src URLs to {src: {"width",
    "height", "srcset", "sizes"}} for the ones that are the site's own uploads.

    Raises MarkupTooLong when the text exceeds the profile's length limit and MarkupRejected
    when its structure cannot be rendered safely; both carry a message for the writer.
    """
    options = PROFILES[profile]
    text = text or ""
    limit = _limit(profile)
    if len(text) > limit:
        raise MarkupTooLong(len(text), limit)
    text = _SURROGATES.sub("\ufffd", text)
    try:
        rendered = markdown.markdown(
            _defuse(text),
            extensions=options["extensions"],
            extension_configs=options["extension_configs"],
            output_format="html",
        )
    except RecursionError:  # defence in depth: some structure we did not flatten
        raise MarkupRejected("The text is nested too deeply to render; please simplify it.") from None
    return _clean(rendered, profile, images=images)


# Feeds: readers show a post's HTML away from its page, where "#section" and "/media/x.jpg"
# point nowhere (or at the reader's own site). The toc extension's permalinks (a "#" after
# every heading) are noise there too: feed readers show them as stray "#".
_HEADERLINK = re.compile(r'<a\b[^>]*\bclass="headerlink"[^>]*>.*?</a>', re.DOTALL)


def without_permalinks(body_html):
    """Stored post HTML less the "#" permalink after each heading (for feeds and plain-text excerpts)."""
    return _HEADERLINK.sub("", body_html or "")


def for_feed(body_html, base_url):
    """Stored post HTML as a feed carries it: no heading permalinks, every URL absolute.

    `body_html` is render_markdown's output (already sanitized); links, images and srcset
    candidates are resolved against `base_url` (the post's absolute URL: "#fn:1" becomes
    "https://blog.example.com/2026/01/post/#fn:1"). It passes the same allowlist again,
    so nothing the post page would not show gets in.
    """
    from urllib.parse import urljoin

    def absolute(tag, attribute, value):
        value = _attribute_filter(tag, attribute, value)
        if value is None:
            return None
        if attribute in {"href", "src"}:
            return urljoin(base_url, value.strip())
        if attribute == "srcset":
            candidates = []
            for candidate in value.split(","):
                parts = candidate.split()
                if parts:
                    candidates.append(" ".join([urljoin(base_url, parts[0]), *parts[1:]]))
            return ", ".join(candidates)
        return value

    options = PROFILES["post"]
    return nh3.clean(
        without_permalinks(body_html),
        tags=options["tags"],
        attributes=options["attributes"],
        attribute_filter=absolute,
        url_schemes=set(URL_SCHEMES),
        link_rel=options["link_rel"],
        strip_comments=True,
    )
