"""Text as the rules compare it: what a reader sees, folded so that disguises fall away.

A spam word, a moderation word or a duplicate is matched on `fold()`ed text, never on the
raw characters, so the usual ways around a word list do not work:

- Markdown and HTML: the comment is rendered through blog.markup (the same renderer the
  page uses) and its text taken (`cas**ino**`, `cas<b></b>ino`); entities are decoded
  (`ca&#115;ino`). The raw text is folded and matched too (what nh3 drops, e.g. a
  `<script>` body, is still text the writer typed).
- Unicode: NFKC (fullwidth and other compatibility letters, NBSP), invisible characters
  removed (zero-width, soft hyphen, bidi controls: every format character, category Cf),
  accents removed, case folded, and Cyrillic/Greek letters that look like Latin ones
  (`CONFUSABLES`, a small table in the spirit of Unicode's TR39 skeleton) read as those.
- Spacing: every run of whitespace (NBSP, tabs, newlines) is one space.

Ordinary writing is untouched in meaning: folding only ever makes a word list match the
disguised form of a word that is on the list; an accented name, code or a text in another
script does not contain a listed word unless it really does.

`link_count()` counts links the way a browser sees them: the anchors of the rendered HTML
(reference links, `//host`, `&#104;ttps://`, `<a/href=…>`, mailto autolinks) plus the
addresses left as plain text.
"""

import functools
import re
import unicodedata
from html.parser import HTMLParser

# Cyrillic and Greek letters (lower case: folding runs after casefold) drawn like Latin ones.
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "с": "c",
        "ԁ": "d",
        "е": "e",
        "ё": "e",
        "һ": "h",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "ӏ": "l",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "ԛ": "q",
        "г": "r",
        "ѕ": "s",
        "т": "t",
        "ц": "u",
        "ѵ": "v",
        "ԝ": "w",
        "х": "x",
        "у": "y",
        "ү": "y",
        "з": "3",
        # Greek
        "α": "a",
        "β": "b",
        "ϲ": "c",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "ί": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ό": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "γ": "y",
        "ω": "w",
        "ѡ": "w",
        # Latin look-alikes NFKC keeps apart
        "ı": "i",
        "ȷ": "j",
        "ſ": "s",
    }
)
_SPACE = re.compile(r"\s+")
# Control characters that are not whitespace (a raw NUL, an escape) vanish like format ones.
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Mn", "Me"}


def fold(text):
    """`text` as the rules compare it: NFKC, invisible characters and accents gone, case
    folded, Cyrillic/Greek look-alikes as Latin, whitespace runs as one space."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)
    text = text.translate(CONFUSABLES)
    return _SPACE.sub(" ", text).strip()


class _Text(HTMLParser):
    """The text of rendered HTML (entities decoded); block elements end a word, inline ones
    (`cas<b></b>ino`) do not. Link targets are collected apart."""

    BLOCKS = {"p", "br", "li", "ul", "ol", "blockquote", "pre", "div", "hr", "tr", "td", "th"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.outside, self.hrefs, self._in_link = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append(" ")
            self.outside.append(" ")
        if tag == "a":
            self._in_link += 1
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append(" ")
            self.outside.append(" ")
        if tag == "a" and self._in_link:
            self._in_link -= 1
            self.outside.append(" ")

    def handle_data(self, data):
        self.parts.append(data)
        if not self._in_link:
            self.outside.append(data)


@functools.lru_cache(maxsize=64)
def _parsed(text):
    """(the rendered text, the text outside links, the links' hrefs) of a comment's Markdown."""
    from blog.markup import MarkupRejected, MarkupTooLong, render_markdown

    try:
        rendered = render_markdown(text, profile="comment")
    except (MarkupTooLong, MarkupRejected):
        rendered = ""  # refused by the form before it gets here; nothing rendered to read
    parser = _Text()
    parser.feed(rendered)
    parser.close()
    return "".join(parser.parts), "".join(parser.outside), tuple(parser.hrefs)


def visible_text(text):
    """What a reader sees of a comment's Markdown: its rendered text, tags gone, entities decoded."""
    return _parsed(text or "")[0]


def forms_of(text):
    """The folded forms a word list is matched against: the rendered text and the raw text."""
    return {fold(visible_text(text)), fold(text)}


def contains_any(text, words):
    """True when a folded form of `text` contains a folded word of `words`."""
    folded = [fold(word) for word in words if fold(word)]
    if not folded:
        return False
    return any(word in form for form in forms_of(text) for word in folded)


_TRAILING = re.compile(r"[\s.!?…,;:]+$")


def duplicate_key(text):
    """Two comments are the same comment when these are equal: the visible text folded, its
    trailing punctuation dropped (whitespace, line endings, entities, NFD, zero-width and a
    final full stop change nothing a reader sees)."""
    return _TRAILING.sub("", fold(visible_text(text))) or fold(text)  # nothing visible: the raw text


# An address left as text: a scheme, a protocol-relative //host.tld, or a bare www.
_TEXT_LINK = re.compile(r"\b(?:https?|ftp)://|(?<![\w/:.])//(?=[\w-]+(?:\.[\w-]+)+)|(?<![\w./@-])www\.", re.IGNORECASE)


def link_count(text):
    """How many links a comment carries: its rendered anchors plus the addresses in its text."""
    _, outside, hrefs = _parsed(text or "")
    return len(hrefs) + len(_TEXT_LINK.findall(fold(outside)))
