"""The follow-through pack: every export of one meeting, rendered and written in one go.

=======  =========================  ===========================================================
format   file                       what it is
=======  =========================  ===========================================================
md       ``<id>.md``                the full internal record (internal items and facts included,
                                    marked) + health findings; keep it in-house
email    ``<id>-email.txt``         the follow-through email                         (client)
csv      ``<id>-actions.csv``       actions, risks, questions, milestones for a project tool's
                                    import (RFC 4180, CRLF, UTF-8 with BOM)          (client)
ics      ``<id>.ics``               next-meeting invite + dated actions and First Value to-dos
                                                                                     (client)
json     ``<id>-crm.json``          CRM fields and play measures (``schema_version`` 2, JSON
                                    Schema in ``kickoff_tui/data/schemas``)         (client)
html     ``<id>.html``              the ``kickoff share`` page as one self-contained file
                                    (agenda, decisions, actions, questions, scope)  (client)
=======  =========================  ===========================================================

The record is built once (``readmodel.build_record``); the Markdown renders it whole, and every
output marked (client) renders ``readmodel.client_view`` of it — the one rule for what a client
may see — so an internal item or fact cannot reach them.

No export holds a control character (issue 9): every text of the record is scrubbed before
rendering (:func:`safe_snapshot` on the stored rows, :func:`scrub_record` on a record given
whole; rows stored by versions before ``core/text.py`` may hold ESC, NUL or C1 bytes) and every
rendered file once more (``text.scrub_output``), so ``cat`` of an export cannot retitle or
recolour a terminal, and a CSV cell cannot hide a formula behind a control character. Line ends
are the only characters below 0x20 left (CRLF in the CSV and the calendar), and the CSV's
leading byte-order mark the only BOM.

Rendering depends only on the record and the ``now`` passed in (no wall clock), so the same
record gives the same bytes. The pack is written whole or not at all, private to the user
(files 0600, folder 0700; see ``core/files.py``): meeting notes are confidential.
:func:`export_and_record` also stamps the meeting's ``followthrough_exported_at`` — the *first*
export's time is kept, because the 24-hour measure asks when the follow-through first went out,
not when it was last regenerated.

Headless: imports no Textual.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, TypeVar

import pendulum

from kickoff_tui.core.checks import run_checks
from kickoff_tui.core.errors import InputError
from kickoff_tui.core.files import Written, write_pack
from kickoff_tui.core.readmodel import MeetingRecord, build_record, client_view
from kickoff_tui.core.record import Snapshot, load_snapshot, mark_followthrough
from kickoff_tui.core.store import Store
from kickoff_tui.core.text import has_controls, scrub, scrub_output

_Row = TypeVar("_Row")

FORMATS: tuple[str, ...] = ("md", "email", "csv", "ics", "json", "html")
SUFFIXES: dict[str, str] = {
    "md": ".md",
    "email": "-email.txt",
    "csv": "-actions.csv",
    "ics": ".ics",
    "json": "-crm.json",
    "html": ".html",
}


def filename(meeting_id: str, fmt: str) -> str:
    """``<meeting-id><suffix>`` for ``fmt``."""
    _check_format(fmt)
    return meeting_id + SUFFIXES[fmt]


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError(f"unknown export format '{fmt}' — use one of: {', '.join(FORMATS)}")


#: Formats rendered from the client view (``readmodel.client_view``), never the whole record.
CLIENT_FORMATS: tuple[str, ...] = ("email", "csv", "ics", "json", "html")


def _safe_row(row: _Row) -> _Row:
    """``row`` itself when no text column holds a control character, else a scrubbed copy (the
    row read from the store is never changed: it may still be in use elsewhere)."""
    values = getattr(row, "__dict__", {})  # the loaded columns, without the ORM's overhead
    dirty: dict[str, str] = {}
    if has_controls(" ".join([v for v in values.values() if type(v) is str])):  # one search
        dirty = {k: scrub(v) for k, v in values.items() if type(v) is str and has_controls(v)}
    prompts = values.get("prompts_json")  # a block's prompts: JSON may hide \u001b
    if isinstance(prompts, str) and "\\u" in prompts:
        decoded = json.loads(prompts)
        if any(isinstance(p, str) and has_controls(p) for p in decoded):
            dirty["prompts_json"] = json.dumps([scrub(p) for p in decoded])
    if not dirty:
        return row
    fields = getattr(type(row), "model_fields", None)
    if fields is None:  # not a table row: a plain object read like one
        return _scrub_value(row)  # type: ignore[no-any-return]
    return type(row)(**{**{name: getattr(row, name) for name in fields}, **dirty})


def safe_snapshot(snap: Snapshot) -> Snapshot:
    """The snapshot with every text column free of control characters (see the module doc).
    Every field of the snapshot, so a table added to it later is covered too."""
    changes: dict[str, object] = {}
    for f in dataclasses.fields(snap):
        value = getattr(snap, f.name)
        changes[f.name] = (
            [_safe_row(row) for row in value] if isinstance(value, list) else _safe_row(value)
        )
    return dataclasses.replace(snap, **changes)  # type: ignore[arg-type]


def _scrub_value(value: Any) -> Any:
    """``value`` with every string inside it scrubbed: frozen dataclasses, tuples and lists are
    rebuilt only where something changed (enums and other types are left as they are)."""
    kind = type(value)
    if kind is str:
        return scrub(value) if has_controls(value) else value
    if kind is tuple or kind is list:
        new = [_scrub_value(v) for v in value]
        return value if all(a is b for a, b in zip(new, value, strict=True)) else kind(new)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if f.init:
                old = getattr(value, f.name)
                if (new := _scrub_value(old)) is not old:
                    changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


def scrub_record(rec: MeetingRecord) -> MeetingRecord:
    """A record with every text in it free of control characters (for a record built
    elsewhere; from stored rows, :func:`safe_snapshot` first is cheaper)."""
    out: MeetingRecord = _scrub_value(rec)
    return out


def safe_record(source: Snapshot | MeetingRecord) -> MeetingRecord:
    """The record an export renders: every text in it free of control characters."""
    if isinstance(source, MeetingRecord):
        return scrub_record(source)
    return build_record(safe_snapshot(source))


def render(snap: Snapshot | MeetingRecord, fmt: str, now: pendulum.DateTime) -> bytes:
    """One export of the meeting as bytes (UTF-8 text, or iCalendar bytes), free of control
    characters but its line ends."""
    _check_format(fmt)
    return _render(safe_record(snap), fmt, now)


def _render(rec: MeetingRecord, fmt: str, now: pendulum.DateTime) -> bytes:
    """``render`` of a record already made safe."""
    findings = run_checks(rec, now)
    if fmt == "md":
        from kickoff_tui.core.export.markdown import render_markdown

        text = render_markdown(rec, now=now, findings=findings)
        return scrub_output(text).encode("utf-8")
    client = client_view(rec, findings, now)
    if fmt == "email":
        from kickoff_tui.core.export.email import render_email

        return scrub_output(render_email(client)).encode("utf-8")
    if fmt == "csv":
        from kickoff_tui.core.export.csv_actions import BOM, render_csv

        return (BOM + scrub_output(render_csv(client))).encode("utf-8")
    if fmt == "ics":
        from kickoff_tui.core.export.ics import render_ics

        return scrub_output(render_ics(client).decode("utf-8")).encode("utf-8")
    if fmt == "html":  # no health finding on a page meant for the client
        from kickoff_tui.core.export.html import client_agenda, render_html

        page = render_html(client_view(rec, (), now), client_agenda(rec, now))
        return scrub_output(page).encode("utf-8")
    from kickoff_tui.core.export.crm import render_crm

    data = render_crm(client, now=now)
    return scrub_output(json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def export_all(snap: Snapshot | MeetingRecord, directory: Path, now: pendulum.DateTime) -> Written:
    """Render every format first, then write them all to ``directory`` as one whole pack
    (see :func:`kickoff_tui.core.files.write_pack`); the result lists the paths (and notes
    about temp files an interrupted export had left)."""
    rec = safe_record(snap)
    rendered = [(filename(rec.meeting.id, fmt), _render(rec, fmt, now)) for fmt in FORMATS]
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
            mark_followthrough(store, meeting_id, now)  # the earliest time wins, in one transaction
    return written
