"""The follow-through pack: every export of one meeting, rendered and written in one go.

=======  =========================  ===========================================================
format   file                       what it is
=======  =========================  ===========================================================
md       ``<id>.md``                the full internal record (internal items included) + health
                                    findings; keep it in-house
email    ``<id>-email.txt``         the follow-through email, client-safe (no internal items)
csv      ``<id>-actions.csv``       the action log (RFC 4180, CRLF, UTF-8), no internal items
ics      ``<id>.ics``               next-meeting invite + dated actions and First Value to-dos
json     ``<id>-crm.json``          CRM fields and play measures (schema ``kickoff-crm/1``)
=======  =========================  ===========================================================

Rendering depends only on the record and the ``now`` passed in (no wall clock), so the same
record gives the same bytes. Files are written atomically and private to the user (0600):
meeting notes are confidential. :func:`export_and_record` also stamps the meeting's
``followthrough_exported_at`` — the *first* export's time is kept, because the 24-hour measure
asks when the follow-through first went out, not when it was last regenerated.

Headless: imports no Textual.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import pendulum

from kickoff_tui.core.checks import run_checks
from kickoff_tui.core.errors import InputError, StoreError
from kickoff_tui.core.record import Snapshot, load_snapshot, mark_followthrough
from kickoff_tui.core.store import Store

FORMATS: tuple[str, ...] = ("md", "email", "csv", "ics", "json")
SUFFIXES: dict[str, str] = {
    "md": ".md",
    "email": "-email.txt",
    "csv": "-actions.csv",
    "ics": ".ics",
    "json": "-crm.json",
}


def filename(meeting_id: str, fmt: str) -> str:
    """``<meeting-id><suffix>`` for ``fmt``."""
    _check_format(fmt)
    return meeting_id + SUFFIXES[fmt]


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError(f"unknown export format '{fmt}' — use one of: {', '.join(FORMATS)}")


def render(snap: Snapshot, fmt: str, now: pendulum.DateTime) -> bytes:
    """One export of the meeting as bytes (UTF-8 text, or iCalendar bytes)."""
    _check_format(fmt)
    if fmt == "md":
        from kickoff_tui.core.export.markdown import render_markdown

        return render_markdown(snap, now=now, findings=run_checks(snap, now)).encode("utf-8")
    if fmt == "email":
        from kickoff_tui.core.export.email import render_email

        return render_email(snap).encode("utf-8")
    if fmt == "csv":
        from kickoff_tui.core.export.csv_actions import render_csv

        return render_csv(snap).encode("utf-8")
    if fmt == "ics":
        from kickoff_tui.core.export.ics import render_ics

        return render_ics(snap)
    from kickoff_tui.core.export.crm import render_crm

    data = render_crm(snap, run_checks(snap, now), now=now)
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file + rename), mode 0600."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def export_all(snap: Snapshot, directory: Path, now: pendulum.DateTime) -> list[Path]:
    """Render every format first, then write them all to ``directory``; return the paths.

    Rendering everything before writing anything means a render error leaves no half pack.
    """
    directory = Path(directory)
    rendered = [(filename(snap.meeting.id, fmt), render(snap, fmt, now)) for fmt in FORMATS]
    try:
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, data in rendered:
            path = directory / name
            _write_private(path, data)
            paths.append(path)
    except OSError as exc:
        raise StoreError(
            f"cannot write the export to {directory}: {exc.strerror or exc} — choose a "
            "writable folder"
        ) from None
    return paths


def export_and_record(
    store: Store, meeting_id: str, directory: Path, now: pendulum.DateTime
) -> list[Path]:
    """Export the pack and record when the follow-through first went out (for the 24-h check)."""
    snap = load_snapshot(store, meeting_id)
    paths = export_all(snap, directory, now)
    mark_followthrough(store, meeting_id, now)  # the earliest time wins, in one transaction
    return paths
