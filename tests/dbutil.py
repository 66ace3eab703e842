"""Helpers for the storage tests: a store's whole content, to prove it was left as it was, and
a copy of a seeded SQLite file, so a meeting built once serves every test that needs it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import MetaData, create_engine


def copy_sqlite(src: Path, dst: Path) -> str:
    """Copy a closed SQLite store (its WAL too, if one is left) to ``dst``; returns its URL.

    Each test gets its own copy to change as it likes; the seed is built once per session.
    """
    shutil.copy2(src, dst)
    for suffix in ("-wal",):
        extra = Path(str(src) + suffix)
        if extra.exists():
            shutil.copy2(extra, Path(str(dst) + suffix))
    return "sqlite:///" + str(dst)


def dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every table (any backend), sorted, by table name."""
    engine = create_engine(url)
    md = MetaData()
    md.reflect(engine)
    with engine.connect() as conn:
        out = {t.name: sorted(map(tuple, conn.execute(t.select())), key=repr)
               for t in md.sorted_tables}  # fmt: skip
    engine.dispose()
    return out


def write_raw(store, table, row_id: int, **values) -> None:
    """Set columns of one row behind the core's back, without core/text.py's cleaning: a row as
    a file written by an older kickoff-tui may hold it (a line break in an item, a control
    byte). The exports must still render such rows safely."""
    from sqlalchemy import update

    with store.engine.begin() as conn:
        conn.execute(update(table).where(table.id == row_id).values(**values))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``kickoff ARGS`` through click's runner (in this process; no KICKOFF_DB from outside)."""
    from click.testing import CliRunner

    from kickoff_tui.cli import main

    r = CliRunner(env={"KICKOFF_DB": None}).invoke(main, list(args), catch_exceptions=False)
    return subprocess.CompletedProcess(args, r.exit_code, r.stdout, r.stderr)


def mount_tmpfs(where: Path, size: str) -> bool:
    """Mount a tmpfs of ``size`` at ``where`` (root only): a small disk to fill up."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True)  # fmt: skip
    return done.returncode == 0


def fill_disk(where: Path) -> None:
    """Fill the file system under ``where`` (a small tmpfs) with a file named ``filler``."""
    fd = os.open(where / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 1024)
    except OSError:
        pass
    finally:
        os.close(fd)
