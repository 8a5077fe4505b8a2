"""Run every benchmark in bench/ and write their tables to docs/benchmarks.md.

Run: make bench   (or python bench/run_all.py). Each script runs in its own process and
prints Markdown; this adds the date, the machine (cores, memory) and the commands.
The machines are shared and noisy: the scripts report medians of repeated runs, and
compare side by side in the same run (e.g. our thread vs xtd's stock tag).
"""

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = [
    ("1. Comment threads, and posting one comment", "bench/comments_bench.py"),
    ("2 and 4. Throughput against gunicorn, and concurrent posting (PostgreSQL + Redis)", "bench/load_bench.py"),
    ("3. Growth: 100, 10,000 and 100,000 posts (PostgreSQL)", "bench/growth_bench.py"),
    ("Markdown rendering", "bench/markup_bench.py"),
    ("5. Posting, side by side with WordPress 6.1 (nginx + php-fpm + MariaDB)", "bench/post_bench.py"),
    ("6. The learning spam filter on a held-out corpus", "bench/spam_bench.py"),
    ("7. Lighthouse: home and a post, mobile and desktop", "bench/lighthouse_bench.py"),
    ("8. Suggested tags and Relevant Discussions (SQLite)", "bench/suggestions_bench.py"),
    ("9. Cache keys and Varnish: hit rates, purge latency, throughput (issue 15)", "bench/cache_bench.py"),
    ("10. Sending a post to 10,000 subscribers (database task backend)", "bench/subscriptions_bench.py"),
]


def memory():
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(meminfo.readline().split()[1])
        return f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown"


def main():
    env = {**os.environ, "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-not-secret")}
    sections, failed = [], []
    for title, script in SCRIPTS:
        print(f"== {title}: python {script}", flush=True)
        result = subprocess.run(  # noqa: S603 - our own scripts
            [sys.executable, script], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        table = "\n".join(line for line in result.stdout.splitlines() if not line.startswith("20"))
        print(table)
        if result.returncode:
            print(result.stderr[-2000:], file=sys.stderr)
            failed.append(script)
        sections.append(f"## {title}\n\n`python {script}` (exit {result.returncode})\n\n{table}\n")
    header = (
        "# Benchmarks\n\n"
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC with `make bench` on "
        f"{platform.machine()}, {os.cpu_count()} cores, {memory()} memory, Python {platform.python_version()}.\n"
        "Sections 1, 6 and Markdown on SQLite (in-process), sections 2 to 5 on PostgreSQL.\n"
        "Medians of repeated runs; compare ratios measured side by side, not absolute times across runs.\n\n"
        "Sections 2-5 need PostgreSQL on 127.0.0.1:5432 (databases `blog_load` and `blog_bench`, made\n"
        "afresh), Redis on 127.0.0.1:6379 and wrk (`apt-get install wrk`); section 5 also MariaDB and,\n"
        "installed by the script when root, Debian's wordpress, nginx and php-fpm. Section 7 needs npm and\n"
        "Chromium (`make bench` installs Lighthouse from bench/lighthouse/package-lock.json).\n"
        "`python bench/import_bench.py` (1,000 posts, 20,000 comments) and `python bench/explain.py`\n"
        "(query plans, with DATABASE_URL on PostgreSQL) run on their own.\n\n"
    )
    out = ROOT / "docs" / "benchmarks.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(header + "\n".join(sections))
    print(f"wrote {out.relative_to(ROOT)}")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
