"""A non-editable install must find the shipped agenda templates inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # builds the wheel, then imports it in a fresh process
def test_wheel_ships_templates_and_they_load(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    wheel = next(tmp_path.glob("kickoff_tui-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("kickoff_tui/data/agendas/")}
    assert {"kickoff-90.toml", "kickoff-play.toml", "onboarding-sop.toml", "four-areas.toml",
            "alignment-3h.toml", "check-in.toml", "first-week.toml"} <= shipped  # fmt: skip
    assert "kickoff_tui/data/handoff-example.toml" in names  # the README's handoff example
    assert "kickoff_tui/data/schemas/kickoff-crm.schema.json" in names  # the CRM JSON's contract
    assert "kickoff_tui/web/live.js" in names  # the share page's script
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    # -S skips site-packages' .pth files, so the editable checkout cannot answer for the wheel.
    deps = sysconfig.get_paths()["purelib"]
    code = (
        "import kickoff_tui.core.agenda as a, sys\n"
        f"assert a.__file__.startswith({str(unpacked)!r}), a.__file__\n"
        "print(sorted(a.load_templates(None)))\n"
        "import kickoff_tui.core.export.crm as c\n"
        "assert c.schema()['properties']['schema_version']['const'] == c.SCHEMA_VERSION\n"
        "import kickoff_tui.web.share as w\n"
        "assert b'EventSource' in w.live_script()\n"
        "import kickoff_tui.core.handoff as h\n"
        f"assert str(h.example_path()).startswith({str(unpacked)!r}), h.example_path()\n"
        "assert h.read_file(h.example_path()).people\n"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": f"{unpacked}:{deps}", "PATH": "/usr/bin:/bin"}, cwd=tmp_path,
    )  # fmt: skip
    assert "kickoff-90" in out.stdout and "alignment-3h" in out.stdout
