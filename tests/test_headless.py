"""The core never imports Textual: the CLI's headless commands stay fast and UI-free."""

import subprocess
import sys


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
