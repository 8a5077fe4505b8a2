"""Time blog.markup.render_markdown on pathological and realistic input.

Run from the project root:  python bench/markup_bench.py
Prints a Markdown table: the median of 5 runs per case. Cases longer than their profile's
limit are run with the limit lifted to the text's length (marked in the "limit" column),
so what is timed is the structure, not the length check.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from blog.markup import MarkupRejected, MarkupTooLong, render_markdown  # noqa: E402

RUNS = 5

WORDS = [
    "career", "interview", "resume", "recruiter", "offer", "salary", "negotiation", "portfolio",
    "network", "mentor", "project", "team", "manager", "skills", "growth", "remote", "office",
    "application", "role", "company", "culture", "feedback", "promotion", "review", "learning",
    "python", "django", "backend", "frontend", "deploy", "release", "the", "a", "of", "to", "and",
    "in", "for", "with", "on", "that", "this", "it", "is", "was", "be", "as", "at", "by", "from",
    "we", "you", "they",
]  # fmt: skip


def _sentence(rng, words):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng, sentences=5):
    parts = []
    for _ in range(sentences):
        sentence = _sentence(rng, rng.randint(8, 16))
        roll = rng.random()
        if roll < 0.15:
            sentence += f" This is **{rng.choice(WORDS)}** and *{rng.choice(WORDS)}*."
        elif roll < 0.25:
            sentence += f" See [this guide](https://example.com/guides/{rng.randint(1, 99)})."
        elif roll < 0.32:
            sentence += ' She said "it\'s fine" -- and meant it...'
        elif roll < 0.38:
            sentence += " Run `make test` first."
        parts.append(sentence)
    return " ".join(parts)


def realistic_post(target_words=1500):
    rng = random.Random(1500)
    blocks = ["Intro paragraph with a footnote.[^1] " + _paragraph(rng)]
    section = 0
    while sum(len(block.split()) for block in blocks) < target_words:
        section += 1
        blocks.append(f"## Section {section}: {_sentence(rng, 4)[:-1]}")
        blocks.append(_paragraph(rng, rng.randint(4, 7)))
        kind = section % 4
        if kind == 0:
            blocks.append("\n".join(f"- {_sentence(rng, rng.randint(4, 9))}" for _ in range(5)))
        elif kind == 1:
            blocks.append(
                "```python\ndef score(offer):\n    base = offer['salary']\n"
                "    return base * 1.1 if offer['remote'] else base\n```"
            )
        elif kind == 2:
            rows = "\n".join(f"| {rng.choice(WORDS)} | {rng.randint(1, 9)} |" for _ in range(4))
            blocks.append("| Item | Score |\n|------|------:|\n" + rows)
        else:
            blocks.append("> " + _sentence(rng, 14))
            blocks.append(f"![Chart](https://example.com/img/chart-{section}.png)")
        blocks.append(_paragraph(rng, rng.randint(3, 6)))
    blocks.append("[^1]: The footnote text, with a [link](https://example.com/source).")
    return "\n\n".join(blocks)


def realistic_comment(target_chars=3000):
    rng = random.Random(3000)
    sign_off = "\n\nThanks, [me](mailto:me@example.com)"
    blocks = ["Great post! A few thoughts:", "> " + _sentence(rng, 15)]
    blocks.append("\n".join(f"1. {_sentence(rng, rng.randint(5, 10))}" for _ in range(4)))
    blocks.append("```\npip install django\n```")
    blocks.extend(_paragraph(rng, 3) for _ in range(12))
    text = "\n\n".join(blocks)
    # Cut at the last sentence that fits, so the whole comment is just under the limit.
    text = text[: target_chars - len(sign_off)]
    return text[: text.rindex(".") + 1] + sign_off


CASES = [
    # (name, profile, text)
    ("realistic post (1,500 words)", "post", realistic_post()),
    ("realistic comment (3,000 chars)", "comment", realistic_comment()),
    ('"- " * 5000 + "x"', "post", "- " * 5000 + "x"),
    ('"- " * 5000 + "x"', "comment", "- " * 5000 + "x"),
    ('"> " * 5000 + "x"', "post", "> " * 5000 + "x"),
    ("2,000 lines, +2 spaces each", "post", "\n".join(" " * (2 * i) + "- x" for i in range(2000))),
    ("2,000 lines, +2 spaces each", "comment", "\n".join(" " * (2 * i) + "- x" for i in range(2000))),
    ("1,000 lines, +1 tab each", "post", "\n".join("\t" * i + "- x" for i in range(1000))),
    ('"> " + tab ladder, 300 lines', "post", "\n".join("> " + "\t" * i + "- x" for i in range(300))),
    ('"> " + tab ladder, 440 lines', "post", "\n".join("> " + "\t" * i + "- x" for i in range(440))),
    ('"> " + tab ladder, 71 lines', "comment", "\n".join("> " + "\t" * i + "- x" for i in range(71))),
    ('"![" * 1500', "comment", "![" * 1500),
    ('"![" * 40000', "post", "![" * 40000),
    ('"![" * 2400 (under 5,000 markup)', "post", "![" * 2400),
    ('"[" * 3000', "post", "[" * 3000),
    ('"[" * 3000', "comment", "[" * 3000),
    ('"[a" * 1500', "post", "[a" * 1500),
    ('"[a" * 1500', "comment", "[a" * 1500),
    ('"*a" * 2500 (one paragraph)', "post", "*a" * 2500),
    ('"*a" * 2500, x20 paragraphs', "post", "\n\n".join(["*a" * 2450] * 20)),
    ('"<" * 3000', "comment", "<" * 3000),
    ('"[a](" * 750', "comment", "[a](" * 750),
    ("20,000 identical headings", "post", "\n\n".join(["# a"] * 20000)),
    ("20,000 distinct headings", "post", "\n\n".join(f"# h{i}" for i in range(20000))[:100_000]),
]


def _limit_name(profile):
    return "COMMENT_MAX_LENGTH" if profile == "comment" else "BLOG_POST_MAX_LENGTH"


def run_case(text, profile):
    outcome = "rendered"
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        try:
            render_markdown(text, profile)
        except MarkupRejected:
            outcome = "rejected"
        except MarkupTooLong:
            outcome = "too long"
        timings.append((time.perf_counter() - start) * 1000)
    return outcome, statistics.median(timings)


def main():
    print(f"render_markdown, median of {RUNS} runs (Python {sys.version.split()[0]})\n")
    print("| case | profile | chars | limit | outcome | median ms |")
    print("|---|---|--:|---|---|--:|")
    for name, profile, text in CASES:
        limit_setting = _limit_name(profile)
        default_limit = getattr(settings, limit_setting)
        lifted = len(text) > default_limit
        with override_settings(**{limit_setting: max(default_limit, len(text))}):
            outcome, median_ms = run_case(text, profile)
        limit = f"lifted to {len(text):,}" if lifted else f"{default_limit:,}"
        print(f"| {name} | {profile} | {len(text):,} | {limit} | {outcome} | {median_ms:,.1f} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
