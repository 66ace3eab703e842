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
record gives the same bytes. The pack is written whole or not at all, private to the user
(files 0600, folder 0700; see ``core/files.py``): meeting notes are confidential.
:func:`export_and_record` also stamps the meeting's ``followthrough_exported_at`` — the *first*
export's time is kept, because the 24-hour measure asks when the follow-through first went out,
not when it was last regenerated.

Headless: imports no Textual.
"""

from __future__ import annotations

import json
from pathlib import Path

import pendulum

from kickoff_tui.core.checks import run_checks
from kickoff_tui.core.errors import InputError
from kickoff_tui.core.files import Written, write_pack
from kickoff_tui.core.record import Snapshot, load_snapshot, update_meeting
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


def export_all(snap: Snapshot, directory: Path, now: pendulum.DateTime) -> Written:
    """Render every format first, then write them all to ``directory`` as one whole pack
    (see :func:`kickoff_tui.core.files.write_pack`); the result lists the paths (and notes
    about temp files an interrupted export had left)."""
    rendered = [(filename(snap.meeting.id, fmt), render(snap, fmt, now)) for fmt in FORMATS]
    return write_pack(Path(directory), rendered)


def export_and_record(
    store: Store, meeting_id: str, directory: Path, now: pendulum.DateTime
) -> Written:
    """Export the pack and record when the follow-through first went out (for the 24-h check).

    On a store opened read-only the pack is still written; the time is not recorded, and a
    note in the result says so."""
    snap = load_snapshot(store, meeting_id)
    written = export_all(snap, directory, now)
    sent = snap.meeting.followthrough_exported_at
    if sent is None or pendulum.instance(sent) > now:
        if getattr(store, "readonly", False):
            written.notes.append(
                "the store is read-only: the export time was not recorded (the 24-hour "
                "follow-through check will not see this export)"
            )
        else:
            update_meeting(store, meeting_id, followthrough_exported_at=now.in_timezone("UTC"))
    return written
