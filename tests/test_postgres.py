"""PostgreSQL only: credentials never printed, the password from PGPASSWORD or ~/.pgpass, and an
unreachable server as one clear line (exit 1)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.pgserver import PW_SECRET, PW_USER


def kickoff(*args: str, env: dict[str, str] | None = None):
    base = {k: v for k, v in os.environ.items() if k not in ("KICKOFF_DB", "PGPASSWORD")}
    return subprocess.run([sys.executable, "-m", "kickoff_tui.cli", *args], capture_output=True,
                          text=True, env={**base, **(env or {})}, timeout=60)  # fmt: skip


@pytest.fixture
def pw_db(pg_server):
    """A database owned by a role that must give its password over TCP."""
    if not getattr(pg_server, "local", False):
        pytest.skip("needs the tests' own PostgreSQL cluster (its password role)")
    name = pg_server.create_database(owner=PW_USER)
    yield pg_server, name
    pg_server.drop_database(name)


def test_password_from_the_url_pgpassword_or_pgpass_and_never_printed(pw_db, tmp_path):
    server, name = pw_db
    bare = server.url(name, user=PW_USER)  # no password in the URL
    with_pw = server.url(name, user=PW_USER, password=PW_SECRET)
    r = kickoff("new", "Acme Corp", "--db", with_pw, "--start", "2026-11-24T15:00", "--tz", "UTC")
    assert r.returncode == 0, r.stderr
    assert PW_SECRET not in r.stdout + r.stderr
    # From the environment, as libpq reads it.
    r = kickoff("list", "--db", bare, env={"PGPASSWORD": PW_SECRET})
    assert r.returncode == 0 and "acme-corp" in r.stdout, r.stderr
    # From ~/.pgpass (private to the user, as libpq demands).
    home = tmp_path / "home"
    home.mkdir()
    pgpass = home / ".pgpass"
    pgpass.write_text(f"127.0.0.1:{server.port}:{name}:{PW_USER}:{PW_SECRET}\n")
    pgpass.chmod(0o600)
    r = kickoff("list", "--db", bare, env={"HOME": str(home)})
    assert r.returncode == 0 and "acme-corp" in r.stdout, r.stderr
    # A wrong password: one line, exit 1, the URL shown masked, the password nowhere.
    wrong = server.url(name, user=PW_USER, password="not-" + PW_SECRET)
    r = kickoff("list", "--db", wrong)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "password authentication failed" in r.stderr
    assert f"{PW_USER}:***@127.0.0.1" in r.stderr and "not-" + PW_SECRET not in r.stderr
    # No password at all: the same clear line, pointing at PGPASSWORD / ~/.pgpass.
    r = kickoff("list", "--db", bare, env={"HOME": str(tmp_path)})
    assert r.returncode == 1 and "PGPASSWORD or ~/.pgpass" in r.stderr


@pytest.mark.slow  # four real processes, one waiting for a refused connection
def test_unreachable_server_is_one_masked_line():
    from tests.pgserver import free_port

    url = f"postgresql+psycopg://kickoff:{PW_SECRET}@127.0.0.1:{free_port()}/kickoff"
    r = kickoff("list", "--db", url)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith(
        "kickoff: error: cannot connect to postgresql+psycopg://kickoff:***@"
    )
    assert "check that the server is running" in r.stderr and PW_SECRET not in r.stderr
    bad_urls = ("mysql://u:p@h/db", "postgresql+nope://u:p@h/db", "postgresql://u:p@h:x/db")
    for bad, code in ((u, 2) for u in bad_urls):
        r = kickoff("list", "--db", bad)
        assert r.returncode == code and r.stderr.count("\n") == 1 and ":p@" not in r.stderr


def test_a_libpq_style_url_works(pg_url):
    """postgresql://... (no driver named) and postgres://... both mean psycopg."""
    plain = pg_url.replace("postgresql+psycopg://", "postgres://")
    r = kickoff("new", "Acme Corp", "--db", plain, "--start", "2026-11-24T15:00", "--tz", "UTC")
    assert r.returncode == 0, r.stderr
    r = kickoff("list", "--db", pg_url.replace("+psycopg", ""))
    assert "acme-corp-2026-11-24" in r.stdout, r.stderr


def test_the_same_commands_print_the_same_on_both_stores(pg_url, tmp_path):
    """Capture, attendees, checks, status and every export: byte for byte the same output.

    The commands run in this process (click's runner: the same code, arguments, exit codes,
    stdout and stderr); what is compared here is the two stores. The process boundary is what
    the subprocess tests around this one and tests/test_cli.py check.
    """
    from click.testing import CliRunner

    from kickoff_tui.cli import main

    runner = CliRunner(env={"KICKOFF_DB": None, "PGPASSWORD": None})
    script = [
        ("new", "Acme Corp", "--start", "2026-11-24T15:00", "--tz", "Europe/Berlin"),
        ("attendee", "acme", "Maria Lopez", "--role", "decision-maker", "--seniority", "9"),
        ("attendee", "acme", "Sam Patel", "--side", "ours", "--role", "primary-contact"),
        ("add", "acme", "action", "Send SOW @maria due:fri"),
        ("add", "acme", "risk", "SSO may slip sev:high @sam"),
        ("add", "acme", "decision", "Phase 1 is SSO only [bold]"),
        ("list",),
        ("check", "acme", "--json"),
        ("status", "acme"),
        *[("export", "acme", "--format", f) for f in ("md", "email", "csv", "ics", "json")],
    ]
    outputs = {}
    for name, url in (("sqlite", "sqlite:///" + str(tmp_path / "k.db")), ("postgresql", pg_url)):
        outputs[name] = []
        for args in script:
            r = runner.invoke(main, [*args, "--db", url], catch_exceptions=False)
            stdout = re.sub(r'"generated_at": "[^"]*"', '"generated_at": "…"', r.stdout)
            # Identities are made afresh in each store (a copy would keep them: test_identity).
            stdout = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}",
                            "<uid>", stdout)  # fmt: skip
            outputs[name].append((args[0], r.exit_code, stdout, r.stderr))
    for (cmd, *sq), (_, *pg) in zip(outputs["sqlite"], outputs["postgresql"], strict=True):
        assert pg == sq, cmd


def test_every_connection_has_timeouts_so_a_dead_link_never_holds_a_call(pg_url):
    """Connect, TCP keepalive / user timeout and server-side statement timeouts are set on
    every connection (issue 17.3); a stalled server is then shown by the cockpit's monitor."""
    from sqlalchemy import text

    from kickoff_tui.core.store import Store

    store = Store.open(pg_url)
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "30s"
            idle = conn.execute(text("SHOW idle_in_transaction_session_timeout")).scalar_one()
            assert idle == "2min"
            params = conn.connection.dbapi_connection.info.get_parameters()  # type: ignore[union-attr]
        assert params["connect_timeout"] == "3" and params["keepalives"] == "1"
        assert params["keepalives_idle"] == "5" and params["tcp_user_timeout"] == "10000"
    finally:
        store.close()
