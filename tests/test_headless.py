"""What the import contracts (`lint-imports`, pyproject.toml) cannot see.

import-linter reads import statements, lazy ones inside functions included, and knows modules,
not names. These tests check what a real interpreter loads (the parent packages' ``__init__``
included, and only what runs, so a lazy import stays lazy), and which names the UI takes from the
core: the CLI's headless commands stay fast and UI-free.
"""

import ast
import subprocess
import sys
from pathlib import Path

import kickoff_tui.tui


def test_core_imports_no_textual():
    code = (
        "import sys, pkgutil, importlib, kickoff_tui.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'kickoff_tui.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "import kickoff_tui.cli\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_peek_imports_no_sqlalchemy():
    """The first frame's fast path must not pay for SQLAlchemy."""
    code = (
        "import sys, kickoff_tui.core.peek\n"
        "assert 'sqlalchemy' not in sys.modules and 'sqlmodel' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_ui_takes_only_public_names_from_the_core():
    """The UI's "public core": any core module, but only names without a leading underscore."""
    bad = []
    for path in sorted(Path(kickoff_tui.tui.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "kickoff_tui.core"
            ):
                bad += [
                    f"{path.name}:{node.lineno} {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert not bad, bad
