"""The learning spam filter on a held-out corpus: what gets published, held and marked spam.

Run: python bench/spam_bench.py   (SQLite test database; prints Markdown tables)

The corpus, tests/fixtures/spam_corpus.jsonl, was written for this project apart from the
starter corpus the filter ships with (comments/spam_corpus/starter.jsonl). Every spammer
there is "returning": they have one earlier comment the author approved, as real spammers
do to get past "hold the first comment"; so are about half of the genuine readers.

1. Corpus, in file order, decided exactly as the comment form decides (comments.rules.decide,
   then comments.moderation.create), twice: with the starter model only (nobody
   moderates), and with an author who clears the queue as it fills (every held or
   spam-marked comment approved if genuine, marked spam if not: the filter learns).
2. Campaigns: for each campaign of near-variants, the author first marks k of its comments
   spam (k = 0, 3, 5, 10), then the next 20 variants are posted: how many are published.
3. What scoring costs: the median time of one decision and its queries.
Each run starts from the same model (a transaction rolled back afterwards).
"""

import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "spam_corpus.jsonl"
NEXT = 20


def load():
    with open(CORPUS, encoding="utf-8") as corpus:
        return [json.loads(line) for line in corpus if line.strip()]


class Rollback(Exception):
    pass


def scenario(function):
    """Run `function` in a transaction rolled back afterwards: the model is the same each time."""
    result = None
    try:
        with transaction.atomic():
            result = function()
            raise Rollback
    except Rollback:
        pass
    return result


def post_one(post, row, n, *, staff=None):
    """Decide and store one corpus comment as the form would; its earlier approved comment first."""
    from comments import moderation, rules
    from tests.factories import comment

    email = row["email"] or f"anonymous{n}@example.com"
    if row.get("returning"):
        comment(post, email=email, name=row["name"], text=f"Earlier approved comment {n}.", ip=f"10.{n % 250}.0.1")
    decision = rules.decide(
        post,
        email=email,
        text=row["text"],
        name=row["name"],
        url=row["website"],
        ip=f"10.{n % 250}.{n // 250}.9",
        seconds=row.get("seconds_to_submit"),
    )
    if decision.outcome == rules.Outcome.REJECT:
        return "rejected", decision
    stored = moderation.create(
        post,
        decision,
        name=row["name"],
        email=email,
        url=row["website"],
        ip=f"10.{n % 250}.{n // 250}.9",
        text=row["text"],
    )
    state = stored.moderation.state
    if staff is not None and state != "published":  # the author clears the queue
        if row["label"] == "spam":
            moderation.mark_spam([stored], by=staff)
        else:
            moderation.approve([stored], by=staff)
    return state, decision


def corpus_run(rows, post, staff=None):
    outcomes = Counter()
    for n, row in enumerate(rows):
        state, _ = post_one(post, row, n, staff=staff)
        outcomes[row["label"], bool(row.get("returning")), state] += 1
    return outcomes


def summary(outcomes):
    spam = Counter()
    ham = Counter()
    ham_returning = Counter()
    for (label, returning, state), n in outcomes.items():
        (spam if label == "spam" else ham)[state] += n
        if label == "ham" and returning:
            ham_returning[state] += n
    spam_total, ham_total = sum(spam.values()), sum(ham.values())
    caught = spam["spam"] + spam["held"]
    marked = spam["spam"] + ham["spam"]
    return {
        "spam published": f"{spam['published']} of {spam_total}",
        "spam recall (held or spam)": f"{caught / spam_total:.3f}",
        "precision of 'spam'": f"{spam['spam'] / marked:.3f}" if marked else "-",
        "genuine marked spam": f"{ham['spam']} of {ham_total}",
        "genuine returning published at once": f"{ham_returning['published']} of {sum(ham_returning.values())}"
        f" ({ham_returning['published'] / max(1, sum(ham_returning.values())):.1%})",
        "genuine held": f"{ham['held']} of {ham_total}",
    }


def campaign_run(rows, post, staff, campaign, marks):
    from comments import moderation

    variants = [row for row in rows if row.get("campaign") == campaign]
    through = hidden = 0
    for n, row in enumerate(variants[:marks]):
        state, _ = post_one(post, row, 10_000 + n)
        if state != "rejected":
            from django_comments_xtd.models import XtdComment

            moderation.mark_spam([XtdComment.norel_objects.latest("pk")], by=staff)
    for n, row in enumerate(variants[marks : marks + NEXT]):
        state, _ = post_one(post, row, 20_000 + n)
        through += state == "published"
        hidden += state == "spam"
    return through, hidden, len(variants[marks : marks + NEXT])


def main():
    setup_test_environment()
    from django.conf import settings

    settings.COMMENTS_RATE_LIMIT = 10**9
    old_name = connection.creation.create_test_db(verbosity=0)  # migrations learn the starter corpus
    try:
        from tests.factories import PostFactory, StaffFactory

        rows = load()
        post = PostFactory(title="How I got hired through a referral", summary="Referrals, networking, follow-ups.")
        staff = StaffFactory(username="bench-author")
        labels = Counter(row["label"] for row in rows)
        print(f"Corpus: {labels['ham']} genuine, {labels['spam']} spam comments ({CORPUS.name}).\n")

        print("| measure | starter model, nobody moderates | the author clears the queue as it fills |")
        print("|---|---:|---:|")
        alone = summary(scenario(lambda: corpus_run(rows, post)))
        learning = summary(scenario(lambda: corpus_run(rows, post, staff=staff)))
        for key in alone:
            print(f"| {key} | {alone[key]} | {learning[key]} |")

        campaigns = sorted({row["campaign"] for row in rows if row.get("campaign")})
        print(f"\nCampaigns: of the next {NEXT} variants after the author marks k of a campaign spam, how many")
        print("are published / marked spam by the filter itself (hidden, never in the author's queue;")
        print("the rest are held).\n")
        print("| campaign | " + " | ".join(f"k = {k}" for k in (0, 3, 5, 10)) + " |")
        print("|---|" + "---:|" * 4)
        for campaign in campaigns:
            cells = []
            for marks in (0, 3, 5, 10):
                through, hidden, of = scenario(lambda c=campaign, m=marks: campaign_run(rows, post, staff, c, m))
                cells.append(f"{through} / {hidden} of {of}")
            print(f"| {campaign} | " + " | ".join(cells) + " |")

        from comments import rules

        times, queries = [], 0
        sample = rows[:60]
        for row in sample:
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                rules.decide(post, email=row["email"], text=row["text"], name=row["name"], url=row["website"])
                times.append((time.perf_counter() - start) * 1000)
            queries = max(queries, len(captured))
        print(
            f"\nOne decision (history, spam score, rules): median {statistics.median(times):.2f} ms, "
            f"at most {queries} queries ({len(sample)} comments)."
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
