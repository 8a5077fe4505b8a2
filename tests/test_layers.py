"""The layers of DESIGN.md: images/ and blog/ at the bottom, comments/ above, content/ above both.

images/ imports none of the others (blog links to it: Post.cover, the image resolver);
blog/ imports neither comments nor content; comments/ may import blog, never content.
Read from the source (ast), so an import inside a function, or one that never runs in
the tests, counts as much as one at the top of a module. Migrations are left out: they
name other apps' models by string and are generated.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path, package):
    """(line, absolute module name) of each import in the file at `path` (in `package`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x, from ..comments import y
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if module:
                yield node.lineno, module
            else:  # from .. import comments (relative, up to the top): the names are modules
                yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.Call):
            # importlib.import_module("comments.x") and __import__("comments")
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield node.lineno, first.value


def imports_of(app, forbidden, *, root=ROOT):
    """["blog/x.py:12 imports comments.models", ...] for every import of a `forbidden` app."""
    found = []
    for path in sorted((root / app).rglob("*.py")):
        relative = path.relative_to(root)
        if "migrations" in relative.parts:
            continue
        package = ".".join(relative.parent.parts)  # what a relative import starts from
        for line, module in imported_modules(path, package):
            if module.split(".")[0] in forbidden:
                found.append(f"{relative}:{line} imports {module}")
    return sorted(set(found))


def test_blog_imports_neither_comments_nor_content():
    found = imports_of("blog", {"comments", "content", "suggestions", "subscriptions"})
    assert not found, "blog/ must not depend on the apps above it:\n" + "\n".join(found)


def test_suggestions_never_imports_comments_or_content():
    found = imports_of("suggestions", {"comments", "content"})
    assert not found, "suggestions/ sits on blog/ only:\n" + "\n".join(found)


def test_images_imports_no_other_app_of_ours():
    found = imports_of("images", {"blog", "comments", "content"})
    assert not found, "images/ must not depend on blog/, comments/ or content/:\n" + "\n".join(found)


def test_comments_never_imports_content():
    found = imports_of("comments", {"content", "subscriptions"})
    assert not found, "comments/ must not depend on content/:\n" + "\n".join(found)


def test_subscriptions_sits_above_blog_and_comments():
    """subscriptions/ may use blog/ and comments/; only it knows about itself (they tell it by signals)."""
    found = imports_of("subscriptions", {"content"})
    assert not found, "subscriptions/ must not depend on content/:\n" + "\n".join(found)


def test_the_check_sees_every_kind_of_import(tmp_path):
    app = tmp_path / "blog"
    (app / "sub").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "sub" / "__init__.py").write_text("from ...comments import moderation\nfrom ... import content\n")
    (app / "views.py").write_text(
        "import os\n"
        "from . import models\n"
        "def view():\n"
        "    from comments.models import State\n"
        "    import content.importers\n"
        "    importlib.import_module('comments.rules')\n"
    )
    (app / "migrations").mkdir()
    (app / "migrations" / "0001_initial.py").write_text("import comments\n")
    assert imports_of("blog", {"comments", "content"}, root=tmp_path) == [
        "blog/sub/__init__.py:1 imports comments",
        "blog/sub/__init__.py:2 imports content",
        "blog/views.py:4 imports comments.models",
        "blog/views.py:5 imports content.importers",
        "blog/views.py:6 imports comments.rules",
    ]
