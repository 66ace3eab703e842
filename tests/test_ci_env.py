""".ci/run installs into an environment of its own (issue 16, point 9): running the tests never
reinstalls the app a person runs from the Quick start's .venv (a cockpit open in another
terminal crashed when they did).

The script runs for real, in a copy of the repository's layout, with a stand-in Python whose
`-m venv` makes stand-in tools that only write down how they were called."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FAKE_PY = """#!/bin/sh
# a stand-in python: `-m venv DIR` makes DIR/bin with tools that log their calls
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin"
    for tool in python ruff mypy lint-imports; do
        printf '#!/bin/sh\\necho "$0 $*" >> "%s"\\n' "$LOG" > "$3/bin/$tool"
        chmod +x "$3/bin/$tool"
    done
    echo "venv $3" >> "$LOG"
fi
"""


def run_ci(tmp_path: Path, **env: str) -> list[str]:
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", repo / ".ci" / "run")
    fake = tmp_path / "python3"
    fake.write_text(FAKE_PY)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "calls.log"
    full = {**os.environ, "PYTHON": str(fake), "LOG": str(log),
            "KICKOFF_TEST_PG_URL": "postgresql://unused", **env}  # fmt: skip
    subprocess.run(["sh", str(repo / ".ci" / "run"), "-k", "x"], cwd=tmp_path, env=full,
                   check=True, capture_output=True)  # fmt: skip
    return log.read_text().splitlines()


def test_ci_run_installs_and_tests_in_ci_venv_never_in_dot_venv(tmp_path):
    calls = run_ci(tmp_path)
    repo = tmp_path / "repo"
    assert not (repo / ".venv").exists()  # the Quick start's environment: never made or touched
    assert calls[0] == "venv .ci/.venv"
    assert (
        calls[1] == ".ci/.venv/bin/python -m pip install -q --disable-pip-version-check -e .[test]"
    )
    assert all(c.startswith(".ci/.venv/bin/") for c in calls[1:]), calls
    assert calls[-1].startswith(".ci/.venv/bin/python -m pytest") and calls[-1].endswith("-k x")


def test_an_existing_quick_start_venv_is_left_exactly_as_it_was(tmp_path):
    app = tmp_path / "repo" / ".venv" / "bin"
    app.mkdir(parents=True)
    (app / "kickoff").write_text("#!/bin/sh\n")
    before = sorted(p.name for p in app.iterdir())
    calls = run_ci(tmp_path)
    assert sorted(p.name for p in app.iterdir()) == before
    assert not any(".venv/bin" in c and ".ci/.venv" not in c for c in calls), calls
