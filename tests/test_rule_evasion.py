"""The word lists, the duplicate check, the link limit and the website field hold against
disguises (issue 18, finding 7), and ordinary writing is not caught by them.

Every case posts through the real comment view, the way a browser sends the form. The
variant lists below are this project's own fixture: each class of disguise seen in the
attack (homoglyphs, fullwidth, invisible characters, spacing, markup, entities), written
out, so that a new disguise is one more line here.
"""

import unicodedata

import pytest
from django.test import Client
from django_comments_xtd.models import XtdComment

from comments import moderation
from comments.folding import fold
from comments.models import Reason, State

from .commenting import post_comment
from .factories import PostFactory

pytestmark = pytest.mark.django_db

ZWSP, ZWNJ, ZWJ, WJ, SHY, NBSP, LRO, RLO, BOM = (
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\u00ad",
    "\u00a0",
    "\u202d",
    "\u202e",
    "\ufeff",
)

# "casino" (a spam word) and "crypto giveaway" (a spam phrase), disguised.
SPAM_VARIANTS = {
    "cyrillic a, o": "Try my саsinо tonight",
    "cyrillic c, a, s, i, o": "Best сaѕіno in town",
    "greek omicron, iota": "Best casίnο in town",
    "mixed-case homoglyphs": "Best СASINО deals",
    "fullwidth": "Best ｃａｓｉｎｏ deals",
    "mathematical bold": "Best 𝐜𝐚𝐬𝐢𝐧𝐨 deals",
    "zero-width space": f"Best cas{ZWSP}ino deals",
    "zero-width joiners": f"Best c{ZWNJ}a{ZWJ}s{WJ}ino deals",
    "byte-order mark": f"Best casi{BOM}no deals",
    "soft hyphen": f"Best cas{SHY}ino deals",
    "bidi override": f"Best cas{LRO}ino{RLO} deals",
    "nbsp inside a phrase": f"Join the crypto{NBSP}giveaway now",
    "newline inside a phrase": "Join the crypto\ngiveaway now",
    "crlf and tabs inside a phrase": "Join the crypto\r\n\t giveaway now",
    "markdown emphasis": "Best cas**ino** deals",
    "markdown single star": "Best c*asin*o deals",
    "inline code split": "Best cas`ino` deals",
    "empty html element": "Best cas<b></b>ino deals",
    "html comment": "Best cas<!-- -->ino deals",
    "decimal entity": "Best ca&#115;ino deals",
    "hex entity": "Best ca&#x73;ino deals",
    "named entity": "Join the crypto&nbsp;giveaway now",
    "combining accent": "Best casi\u0301no deals",
    "accented letter": "Best casíno deals",
    "inside a link": "Best [cas**ino**](https://example.com) deals",
    "inside dropped markup": "Hello <script>casino</script>",
}

ORIGINAL = "Thanks for this post, the résumé tips helped me find a job."
DUPLICATE_VARIANTS = {
    "double spaces": "Thanks for this  post,  the résumé tips helped me find a job.",
    "tab": "Thanks for this\tpost, the résumé tips helped me find a job.",
    "newline": "Thanks for this post,\nthe résumé tips helped me find a job.",
    "crlf": "Thanks for this post,\r\nthe résumé tips helped me find a job.",
    "leading and trailing space": "  Thanks for this post, the résumé tips helped me find a job.  ",
    "zero-width space": f"Thanks for this po{ZWSP}st, the résumé tips helped me find a job.",
    "soft hyphen": f"Thanks for this post, the ré{SHY}sumé tips helped me find a job.",
    "nbsp": f"Thanks for this{NBSP}post, the résumé tips helped me find a job.",
    "nfd": unicodedata.normalize("NFD", ORIGINAL),
    "trailing period removed": "Thanks for this post, the résumé tips helped me find a job",
    "trailing periods added": "Thanks for this post, the résumé tips helped me find a job...",
    "trailing exclamation": "Thanks for this post, the résumé tips helped me find a job!",
    "decimal entity": "Thanks for this post, the r&#233;sum&#233; tips helped me find a job.",
    "named entity": "Thanks for this post, the r&eacute;sum&eacute; tips helped me find a job.",
    "zero-width entity": "Thanks for this post, the résumé tips helped me find a job.&#8203;",
    "upper case": "THANKS for this post, the résumé tips helped me find a job.",
    "fullwidth letters": "Ｔｈａｎｋｓ for this post, the résumé tips helped me find a job.",
    "markdown emphasis": "Thanks for this *post*, the résumé tips helped me find a job.",
    "cyrillic homoglyph": "Thаnks for this post, the résumé tips helped me find a job.",
}

# Three links each (the limit is two): every way a link reaches the page.
LINK_VARIANTS = {
    "reference links": "[a][1] [b][2] [c][3]\n\n[1]: //one.example\n[2]: //two.example\n[3]: //three.example",
    "protocol-relative inline": "[a](//one.example) [b](//two.example) [c](//three.example)",
    "protocol-relative text": "see //one.example and //two.example and //three.example",
    "entity scheme": "[a](&#104;ttps://one.example) [b](&#104;ttps://two.example) [c](&#104;ttps://three.example)",
    "html with slash": "<a/href=//one.example>a</a> <a/href=//two.example>b</a> <a/href=//three.example>c</a>",
    "html anchors": (
        '<a href="https://one.example">a</a> <A HREF=https://two.example>b</A> <a\nhref="//three.example">c</a>'
    ),
    "mailto autolinks": "<mailto:a@one.example> <b@two.example> <mailto:c@three.example>",
    "autolinks": "<https://one.example> <https://two.example> <https://three.example>",
    "bare www": "www.one.example, www.two.example, www.three.example",
    "fullwidth scheme": "ｈｔｔｐｓ://one.example ｈｔｔｐｓ://two.example ｈｔｔｐｓ://three.example",
    "mixed": "[a](https://one.example) www.two.example <three@three.example>",
}

# Ordinary writing: none of it is a spam word, a moderation word, a duplicate or over the limit.
ORDINARY = {
    "accented names": "Merci, Zoë Müller-Łukasiewicz and José Ñúñez: your advice on CVs was spot on.",
    "code": "I used `grep -rn casin0 .` and:\n\n```\nfor job in jobs:\n    apply(job)\n```",
    "russian": "Спасибо за статью! Я нашёл работу через знакомых, как вы и советовали.",
    "greek": "Ευχαριστώ πολύ για το άρθρο, με βοήθησε στη συνέντευξη.",
    "japanese": "とても役に立つ記事でした。ありがとうございます。",
    "arabic": "شكراً جزيلاً على هذا المقال المفيد عن البحث عن عمل.",
    "hindi": "इस लेख के लिए धन्यवाद, नौकरी खोजने में बहुत मदद मिली।",
    "hebrew with bidi text": "תודה רבה! The “LinkedIn” tip worked.",
    "words that contain list words elsewhere": "Occasionally I visit the Cassino war memorial; betting shops? No.",
    "two links": "See https://one.example and [the guide](https://two.example).",
}


@pytest.fixture
def post(db):
    return PostFactory(title="Knock on doors")


@pytest.fixture
def known(post, staff):
    """reader@example.com has a published comment: a clean one of theirs is published."""
    assert post_comment(Client(), post, comment="My first words here.").status_code == 302
    moderation.approve(XtdComment.objects.filter(user_email="reader@example.com"), by=staff)
    from django.core.cache import cache

    cache.clear()


def _send(post, text, *, n=0, **fields):
    client = Client(REMOTE_ADDR=f"198.51.100.{n % 250 + 1}")
    return post_comment(client, post, comment=text, **fields)


def _latest(post):
    return XtdComment.objects.filter(object_pk=str(post.pk)).select_related("moderation").latest("pk")


@pytest.mark.parametrize("variant", SPAM_VARIANTS.values(), ids=SPAM_VARIANTS.keys())
def test_a_disguised_spam_word_is_still_spam(post, known, variant, settings):
    settings.COMMENTS_SPAM_WORDS = ["casino", "crypto giveaway"]
    response = _send(post, variant)
    assert response.status_code == 302
    comment = _latest(post)
    assert comment.comment == variant  # kept as written, for the record
    assert (comment.moderation.state, comment.moderation.reason) == (State.SPAM, Reason.SPAM_WORD)
    assert "casino" not in Client().get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("variant", SPAM_VARIANTS.values(), ids=SPAM_VARIANTS.keys())
def test_a_disguised_moderation_word_is_still_held(post, known, variant, settings):
    settings.COMMENTS_SPAM_WORDS = []
    settings.COMMENTS_MODERATION_WORDS = ["casino", "crypto giveaway"]
    settings.COMMENTS_HOLD_THRESHOLD = 1.1  # only the word list decides here
    _send(post, variant)
    comment = _latest(post)
    assert (comment.moderation.state, comment.moderation.reason) == (State.HELD, Reason.MODERATION_WORD)


@pytest.mark.parametrize("variant", DUPLICATE_VARIANTS.values(), ids=DUPLICATE_VARIANTS.keys())
def test_a_disguised_duplicate_is_refused_and_the_text_kept(post, known, variant):
    assert _send(post, ORIGINAL, n=1).status_code == 302
    before = XtdComment.objects.count()
    response = _send(post, variant, n=2)
    assert response.status_code == 409
    assert "You have already posted this comment here." in response.content.decode()
    assert XtdComment.objects.count() == before
    assert fold(variant)[:10] in fold(response.content.decode())  # the reader's text is in the form again


@pytest.mark.parametrize("variant", LINK_VARIANTS.values(), ids=LINK_VARIANTS.keys())
def test_every_kind_of_link_counts_toward_the_limit(post, known, variant, settings):
    settings.COMMENTS_MAX_LINKS = 2
    settings.COMMENTS_PRIVACY_GUARD = False  # mailto addresses would be held for privacy first
    settings.COMMENTS_HOLD_THRESHOLD = 1.1
    _send(post, variant)
    comment = _latest(post)
    assert (comment.moderation.state, comment.moderation.reason) == (State.HELD, Reason.LINKS)


@pytest.mark.parametrize("text", ORDINARY.values(), ids=ORDINARY.keys())
def test_ordinary_writing_is_published(post, known, text, settings):
    settings.COMMENTS_SPAM_WORDS = ["casino", "betting tips", "crypto giveaway", "viagra"]
    settings.COMMENTS_MODERATION_WORDS = ["idiot", "scam"]
    settings.COMMENTS_MAX_LINKS = 2
    settings.COMMENTS_HOLD_THRESHOLD = 1.1  # the learned score is tested in test_spam.py
    settings.COMMENTS_SPAM_THRESHOLD = 1.1
    assert _send(post, text).status_code == 302
    comment = _latest(post)
    assert comment.comment == text.replace("\r\n", "\n")
    assert (comment.moderation.state, comment.moderation.reason) == (State.PUBLISHED, Reason.CLEAN)


def test_different_comments_from_one_reader_are_not_duplicates(post, known):
    for n, text in enumerate(["Great post.", "Great posts.", "Great post, thanks.", "Great *post*?"], start=1):
        # "Great *post*?" has the same visible words as "Great post." but only its final
        # punctuation differs: that is the same comment.
        response = _send(post, text, n=n)
        assert response.status_code == (409 if text == "Great *post*?" else 302), text


@pytest.mark.parametrize(
    ("website", "said"),
    [
        ("//evil.example", "starting with https://"),
        ("  //evil.example/path", "starting with https://"),
        ("ftp://files.example", "a ftp: address is not accepted"),
        ("FTP://files.example", "a ftp: address is not accepted"),
        ("ｆｔｐ://files.example", "Enter a valid URL"),
    ],
)
def test_protocol_relative_and_ftp_websites_are_refused_with_a_clear_error(post, known, website, said):
    before = XtdComment.objects.count()
    response = _send(post, "A fine comment with a website.", url=website)
    assert response.status_code == 400
    html = response.content.decode()
    assert said in html and "A fine comment with a website." in html
    assert XtdComment.objects.count() == before


@pytest.mark.parametrize("website", ["https://me.example", "http://me.example/about", "me.example"])
def test_ordinary_websites_are_accepted(post, known, website):
    assert _send(post, "A fine comment with a website.", url=website).status_code == 302
    assert _latest(post).user_url.startswith(("https://", "http://"))
