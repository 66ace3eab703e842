"""A throwaway PostgreSQL cluster for the tests, made with the Debian (or any) server binaries.

``LocalPostgres.create()`` runs ``initdb`` into a fresh folder and starts the server on
127.0.0.1 on a free port (with its socket in that folder). PostgreSQL refuses to run as root, so
when we are root the folder is given to the ``postgres`` user and every server command runs
through ``runuser -u postgres --``. ``stop()`` stops it and removes the folder: nothing is left
running. Any failure raises :class:`PgUnavailable` with a one-line reason (the tests then skip).

Usable by hand too (for a benchmark)::

    .venv/bin/python tests/pgserver.py        # prints the URL, stops on Enter
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

USER = "kickoff"
#: A second role that must give a password over TCP (scram), for the credential tests.
PW_USER, PW_SECRET = "kickoff_pw", "s3cret-Pa55"


#: Stops a cluster whose owner died without stopping it (a killed test run): polls the owner's
#: pid once a second, then runs the stop command given and removes the folder.
_WATCHDOG = """
import os, shutil, subprocess, sys, time
owner, root, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
while True:
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        break
    except PermissionError:
        pass
    time.sleep(1)
subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
shutil.rmtree(root, ignore_errors=True)
"""


class PgUnavailable(Exception):
    """PostgreSQL cannot be used here; ``str()`` says why, in one line."""


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl (the newest Debian version, else on PATH)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalPostgres:
    def __init__(self, bindir: Path, root: Path, port: int, run_as: str | None) -> None:
        self.bindir, self.root, self.port, self.run_as = bindir, root, port, run_as
        self.data = root / "data"
        self.log = root / "server.log"
        self._names = itertools.count(1)
        self.running = False
        self.fast = True
        self._watchdog: subprocess.Popen[bytes] | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    @classmethod
    def create(cls, fast: bool = True) -> LocalPostgres:
        """initdb + start. ``fast`` turns fsync off (a throwaway test cluster, not a benchmark)."""
        bindir = find_bindir()
        if bindir is None:
            raise PgUnavailable(
                "no PostgreSQL server binaries (initdb, pg_ctl) on this machine "
                "— apt-get install postgresql, or set KICKOFF_TEST_PG_URL"
            )
        run_as = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise PgUnavailable(
                    "running as root and there is no 'postgres' user to run "
                    "the server as (PostgreSQL refuses root)"
                ) from None
            run_as = "postgres"
        root = Path(tempfile.mkdtemp(prefix="kickoff-pg-"))
        if run_as:
            info = pwd.getpwnam(run_as)
            os.chown(root, info.pw_uid, info.pw_gid)
        server = cls(bindir, root, free_port(), run_as)
        try:
            server._initdb()
            for attempt in range(3):
                try:
                    server.start(fast=fast)
                    break
                except PgUnavailable:
                    # Another process (a parallel test worker) took the free port first.
                    if attempt == 2 or "already in use" not in server.log_tail(5):
                        raise
                    server.port = free_port()
            server._add_password_role()
            server._watch(os.getpid())
        except BaseException:
            server.stop()
            raise
        return server

    def _command(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", self.run_as, "--", *cmd] if self.run_as else cmd

    def _watch(self, owner: int) -> None:
        """Have a small process stop this cluster if ``owner`` dies first (SIGKILL, SIGTERM):
        a killed run leaves no server behind. Its own session, so Ctrl-C reaches only pytest."""
        stop = self._command("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(owner), str(self.root), *stop],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip

    def _run(self, *args: str, timeout: float = 60) -> str:
        cmd = self._command(*args)
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  cwd=self.root, stdin=subprocess.DEVNULL)  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PgUnavailable(f"{args[0]} failed: {exc}") from None
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
            log = self.log_tail()
            raise PgUnavailable(f"{args[0]} failed: {tail[0]}" + (f" (log: {log})" if log else ""))
        return done.stdout

    def _initdb(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")  # fmt: skip
        hba = self.data / "pg_hba.conf"
        # The password role must authenticate over TCP; everyone else is trusted (a test cluster).
        hba.write_text(f"host all {PW_USER} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())

    def start(self, fast: bool | None = None) -> None:
        fast = self.fast = self.fast if fast is None else fast
        opts = f"-k {self.root} -p {self.port} -h 127.0.0.1 -c max_connections=300"
        if fast:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.log), "-w",
                  "-t", "30", "start")  # fmt: skip
        self.running = True

    def stop(self, remove: bool = True) -> None:
        if self.running:
            with contextlib.suppress(PgUnavailable):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate" if remove else "fast",
                          "-w", "stop")  # fmt: skip
            self.running = False
        if remove:
            if self._watchdog is not None:
                self._watchdog.kill()
                self._watchdog.wait()
                self._watchdog = None
            shutil.rmtree(self.root, ignore_errors=True)

    def restart(self) -> None:
        """Stop (fast: sessions are cut, as in a real restart) and start again, same port."""
        self.stop(remove=False)
        self.start()

    def pids(self) -> list[int]:
        """The postmaster and every server process it started (backends, writer, WAL…)."""
        master = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == master:
                children.append(int(stat.parent.name))
        return [master, *children]

    def freeze(self) -> list[int]:
        """Stop every server process with SIGSTOP: connections stay open and nothing answers
        (a hung server, not a dead one). Returns the pids for :meth:`thaw`."""
        pids = self.pids()
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        return pids

    def thaw(self, pids: list[int]) -> None:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def log_tail(self, lines: int = 1) -> str:
        try:
            return " | ".join(self.log.read_text().strip().splitlines()[-lines:])
        except OSError:
            return ""

    # -- databases ---------------------------------------------------------------------------
    def url(self, database: str = "postgres", user: str = USER, password: str | None = None) -> str:
        auth = f"{user}:{password}" if password else user
        return f"postgresql+psycopg://{auth}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres",
                             autocommit=True, connect_timeout=10) as conn:  # fmt: skip
            conn.execute(sql)  # type: ignore[arg-type]

    def _add_password_role(self) -> None:
        self._admin(f"CREATE ROLE {PW_USER} LOGIN CREATEDB PASSWORD '{PW_SECRET}'")

    def create_database(self, owner: str = USER) -> str:
        """A new empty database; returns its name."""
        name = f"kickoff_test_{os.getpid()}_{next(self._names)}"
        deadline = time.monotonic() + 10
        while True:
            try:
                self._admin(f"CREATE DATABASE {name} OWNER {owner} TEMPLATE template0")
                return name
            except Exception:
                # template0 busy a moment, or the server just restarting: try again briefly
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":  # pragma: no cover - a manual helper
    server = LocalPostgres.create(fast="--fast" in sys.argv)
    db = server.create_database()
    print(server.url(db), flush=True)
    try:
        input("PostgreSQL running; Enter stops it and removes its folder\n")
    finally:
        server.stop()


@contextlib.contextmanager
def local_server_or_none() -> Iterator[LocalPostgres | None]:
    """A throwaway local server for a benchmark, stopped afterwards; None (said on stdout)
    when there is none to start here."""
    try:
        server = LocalPostgres.create()
    except Exception as exc:  # PgUnavailable, or no driver
        print(f"[postgresql] skipped: {exc}")
        yield None
        return
    try:
        yield server
    finally:
        server.stop()
