"""Tests for blog.markup.render_markdown: hostile input comes out inert, good Markdown survives.

The safety checks parse the output with the stdlib HTML parser and look at every tag and
attribute, independently of how blog.markup decides what is safe: they would catch a
regression in the allowlists, the URL filter or the order of render/sanitize.

No timings are asserted here; see bench/markup_bench.py for those.
"""

import html
import re
import unicodedata
from html.parser import HTMLParser

import pytest

from blog.markup import PROFILES, MarkupRejected, MarkupTooLong, render_markdown

BOTH_PROFILES = ["post", "comment"]

# Never acceptable in either profile, whatever the allowlists say.
FORBIDDEN_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "textarea", "select", "option", "base", "meta", "link", "svg", "math", "template",
    "noscript", "xmp", "plaintext", "noembed", "noframes", "video", "audio", "source", "picture",
    "portal", "body", "html", "head", "title", "set", "animate", "use", "image", "isindex",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "background",
    "data", "cite", "codebase", "dynsrc", "lowsrc", "ping", "manifest", "icon", "longdesc",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}
# What a browser ignores or a naive check misses: C0/C1 controls, whitespace, and every
# "format" (Cf) or separator (Z*) character such as U+200B, U+00AD, U+2028, U+FEFF.
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_RAW_DANGEROUS_TAG = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|form|input|button|base|meta|link|svg|math|"
    r"template|noscript)\b",
    re.IGNORECASE,
)


class TagCollector(HTMLParser):
    """Record every start tag and its attributes, as a browser-like tokenizer sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # [(tag, [(name, value), ...])]

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, [(name, value or "") for name, value in attrs]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def collect(markup):
    parser = TagCollector()
    parser.feed(markup)
    parser.close()
    return parser.elements


def normalize_url(value):
    """The URL as a browser would resolve its scheme: unescaped, squeezed, lowercased."""
    value = html.unescape(value)
    value = unicodedata.normalize("NFKC", value)
    value = "".join(char for char in value if not (char.isspace() or unicodedata.category(char)[0] in {"C", "Z"}))
    return value.lower()


def url_scheme(value):
    match = _SCHEME.match(normalize_url(value))
    return match.group(1) if match else None


def assert_inert(output, profile):
    """Fail if `output` holds anything able to run script or leave the profile's allowlists."""
    allowed_tags = PROFILES[profile]["tags"]
    allowed_attributes = PROFILES[profile]["attributes"]
    assert _RAW_DANGEROUS_TAG.search(output) is None, output
    for tag, attrs in collect(output):
        assert tag in allowed_tags, f"<{tag}> is not allowed in {profile}: {output!r}"
        assert tag not in FORBIDDEN_TAGS, f"<{tag}> must never appear: {output!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name}= in {output!r}"
            assert name != "style", f"style attribute in {output!r}"
            permitted = allowed_attributes.get(tag, set()) | ({"rel"} if tag == "a" else set())
            assert name in permitted, f"{name}= on <{tag}> is not allowed in {profile}: {output!r}"
            if tag == "img" and name in {"src", "srcset"}:
                # Images load by themselves: relative (our media) or https only, every srcset candidate.
                for url in [part.split()[0] for part in value.split(",") if part.split()] or [value]:
                    assert url_scheme(url) in {None, "https"}, f"{name}={value!r} in {output!r}"
                    assert not normalize_url(url).startswith("//"), f"{name}={value!r} in {output!r}"
            if name in URL_ATTRIBUTES:
                normalized = normalize_url(value)
                scheme = url_scheme(value)
                assert scheme is None or scheme in SAFE_SCHEMES, f"{name}={value!r} in {output!r}"
                # A same-page fragment ("#fn:...", from a footnote id) only scrolls the page.
                if not normalized.startswith("#"):
                    assert "alert" not in normalized, f"payload survives in {name}={value!r}"
                assert "script" not in (scheme or ""), f"{name}={value!r}"


# --------------------------------------------------------------------------------------------
# The checker itself must be able to fail, or the hostile-input tests prove nothing.

CHECKER_MUST_REJECT = [
    pytest.param("post", "<script>alert(1)</script>", id="script"),
    pytest.param("post", '<a href="javascript:alert(1)">x</a>', id="js-href"),
    pytest.param("post", '<a href="JaVa&#x09;Script:alert(1)">x</a>', id="js-href-encoded"),
    pytest.param("post", '<a href=" java\u200bscript:alert(1)">x</a>', id="js-href-zero-width"),
    pytest.param("post", '<a href="data:text/html,x">x</a>', id="data-href"),
    pytest.param("post", '<img src="x" onerror="alert(1)">', id="onerror"),
    pytest.param("post", '<p style="color:red">x</p>', id="style"),
    pytest.param("post", '<a href="https://ok.com/alert(1)">x</a>', id="alert-in-url"),
    pytest.param("post", '<a href="/alert(1)">x</a>', id="alert-in-relative-url"),
    pytest.param("post", '<img srcset="https://ok.com/a.png 1x, javascript:void(0) 2x">', id="srcset-js-candidate"),
    pytest.param("post", '<img src="http://ok.com/a.png">', id="http-image"),
    pytest.param("post", '<img srcset="http://ok.com/a.png 480w">', id="http-srcset"),
    pytest.param("comment", '<img src="https://ok.com/a.png">', id="img-in-comment"),
    pytest.param("comment", "<h2>x</h2>", id="heading-in-comment"),
    pytest.param("comment", '<a href="/x" class="headerlink">x</a>', id="class-on-comment-link"),
]


@pytest.mark.parametrize(("profile", "bad_html"), CHECKER_MUST_REJECT)
def test_checker_rejects_known_bad_html(profile, bad_html):
    with pytest.raises(AssertionError):
        assert_inert(bad_html, profile)


def test_checker_accepts_known_good_html():
    assert_inert('<p><a href="https://ok.com/x?a=1#b" rel="noopener">x</a></p>', "post")
    assert_inert('<p><a href="/relative/path" rel="nofollow ugc noopener">x</a></p>', "comment")
    assert_inert('<p><a href="mailto:me@example.com">me</a></p>', "comment")


# --------------------------------------------------------------------------------------------
# Hostile input, rendered under both profiles.

HOSTILE = [
    # <script> in every spelling
    pytest.param("<script>alert(1)</script>", id="script-plain"),
    pytest.param("<SCRIPT>alert(1)</SCRIPT>", id="script-uppercase"),
    pytest.param("<scr<script>ipt>alert(1)</scr</script>ipt>", id="script-nested-broken"),
    pytest.param("<<script>script>alert(1)<</script>/script>", id="script-double-angle"),
    pytest.param("<script>alert(1)", id="script-unclosed"),
    pytest.param("Hi <script src=//evil.example/x.js></script> there", id="script-inline-src"),
    pytest.param("<script\n>alert(1)</script\n>", id="script-newline-in-tag"),
    # dangerous schemes in Markdown links and images
    pytest.param("[x](javascript:alert(1))", id="md-link-javascript"),
    pytest.param('[x](javascript:alert(1) "t")', id="md-link-javascript-title"),
    pytest.param("[x](<javascript:alert(1)>)", id="md-link-javascript-angle"),
    pytest.param("[x](vbscript:msgbox(alert))", id="md-link-vbscript"),
    pytest.param("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", id="md-link-data"),
    pytest.param("![x](javascript:alert(1))", id="md-image-javascript"),
    pytest.param("![x](data:image/svg+xml,<svg onload=alert(1)>)", id="md-image-data-svg"),
    pytest.param("![x](vbscript:alert(1))", id="md-image-vbscript"),
    pytest.param("[x](JaVaScRiPt:alert(1))", id="mixed-case-scheme"),
    pytest.param("![x](JAVASCRIPT:alert(1))", id="upper-case-scheme-image"),
    # entity-encoded schemes
    pytest.param("[x](&#106;avascript:alert(1))", id="entity-decimal"),
    pytest.param("[x](&#x6A;avascript:alert(1))", id="entity-hex"),
    pytest.param("[x](javascript&colon;alert(1))", id="entity-colon-named"),
    pytest.param('<a href="javascript&#58;alert(1)">x</a>', id="entity-colon-numeric-raw"),
    pytest.param('<a href="&#0000106&#0000097vascript:alert(1)">x</a>', id="entity-zero-padded"),
    pytest.param('<a href="&#x6A&#x61&#x76&#x61script:alert(1)">x</a>', id="entity-no-semicolons"),
    pytest.param('<a href="jav&#x09;ascript:alert(1)">x</a>', id="entity-tab-in-scheme"),
    pytest.param('<a href="&amp;#106;avascript:alert(1)">x</a>', id="entity-double-encoded"),
    # invisible characters and whitespace inside or before the scheme
    pytest.param("[x](java\u200bscript:alert(1))", id="zero-width-space"),
    pytest.param("[x](java\u00adscript:alert(1))", id="soft-hyphen"),
    pytest.param("[x](\ufeffjavascript:alert(1))", id="bom-prefix"),
    pytest.param("[x](java\tscript:alert(1))", id="md-tab-in-scheme"),
    pytest.param('<a href="java\tscript:alert(1)">x</a>', id="raw-tab-in-scheme"),
    pytest.param('<a href="java\nscript:alert(1)">x</a>', id="raw-newline-in-scheme"),
    pytest.param("[x](java\x00script:alert(1))", id="nul-in-scheme"),
    pytest.param('<a href="\x01javascript:alert(1)">x</a>', id="control-prefix"),
    pytest.param('<a href="\u2028javascript:alert(1)">x</a>', id="line-separator-prefix"),
    pytest.param('<a href="   javascript:alert(1)">x</a>', id="leading-spaces-raw"),
    pytest.param("[x](   javascript:alert(1))", id="leading-spaces-md"),
    pytest.param('<a href="ｊａｖａｓｃｒｉｐｔ:alert(1)">x</a>', id="fullwidth-scheme"),
    # event handlers and style
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param('<img src="x"\nonerror="alert(1)">', id="img-onerror-multiline"),
    pytest.param('<a href="#" onclick="alert(1)">x</a>', id="a-onclick"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param("<body onload=alert(1)>", id="body-onload"),
    pytest.param('<p onmouseover="alert(1)" style="position:fixed;inset:0">x</p>', id="p-onmouseover"),
    pytest.param('<p style="background:url(javascript:alert(1))">x</p>', id="style-attribute"),
    pytest.param("<style>*{background:url(javascript:alert(1))}</style>", id="style-tag"),
    pytest.param('<input autofocus onfocus="alert(1)">', id="input-autofocus"),
    pytest.param('<details open ontoggle="alert(1)"><summary>x</summary></details>', id="details-ontoggle"),
    # SVG and MathML tricks
    pytest.param('<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>', id="svg-xlink"),
    pytest.param('<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>', id="svg-animate"),
    pytest.param('<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>', id="svg-use"),
    pytest.param("<svg><![CDATA[><img src=x onerror=alert(1)>]]></svg>", id="svg-cdata"),
    pytest.param("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", id="math-mglyph"),
    pytest.param('<math href="javascript:alert(1)">x</math>', id="math-href"),
    pytest.param(
        '<math><mi xlink:href="javascript:alert(1)" xmlns:xlink="http://www.w3.org/1999/xlink">x</mi></math>',
        id="math-mi-xlink",
    ),
    # embedding, forms and document-level elements
    pytest.param('<iframe src="javascript:alert(1)"></iframe>', id="iframe"),
    pytest.param('<iframe srcdoc="<script>alert(1)</script>"></iframe>', id="iframe-srcdoc"),
    pytest.param('<object data="javascript:alert(1)"></object>', id="object"),
    pytest.param('<embed src="javascript:alert(1)">', id="embed"),
    pytest.param('<form action="javascript:alert(1)"><input type="submit"></form>', id="form-action"),
    pytest.param('<button formaction="javascript:alert(1)">x</button>', id="button-formaction"),
    pytest.param('<base href="javascript:alert(1)//">', id="base"),
    pytest.param('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta-refresh"),
    pytest.param('<link rel="stylesheet" href="javascript:alert(1)">', id="link"),
    pytest.param('<video poster="javascript:alert(1)"><source onerror="alert(1)"></video>', id="video"),
    pytest.param('<img srcset="javascript:alert(1) 1x" src="https://ok.com/a.png">', id="img-srcset"),
    pytest.param('<picture><source srcset="javascript:alert(1)"></picture>', id="picture-srcset"),
    pytest.param('<a href="https://ok.com" target="_blank" ping="https://evil.example">x</a>', id="target-ping"),
    # raw HTML blocks and Markdown/HTML mixes
    pytest.param('<div onmouseover="alert(1)">\n\n[x](javascript:alert(1))\n\n</div>', id="html-block"),
    pytest.param('<div markdown="1">[x](javascript:alert(1))</div>', id="html-block-markdown-attr"),
    pytest.param("> <a href=javascript:alert(1)>x</a>", id="raw-link-in-quote"),
    pytest.param("- <img src=x onerror=alert(1)>", id="raw-img-in-list"),
    pytest.param("[<img src=x onerror=alert(1)>](https://ok.com)", id="raw-img-in-link-text"),
    pytest.param("# <img src=x onerror=alert(1)>", id="raw-img-in-heading"),
    pytest.param("| <img src=x onerror=alert(1)> |\n|---|\n| x |", id="raw-img-in-table"),
    pytest.param('```" onclick="alert(1)\ncode\n```', id="fenced-lang-breakout"),
    pytest.param(
        '[^"><img src=x onerror=alert(1)>]\n\n[^"><img src=x onerror=alert(1)>]: note',
        id="footnote-id-breakout",
    ),
    # reference-style links and autolinks
    pytest.param("[x][1]\n\n[1]: javascript:alert(1)", id="reference-link"),
    pytest.param('[x][evil]\n\n[evil]: javascript:alert(1) "title"', id="reference-link-title"),
    pytest.param("![x][1]\n\n[1]: javascript:alert(1)", id="reference-image"),
    pytest.param("[x]\n\n[x]: JaVaScRiPt:alert(1)", id="reference-shortcut"),
    pytest.param("<javascript:alert(1)>", id="autolink-javascript"),
    pytest.param("<vbscript:alert(1)>", id="autolink-vbscript"),
    pytest.param("<data:text/html,alert(1)>", id="autolink-data"),
    # titles that try to break out of their attribute
    pytest.param('[x](https://ok.com "a\\" onmouseover=\\"alert(1)")', id="title-escaped-quote"),
    pytest.param('[x](https://ok.com "a" onmouseover="alert(1)")', id="title-double-quote"),
    pytest.param("[x](https://ok.com 'a' onmouseover='alert(1)')", id="title-single-quote"),
    pytest.param('![x](https://ok.com/a.png "a\\" onerror=\\"alert(1)")', id="image-title-breakout"),
    # unclosed tags, comments, CDATA, template, noscript
    pytest.param("<img src=x onerror=alert(1)//", id="unclosed-img"),
    pytest.param('<a href="javascript:alert(1)"', id="unclosed-a"),
    pytest.param('<a href="javascript:alert(1)">x', id="unclosed-a-content"),
    pytest.param("<!-- --><script>alert(1)</script><!-- -->", id="comment-around-script"),
    pytest.param('<!--<img src="--><img src=x onerror=alert(1)//">', id="comment-hiding-img"),
    pytest.param("<!--[if gte IE 4]><script>alert(1)</script><![endif]-->", id="conditional-comment"),
    pytest.param("<![CDATA[<script>alert(1)</script>]]>", id="cdata"),
    pytest.param("<template><img src=x onerror=alert(1)></template>", id="template"),
    pytest.param('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', id="noscript"),
    pytest.param("<xmp><img src=x onerror=alert(1)></xmp>", id="xmp"),
    pytest.param('<textarea><img src=x onerror="alert(1)"></textarea>', id="textarea"),
]


@pytest.mark.parametrize("profile", BOTH_PROFILES)
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_inert(text, profile):
    output = render_markdown(text, profile)
    assert isinstance(output, str)
    assert_inert(output, profile)


def test_there_are_enough_hostile_inputs():
    assert len(HOSTILE) >= 30
    assert len({param.id for param in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("profile", BOTH_PROFILES)
def test_lone_surrogates_do_not_crash(profile):
    # A str from json.loads('"\\ud800"') is a valid str but not valid UTF-8; nh3 used to raise
    # UnicodeEncodeError on it (an uncaught 500).
    output = render_markdown("hi \ud800 [x](https://ok.com/\udfff) <img src=x onerror=alert(1)>", profile)
    assert "\ufffd" in output
    assert_inert(output, profile)


# --------------------------------------------------------------------------------------------
# Good Markdown still works.


def test_post_headings_shift_to_h2():
    # The page title is the only <h1>: "# Title" in a post body must come out as <h2>.
    output = render_markdown("# Title\n\n## Sub\n\n### Deeper\n\n###### Six", "post")
    headings = [(tag, dict(attrs).get("id")) for tag, attrs in collect(output) if re.fullmatch(r"h\d", tag)]
    assert "h1" not in output
    assert headings[0] == ("h2", "title")
    assert [heading_id for _, heading_id in headings[1:3]] == ["sub", "deeper"]
    assert {tag for tag, _ in headings} <= {"h2", "h3", "h4", "h5", "h6"}
    assert '<h2 id="title">Title' in output
    assert 'class="headerlink" href="#title"' in output
    assert "Six" in output  # the deepest level is not deleted


def test_post_fenced_code_is_highlighted():
    output = render_markdown("```python\nprint('hi')\n```", "post")
    assert '<div class="highlight">' in output
    assert '<span class="nb">print</span>' in output  # a Pygments token class
    assert_inert(output, "post")


def test_comment_fenced_code_keeps_language_class():
    output = render_markdown("```python\nprint('<b>hi</b>')\n```", "comment")
    assert '<code class="language-python">' in output
    assert "&lt;b&gt;hi&lt;/b&gt;" in output  # code content stays text
    assert_inert(output, "comment")


def test_post_tables():
    output = render_markdown("| a | b |\n|---|--:|\n| 1 | 2 |", "post")
    assert "<table>" in output
    assert "<th>a</th>" in output
    assert '<td align="right">2</td>' in output
    assert_inert(output, "post")


def test_post_footnotes():
    output = render_markdown("Text[^1]\n\n[^1]: The note.", "post")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1"' in output
    assert '<li id="fn:1">' in output
    assert "The note." in output
    assert_inert(output, "post")


def test_post_smart_quotes():
    output = html.unescape(render_markdown("\"Hello\" it's -- done... 'quoted'", "post"))
    assert "\u201cHello\u201d" in output
    assert "it\u2019s" in output
    assert "\u2013" in output
    assert "\u2026" in output
    assert "\u2018quoted\u2019" in output


def test_post_keeps_https_image_and_loads_it_lazily():
    output = render_markdown('![A cat](https://example.com/cat.png "Cat")', "post")
    [(tag, attrs)] = [element for element in collect(output) if element[0] == "img"]
    assert dict(attrs) == {
        "alt": "A cat",
        "src": "https://example.com/cat.png",
        "title": "Cat",
        "loading": "lazy",
        "decoding": "async",
    }


def test_post_keeps_relative_image():
    output = render_markdown("![Chart](/media/images/2026/12/chart.png)", "post")
    [(tag, attrs)] = [element for element in collect(output) if element[0] == "img"]
    assert dict(attrs)["src"] == "/media/images/2026/12/chart.png"


def test_post_http_image_becomes_a_link_to_it():
    """Mixed content (and blocked by the CSP's img-src): the reader gets a link, not a broken image."""
    output = render_markdown("Look: ![A chart](http://example.com/chart.png)", "post")
    assert "<img" not in output
    assert '<a href="http://example.com/chart.png" rel="noopener">A chart</a>' in output


@pytest.mark.parametrize(
    "src",
    [
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "//evil.example/x.png",
        "/\\evil.example/x.png",
        "ftp://example.com/x.png",
    ],
)
def test_post_image_from_elsewhere_loses_its_src(src):
    output = render_markdown(f'<img src="{src}" alt="x">', "post")
    assert_inert(output, "post")
    assert all("src" not in dict(attrs) for tag, attrs in collect(output) if tag == "img")


def test_post_srcset_with_an_unsafe_candidate_is_dropped_whole():
    output = render_markdown('<img src="/a.png" srcset="/a-480.png 480w, http://x.example/a.png 960w" alt="a">')
    [(tag, attrs)] = [element for element in collect(output) if element[0] == "img"]
    assert "srcset" not in dict(attrs)
    assert dict(attrs)["src"] == "/a.png"


def test_post_images_the_resolver_knows_get_srcset_sizes_width_and_height():
    asked = []

    def resolve(srcs):
        asked.append(srcs)
        return {"/media/images/a.png": {"width": 1200, "height": 800, "srcset": "/media/images/a-480w.png 480w, "
                                        "/media/images/a.png 1200w", "sizes": "100vw"}}  # fmt: skip

    output = render_markdown("![A [chart]](/media/images/a.png)\n\n![Other](https://ok.example/b.png)", images=resolve)
    assert asked == [["/media/images/a.png", "https://ok.example/b.png"]]  # one call for the whole body
    ours, other = [dict(attrs) for tag, attrs in collect(output) if tag == "img"]
    assert ours == {
        "src": "/media/images/a.png",
        "alt": "A [chart]",
        "width": "1200",
        "height": "800",
        "srcset": "/media/images/a-480w.png 480w, /media/images/a.png 1200w",
        "sizes": "100vw",
        "loading": "lazy",
        "decoding": "async",
    }
    assert "srcset" not in other and other["loading"] == "lazy"
    assert_inert(output, "post")


def test_resolver_output_is_still_sanitized():
    def resolve(srcs):
        return {
            srcs[0]: {"width": '1" onerror="alert(1)', "height": 1, "srcset": "javascript:alert(1) 1w", "sizes": "1"}
        }

    output = render_markdown("![x](/media/images/a.png)", images=resolve)
    assert_inert(output, "post")
    [(tag, attrs)] = [element for element in collect(output) if element[0] == "img"]
    assert "srcset" not in dict(attrs)
    assert "onerror" not in dict(attrs)


def test_comment_drops_images():
    output = render_markdown('![A cat](https://example.com/cat.png "Cat")', "comment")
    assert "<img" not in output
    assert "cat.png" not in output


@pytest.mark.parametrize("profile", BOTH_PROFILES)
def test_links_kept_with_profile_rel(profile):
    output = render_markdown("[site](https://example.com/a?b=1) and [me](mailto:me@example.com)", profile)
    links = [dict(attrs) for tag, attrs in collect(output) if tag == "a"]
    assert [link["href"] for link in links] == ["https://example.com/a?b=1", "mailto:me@example.com"]
    assert {link["rel"] for link in links} == {PROFILES[profile]["link_rel"]}


def test_comment_links_are_nofollow_ugc():
    output = render_markdown("[site](https://example.com)", "comment")
    assert 'rel="nofollow ugc noopener"' in output


def test_comment_raw_link_gets_rel_and_loses_extra_attributes():
    output = render_markdown('<a href="https://example.com" rel="me" class="x" id="y">x</a>', "comment")
    assert output == '<p><a href="https://example.com" rel="nofollow ugc noopener">x</a></p>'


def test_comment_has_no_headings_or_tables():
    output = render_markdown("# Title\n\n| a |\n|---|\n| 1 |", "comment")
    tags = {tag for tag, _ in collect(output)}
    assert not tags & {"h1", "h2", "table"}
    assert "Title" in output


@pytest.mark.parametrize("profile", BOTH_PROFILES)
def test_relative_and_fragment_links_kept(profile):
    output = render_markdown("[a](/blog/post/) [b](#top) [c](../x:y)", profile)
    hrefs = [dict(attrs)["href"] for tag, attrs in collect(output) if tag == "a"]
    assert hrefs == ["/blog/post/", "#top", "../x:y"]


@pytest.mark.parametrize("profile", BOTH_PROFILES)
def test_plain_text_is_escaped_not_dropped(profile):
    output = render_markdown("1 < 2 & 3 > 0, **bold** and *em*", profile)
    assert output == "<p>1 &lt; 2 &amp; 3 &gt; 0, <strong>bold</strong> and <em>em</em></p>"


@pytest.mark.parametrize("profile", BOTH_PROFILES)
def test_lists_and_quotes(profile):
    output = render_markdown("> quoted\n\n- one\n- two\n\n3. three\n4. four", profile)
    assert "<blockquote>" in output
    assert "<li>one</li>" in output
    assert '<ol start="3">' in output


@pytest.mark.parametrize("profile", BOTH_PROFILES)
def test_empty_input(profile):
    assert render_markdown("", profile) == ""
    assert render_markdown(None, profile) == ""


# --------------------------------------------------------------------------------------------
# Length limits.


def test_comment_over_limit_raises_with_limit_in_message(settings):
    limit = settings.COMMENT_MAX_LENGTH
    assert render_markdown("a" * limit, "comment") == "<p>" + "a" * limit + "</p>"
    with pytest.raises(MarkupTooLong) as caught:
        render_markdown("a" * (limit + 1), "comment")
    assert caught.value.limit == limit
    assert caught.value.length == limit + 1
    assert f"{limit:,}" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_post_over_limit_raises_with_limit_in_message(settings):
    settings.BLOG_POST_MAX_LENGTH = 1234
    render_markdown("a" * 1234, "post")
    with pytest.raises(MarkupTooLong) as caught:
        render_markdown("a" * 1235, "post")
    assert caught.value.limit == 1234
    assert "1,234" in str(caught.value)


def test_post_limit_is_read_at_call_time(settings):
    settings.BLOG_POST_MAX_LENGTH = 10
    with pytest.raises(MarkupTooLong):
        render_markdown("x" * 11, "post")
    settings.BLOG_POST_MAX_LENGTH = 20
    assert render_markdown("x" * 11, "post") == "<p>" + "x" * 11 + "</p>"


# --------------------------------------------------------------------------------------------
# Pathological input: renders or is rejected with a message, never RecursionError or a crash.
# The profile's length limit is lifted to the text's length so the structure itself, not the
# length check, is what gets exercised.

PATHOLOGICAL = [
    pytest.param("- " * 5000 + "x", id="dash-list-5000"),
    pytest.param("> " * 5000 + "x", id="quote-5000"),
    pytest.param("1. " * 3000 + "x", id="ordered-list-3000"),
    pytest.param("- > 1. " * 2000 + "x", id="mixed-markers-2000"),
    pytest.param("\n".join(" " * (2 * i) + "- x" for i in range(2000)), id="indent-ladder-2000"),
    pytest.param("\n".join("\t" * i + "- x" for i in range(1000)), id="tab-ladder-1000"),
    # After a ">" the indentation is not flattened; this reaches python-markdown's recursion.
    pytest.param("\n".join("> " + "\t" * i + "- x" for i in range(300)), id="quoted-tab-ladder-300"),
    pytest.param("![" * 1500, id="image-open-1500"),
    pytest.param("![" * 40000, id="image-open-40000"),
    pytest.param("[" * 3000, id="bracket-3000"),
    pytest.param("[a" * 1500, id="bracket-a-1500"),
    pytest.param("[a](" * 1000, id="link-open-1000"),
    pytest.param("*a" * 1500, id="star-a-1500"),
    pytest.param("_a" * 1500, id="underscore-a-1500"),
    pytest.param("`" * 3000, id="backtick-3000"),
    pytest.param("<" * 3000, id="lt-3000"),
    pytest.param("<div>" * 600, id="div-open-600"),
    pytest.param("&#" * 1500, id="entity-open-1500"),
    pytest.param("\\" * 3000, id="backslash-3000"),
]


@pytest.mark.parametrize("profile", BOTH_PROFILES)
@pytest.mark.parametrize("text", PATHOLOGICAL)
def test_pathological_input_renders_or_is_rejected(text, profile, settings):
    settings.COMMENT_MAX_LENGTH = max(settings.COMMENT_MAX_LENGTH, len(text))
    settings.BLOG_POST_MAX_LENGTH = max(settings.BLOG_POST_MAX_LENGTH, len(text))
    try:
        output = render_markdown(text, profile)
    except MarkupRejected as rejected:
        assert str(rejected).strip()
    else:
        assert isinstance(output, str)
        assert_inert(output, profile)


@pytest.mark.parametrize(
    ("text", "profile"),
    [
        pytest.param("![" * 1500, "comment", id="image-open-1500-comment"),
        pytest.param("![" * 40000, "post", id="image-open-40000-post"),
        pytest.param("[" * 3000, "comment", id="bracket-3000-comment"),
        pytest.param("[a" * 1500, "post", id="bracket-a-1500-post"),
    ],
)
def test_pathological_input_within_default_limits(text, profile):
    """The brief's cases at the real limits: never MarkupTooLong, never a crash."""
    try:
        output = render_markdown(text, profile)
    except MarkupRejected as rejected:
        assert str(rejected).strip()
    else:
        assert isinstance(output, str)


def test_deep_nesting_is_flattened_not_rejected():
    output = render_markdown("- " * 5000 + "x", "post")
    assert output.count("<ul>") <= 16
    assert "x" in output


def test_a_bare_address_in_a_comment_becomes_a_nofollow_link():
    html = render_markdown("See https://example.com/jobs. Or www.example.org, or `https://in.code`.", profile="comment")
    assert '<a href="https://example.com/jobs" rel="nofollow ugc noopener">https://example.com/jobs</a>.' in html
    assert '<a href="http://www.example.org" rel="nofollow ugc noopener">www.example.org</a>' in html
    assert "<code>https://in.code</code>" in html  # code stays code
    assert 'href="javascript' not in render_markdown("javascript:alert(1) https://x.example", profile="comment")
