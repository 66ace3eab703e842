"""Shared fixtures: a real SQLite file in tmp_path (or a PostgreSQL database), a fixed meeting,
a clock we can move."""

from __future__ import annotations

import contextlib
import inspect
import os
import shutil
import tempfile
from collections.abc import Iterator

import pendulum
import pytest

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.record import add_attendee, create_meeting
from kickoff_tui.core.store import Store

START = pendulum.datetime(2026, 11, 24, 15, 0, tz="Europe/Berlin")


class FakeClock:
    """An injectable clock: tests move time explicitly instead of sleeping."""

    def __init__(self, now: pendulum.DateTime) -> None:
        self.now = now.in_timezone("UTC")

    def __call__(self) -> pendulum.DateTime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now = self.now.add(**kwargs)


@pytest.fixture
def db_url(backend, tmp_path, request):
    """A SQLite file in tmp_path, or (where ``backend`` says so) a fresh PostgreSQL database."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return "sqlite:///" + str(tmp_path / "kickoff.db")


@pytest.fixture
def store(db_url):
    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture
def meeting(store):
    m = create_meeting(store, "Acme Corp", get_template("kickoff-90"), START, "Europe/Berlin")
    people = [
        ("Maria Lopez", "theirs", 9, ("decision-maker", "executive-sponsor")),
        ("Dana Kim", "theirs", 6, ("technical-owner",)),
        ("Sam Patel", "ours", 5, ("primary-contact",)),
    ]
    for name, side, seniority, roles in people:
        add_attendee(store, m.id, name, side=side, seniority=seniority, roles=roles)
    return m


def pytest_configure(config):
    """No test (nor a process it starts) writes drafts into the real user's state directory."""
    os.environ["KICKOFF_STATE_DIR"] = config._kickoff_state = tempfile.mkdtemp(prefix="ko-state-")


def pytest_unconfigure(config):
    shutil.rmtree(getattr(config, "_kickoff_state", ""), ignore_errors=True)


@pytest.fixture(autouse=True)
def state_dir(tmp_path_factory, monkeypatch):
    """Each test its own state directory (drafts of the capture line live there)."""
    path = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("KICKOFF_STATE_DIR", str(path))
    return path


@contextlib.contextmanager
def predictable_uids() -> Iterator[None]:
    """Identities made inside are predictable (``…-000000000001``, ``…-000000000002``…), so
    outputs that carry them (calendar UIDs, JSON ids, CSV ids) can be compared to goldens."""
    import itertools

    from kickoff_tui.core import models

    counter = itertools.count(1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(models, "new_uid", lambda: f"00000000-0000-4000-8000-{next(counter):012d}")
        yield


@pytest.fixture
def fixed_uids():
    """:func:`predictable_uids` for the whole test."""
    with predictable_uids():
        yield


@pytest.fixture
def clock():
    return FakeClock(START.subtract(minutes=5))


# ---------------------------------------------------------------------------------------------
# PostgreSQL: the storage tests also run against a real server (see tests/pgserver.py).
#
# A module opts in by overriding ``backend`` with ``params=["sqlite", "postgresql"]``; then
# ``db_url`` (and so ``store`` and ``meeting``) is a fresh PostgreSQL database per test. The
# server is a throwaway cluster started once per session on 127.0.0.1 and stopped at the end,
# or the server named by KICKOFF_TEST_PG_URL. Where neither works, the PostgreSQL tests are
# skipped with the reason, which the end of the run repeats.

PG_ENV = "KICKOFF_TEST_PG_URL"
_pg_report: dict[str, object] = {"ran": 0, "skipped": None, "where": None}


class ExternalPostgres:
    """A server we did not start (KICKOFF_TEST_PG_URL): databases are made and dropped on it."""

    local = False

    def __init__(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self.base = make_url(url).set(drivername="postgresql+psycopg")
        self._n = 0

    def _admin(self, sql: str) -> None:
        import psycopg

        u = self.base
        with psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password,
                             dbname=u.database or "postgres", autocommit=True) as conn:  # fmt: skip
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self) -> str:
        import os

        self._n += 1
        name = f"kickoff_test_{os.getpid()}_{self._n}"
        self._admin(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def url(self, database: str) -> str:
        return self.base.set(database=database).render_as_string(hide_password=False)


def _pg_skip(reason: str) -> None:
    _pg_report["skipped"] = reason
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (skips the test, with the reason, when there is none)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _pg_skip("the psycopg driver is not installed (pip install 'psycopg[binary]')")
    import os

    from kickoff_tui.core.store import mask_url
    from tests.pgserver import LocalPostgres, PgUnavailable

    external = os.environ.get(PG_ENV)
    if external:
        server = ExternalPostgres(external)
        try:
            server.drop_database(server.create_database())
        except Exception as exc:
            _pg_skip(f"{PG_ENV}={mask_url(external)} cannot be used: {' '.join(str(exc).split())}")
        _pg_report["where"] = mask_url(external)
        yield server
        return
    try:
        local = LocalPostgres.create()
    except PgUnavailable as exc:
        _pg_skip(str(exc))
    local.local = True  # type: ignore[attr-defined]
    _pg_report["where"] = f"a throwaway cluster on 127.0.0.1:{local.port} ({local.bindir})"
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty PostgreSQL database for this test, dropped afterwards."""
    name = pg_server.create_database()
    _pg_report["ran"] = int(_pg_report["ran"]) + 1  # type: ignore[call-overload]
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture
def backend():
    """Which store ``db_url`` gives; storage test modules override this with both."""
    return "sqlite"


# Under pytest-xdist every worker has its own session, so its own cluster (on its own free port;
# a shared one could not survive test_reconnect restarting it) and its own report. Each worker
# hands its report to the controller, which prints them all: a skip on any worker is shown.
_pg_reports: list[dict[str, object]] = []


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker
        workeroutput["kickoff_pg_report"] = dict(_pg_report)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    report = getattr(node, "workeroutput", {}).get("kickoff_pg_report")
    if report:
        _pg_reports.append(report)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    reports = _pg_reports or [_pg_report]
    skipped = sorted({str(r["skipped"]) for r in reports if r["skipped"]})
    for reason in skipped:
        terminalreporter.write_line(f"PostgreSQL tests SKIPPED: {reason}", yellow=True, bold=True)
    ran = sum(int(r["ran"]) for r in reports)  # type: ignore[call-overload]
    if ran:
        where = "; ".join(sorted({str(r["where"]) for r in reports if r["ran"]}))
        terminalreporter.write_line(f"PostgreSQL tests ran against {where} ({ran} test databases)")


# ---------------------------------------------------------------------------------------------
# Markers (registered in pyproject.toml). `pg` and `tui` follow from what a test uses, so a new
# test gets them without remembering; `slow` is written on the test, except in the files another
# branch is rewriting (test_cockpit*.py, test_reconnect.py), which are named here instead.
#   fast layer:  .venv/bin/python -m pytest -n 2 -m "not slow and not pg and not tui"
#   UI layer:    .venv/bin/python -m pytest -n 2 -m "tui and not slow and not pg"

SLOW_BY_NAME = {
    "test_cockpit.py": {
        "test_markup_looking_text_is_literal_everywhere",
        "test_opening_the_capture_line_does_not_accumulate_widgets",
    },
    "test_reconnect.py": {"test_simulated_outage_queues_everything_and_saves_it_once"},
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_pg = callspec is not None and callspec.params.get("backend") == "postgresql"
        uses_pg = any(f.startswith("pg_") or f.endswith("_pg") for f in item.fixturenames)
        if on_pg or uses_pg:
            item.add_marker(pytest.mark.pg)
        runs_app = inspect.iscoroutinefunction(getattr(item, "obj", None))  # Pilot tests
        if runs_app or "snap_compare" in item.fixturenames:
            item.add_marker(pytest.mark.tui)
        if getattr(item, "originalname", None) in SLOW_BY_NAME.get(item.path.name, ()):
            item.add_marker(pytest.mark.slow)
