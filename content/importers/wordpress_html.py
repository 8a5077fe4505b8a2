"""A WordPress post's content as WordPress shows it: plain HTML, for a body of format "html".

WordPress stores what the author typed and applies its display rules on every view (the
`the_content` filters). An imported body is stored after the same rules, so it reads as it
did on the old blog and can be edited as plain HTML here (blog.markup then only sanitizes it):

1. Embeds: `[embed]URL[/embed]` and a URL alone on its line (WordPress's oEmbed; a block
   editor embed keeps its URL on a line of its own too) become a plain link to the URL, as
   WordPress shows an address it cannot embed. `[video]`, `[audio]` and `[playlist]` shortcodes
   become links to their files.
2. Paragraphs: classic-editor content gets WordPress's wpautop() (a port of
   wp-includes/formatting.php): a blank line starts a paragraph, a single newline is a <br>,
   except inside <pre>, <script>, <style> and between block elements. Content written in the
   block editor (it carries <!-- wp:... --> comments) is already HTML and is left as it is, as
   WordPress does (do_blocks() removes wpautop).
3. Shortcodes: `[caption]` becomes <figure> with <figcaption>; `[gallery]` a list of its images
   (the attachments the export names, by ids="..." or as the post's own), or a note saying a
   gallery was there when the export has none of its images. Other shortcodes stay as text, as
   WordPress shows a shortcode no plugin handles.

Backslashes, "*" and "# " are text: nothing here (or in blog.markup's HTML path) reads them.
"""

import html
import re

from blog.markup import render_html

__all__ = ["to_html", "comment_html", "wpautop", "has_blocks"]

_ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
    r"blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|"
    r"figure|figcaption|details|menu|summary)"
)
_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_BLOCK_OPEN = re.compile(r"(<" + _ALL_BLOCKS + r"[\s/>])")
_BLOCK_CLOSE = re.compile(r"(</" + _ALL_BLOCKS + r">)")
_HR = re.compile(r"(<hr\s*?/?>)")
_DOUBLE_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>")


def has_blocks(content):
    """True for content written in WordPress's block editor."""
    return "<!-- wp:" in content


def _in_tags(text, old, new):
    """Replace `old` inside HTML tags and comments only (wp_replace_in_html_tags)."""
    return _TAG_OR_COMMENT.sub(lambda m: m.group(0).replace(old, new), text)


def wpautop(text, br=True):
    """WordPress's wpautop(): double line breaks -> paragraphs, single ones -> <br /> (if `br`)."""
    if not text.strip():
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n") + "\n"
    pre_tags = {}
    if "<pre" in text:  # <pre> is not touched: placeholders now, the original back at the end
        parts = text.split("</pre>")
        last = parts.pop()
        text = ""
        for i, part in enumerate(parts):
            start = part.find("<pre")
            if start < 0:  # malformed HTML
                text += part
                continue
            name = f"<pre wp-pre-tag-{i}></pre>"
            pre_tags[name] = part[start:] + "</pre>"
            text += part[:start] + name
        text += last
    text = _DOUBLE_BR.sub("\n\n", text)
    text = _BLOCK_OPEN.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    text = _HR.sub(r"\1\n\n", text)
    text = _in_tags(text, "\n", " <!-- wpnl --> ")
    if "<option" in text:
        text = re.sub(r"\s*<option", "<option", text)
        text = re.sub(r"</option>\s*", "</option>", text)
    if "</object>" in text:
        text = re.sub(r"(<object[^>]*>)\s*", r"\1", text)
        text = re.sub(r"\s*</object>", "</object>", text)
        text = re.sub(r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1", text)
    if "<source" in text or "<track" in text:
        text = re.sub(r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1", text)
        text = re.sub(r"\s*([<\[]/(?:audio|video)[>\]])", r"\1", text)
        text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(r"<p>\s*(</?" + _ALL_BLOCKS + r"[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(r"<p>\s*(</?" + _ALL_BLOCKS + r"[^>]*>)", r"\1", text)
    text = re.sub(r"(</?" + _ALL_BLOCKS + r"[^>]*>)\s*</p>", r"\1", text)
    if br:
        text = re.sub(
            r"<(script|style|svg|math).*?</\1>",
            lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"),
            text,
            flags=re.DOTALL,
        )
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
        text = text.replace("<WPPreserveNewline />", "\n")
    text = re.sub(r"(</?" + _ALL_BLOCKS + r"[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for name, original in pre_tags.items():
        text = text.replace(name, original)
    if "<!-- wpnl -->" in text:
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text


# Shortcodes ----------------------------------------------------------------------------------

_SHORTCODE_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"\]]+)""", re.UNICODE
)
_CAPTION = re.compile(r"\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\1\]", re.DOTALL | re.IGNORECASE)
_GALLERY = re.compile(r"\[gallery\b([^\]]*)\]", re.IGNORECASE)
_EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.DOTALL | re.IGNORECASE)
_MEDIA_SHORTCODE = re.compile(r"\[(video|audio|playlist)\b([^\]]*)\](?:(.*?)\[/\1\])?", re.DOTALL | re.IGNORECASE)
# WordPress's autoembed: a URL alone on its line, or alone in a paragraph.
_BARE_URL = re.compile(r"^(\s*)(https?://[^\s<>\"]+)(\s*)$", re.MULTILINE | re.IGNORECASE)
_P_URL = re.compile(r"<p(?:\s[^>]*)?>\s*(https?://[^\s<>\"]+)\s*</p>", re.IGNORECASE)
_UNAUTOP = re.compile(
    r"<p>\s*(\[(caption|wp_caption|gallery)\b[^\]]*\](?:(?:(?!\[/?(?:caption|wp_caption)\b).)*\[/\2\])?)\s*</p>",
    re.DOTALL | re.IGNORECASE,
)
_IMG_OR_LINKED_IMG = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.IGNORECASE)


def _shortcode_attributes(text):
    attributes = {}
    for match in _SHORTCODE_ATTRIBUTE.finditer(text or ""):
        name = match.group(1) or match.group(3) or match.group(5)
        value = match.group(2) if match.group(1) else match.group(4) if match.group(3) else match.group(6)
        attributes[name.lower()] = html.unescape(value)
    return attributes


def _link(url):
    url = html.unescape(url.strip())
    return f'<a href="{html.escape(url)}">{html.escape(url)}</a>'


def _caption(match):
    attributes = _shortcode_attributes(match.group(2))
    inner = match.group(3).strip()
    image = _IMG_OR_LINKED_IMG.match(inner)
    if image:
        media, caption = image.group(1), image.group(2).strip()
    else:
        media, caption = inner, ""
    caption = caption or attributes.get("caption", "")
    align = attributes.get("align", "")
    css = "wp-caption" + (f" {html.escape(align)}" if re.fullmatch(r"align\w+", align or "") else "")
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="{css}">{media}{figcaption}</figure>'


def _gallery(attachments, post_id):
    def replace(match):
        attributes = _shortcode_attributes(match.group(1))
        ids = [i.strip() for i in (attributes.get("ids") or attributes.get("include") or "").split(",") if i.strip()]
        if ids:
            images = [attachments[i] for i in ids if i in attachments]
        else:
            images = [a for a in attachments.values() if a.get("parent") == post_id]
        images = [image for image in images if image.get("url")]
        if not images:
            n = len(ids)
            count = f"{n} image{'s' if n != 1 else ''}" if n else "images"
            return f'<p class="gallery-note">A gallery of {count} was here on the old blog.</p>'
        items = "".join(
            f'<li><img src="{html.escape(image["url"])}" alt="{html.escape(image.get("title", ""))}"></li>'
            for image in images
        )
        return f'<ul class="gallery">{items}</ul>'

    return replace


def _media_shortcode(match):
    attributes = _shortcode_attributes(match.group(2))
    for name in ("src", "mp4", "m4v", "webm", "ogv", "mp3", "ogg", "m4a", "wav", "wmv", "flv"):
        if attributes.get(name, "").startswith(("http://", "https://", "/")):
            return _link(attributes[name])
    inner = (match.group(3) or "").strip()
    if inner.startswith(("http://", "https://")):
        return _link(inner)
    return match.group(0)  # [playlist ids=...] and the like: left as WordPress shows an unknown one


def to_html(content, *, attachments=None, post_id=""):
    """The HTML WordPress would show for a post's content (see the module docstring).

    `attachments`: {attachment id: {"url", "title", "parent"}} from the export, for [gallery].
    """
    text = (content or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _EMBED.sub(lambda m: _link(m.group(1)) if m.group(1).strip() else "", text)
    text = _MEDIA_SHORTCODE.sub(_media_shortcode, text)
    outside_pre = re.split(r"(<pre\b.*?</pre>)", text, flags=re.DOTALL | re.IGNORECASE)
    text = "".join(
        part if i % 2 else _BARE_URL.sub(lambda m: m.group(1) + _link(m.group(2)) + m.group(3), part)
        for i, part in enumerate(outside_pre)
    )
    text = _P_URL.sub(lambda m: "<p>" + _link(m.group(1)) + "</p>", text)
    if not has_blocks(text):
        text = wpautop(text)
    text = _UNAUTOP.sub(r"\1", text)  # shortcode_unautop: a shortcode alone in a paragraph is a block
    text = _CAPTION.sub(_caption, text)
    text = _GALLERY.sub(_gallery(attachments or {}, post_id), text)
    return text.strip() + "\n"


def comment_html(text):
    """A WordPress comment as WordPress shows it (wpautop), with the readers' allowlist.

    Whatever its length: the reader limit is for comments written here.
    """
    return render_html(wpautop(text or ""), "comment", check_length=False)
