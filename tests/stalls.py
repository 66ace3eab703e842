"""Real stalls of the shared store, for the stall tests and the stall benchmark.

* :class:`SqliteLock`: another process holds ``BEGIN EXCLUSIVE`` on the SQLite file: every write
  of ours waits out the busy timeout (5 s) and fails "database is locked" until it lets go.
* :class:`PgFreeze`: every process of a PostgreSQL server stopped with SIGSTOP: connections stay
  open and nothing answers, not even an error.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HOLDER = (
    "import sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "c.execute('BEGIN EXCLUSIVE')\n"
    "print('locked', flush=True)\n"
    "sys.stdin.readline()\n"
    "c.execute('ROLLBACK')\n"
)


class SqliteLock:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> SqliteLock:
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, self.path], text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "locked"
        return self

    def holding(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


class PgFreeze:
    def __init__(self, server: object) -> None:
        self.server = server
        self.pids: list[int] = []

    def __enter__(self) -> PgFreeze:
        self.pids = self.server.freeze()  # type: ignore[attr-defined]
        return self

    def holding(self) -> bool:
        """Whether the postmaster is still stopped (state T in /proc)."""
        stat = Path(f"/proc/{self.pids[0]}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] == "T"

    def __exit__(self, *exc: object) -> None:
        self.server.thaw(self.pids)  # type: ignore[attr-defined]
