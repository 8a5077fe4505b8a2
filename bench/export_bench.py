"""Importing a 50 MB export: dry run, import, rerun; wall time and peak memory of each.

Run: python bench/export_bench.py wordpress|blogger [POSTS] [--code DIR]

Writes the export with bench/make_export.py (default 14,600 posts, ~50 MB), makes a fresh
SQLite database in a temporary folder (migrate, one user "bench"), then runs, each as its own
process under /usr/bin/time -v: `import_* --dry-run`, `import_*` and `import_*` again (nothing
changes). Prints elapsed seconds, CPU seconds (user + system: what the run costs whatever
else shares the machine), peak resident memory (time's "Maximum resident set size") and the
summary's first lines. `--code DIR`: run the commands of another checkout (the
"before" figures: `git archive main | tar -x -C DIR`), with this checkout's generator.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def timed(args, env, cwd):
    result = subprocess.run(
        ["/usr/bin/time", "-v", PYTHON, *args], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-4000:])
        raise SystemExit(f"{args} failed")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    hours, minutes, seconds = (float(x or 0) for x in wall.groups())
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    cpu = sum(
        float(re.search(rf"{name} time \(seconds\): ([\d.]+)", result.stderr).group(1)) for name in ("User", "System")
    )
    return hours * 3600 + minutes * 60 + seconds, cpu, rss / 1024, result.stdout


def main():
    args = sys.argv[1:]
    code = HERE
    if "--code" in args:
        index = args.index("--code")
        code = Path(args[index + 1]).resolve()
        del args[index : index + 2]
    kind = args[0]
    posts = args[1] if len(args) > 1 else "14600"
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / f"{kind}.xml"
        subprocess.run([PYTHON, str(HERE / "bench" / "make_export.py"), kind, str(export), posts], check=True)
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_SECRET_KEY": "bench-only",
            "DJANGO_DEBUG": "",
            "PYTHONPATH": str(code),
        }
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], env=env, cwd=code, check=True)
        subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", "from django.contrib.auth.models import User; "
             "User.objects.create_user('bench', 'bench@example.com', 'x', is_staff=True)"],
            env=env, cwd=code, check=True,
        )  # fmt: skip
        size = export.stat().st_size / 1e6
        print(f"{kind} export: {posts} items, {size:.1f} MB; code: {code}")
        print("| run | wall s | CPU s (user + sys) | peak MB |")
        print("|---|---:|---:|---:|")
        outputs = []
        command = ["manage.py", f"import_{kind}", str(export), "--author", "bench"]
        for name, extra in (("dry run", ["--dry-run"]), ("import", []), ("rerun (nothing changed)", [])):
            seconds, cpu, peak, out = timed([*command, *extra], env, code)
            print(f"| {name} | {seconds:.1f} | {cpu:.1f} | {peak:.0f} |", flush=True)
            outputs.append((name, out))
        for name, out in outputs:
            print(f"{name}:\n  " + "\n  ".join(out.splitlines()[:4]))


if __name__ == "__main__":
    main()
