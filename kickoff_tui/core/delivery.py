"""Before and after the call, on paper: invitations, briefs and follow-through messages written
as files, and the times that say they went out (issue 11 parts 4 and 5).

Every file is written whole and private (``files.write_atomic``: temp file, fsync, rename,
0600) into a folder made private (0700) when it does not exist. Writing the customer invitation
records ``invited_at`` (the readiness gate's 48-hour check) and the internal brief
``briefed_at``, the first time only. Writing the follow-through messages records nothing:
``kickoff sent`` (:func:`mark_sent`) is the one thing that says they were sent.

Headless: imports no Textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pendulum

from kickoff_tui.core import files
from kickoff_tui.core.errors import StoreError
from kickoff_tui.core.meetings import get_meeting
from kickoff_tui.core.readmodel import ClientRecord, MeetingRecord, client_view
from kickoff_tui.core.store import Store


def safe_views(
    store: Store, meeting_id: str, now: pendulum.DateTime
) -> tuple[MeetingRecord, ClientRecord]:
    """The meeting's record (control characters scrubbed, as every export reads it) and its
    client view with the health findings."""
    from kickoff_tui.core.checks import run_checks
    from kickoff_tui.core.export.pack import safe_record
    from kickoff_tui.core.record import load_snapshot

    rec = safe_record(load_snapshot(store, meeting_id))
    return rec, client_view(rec, run_checks(rec, now), now)


def write_files(directory: Path, rendered: Sequence[tuple[str, bytes]]) -> files.Written:
    """Write each (name, bytes) into ``directory`` whole (see the module doc)."""
    files.check_target(directory, folder=True)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot make the folder {directory}: {exc.strerror} — choose another place; "
            "nothing was written"
        ) from None
    out = files.Written()
    for name, data in rendered:
        written = files.write_atomic(directory / name, data)
        out.paths += written.paths
        out.notes += written.notes
    return out


def write_followthrough(
    store: Store, meeting_id: str, directory: Path, now: pendulum.DateTime
) -> tuple[files.Written, list[str]]:
    """``kickoff mail``: the team recap and one message per owner, as ``.eml`` files."""
    from kickoff_tui.core.export.email import render_email
    from kickoff_tui.core.export.ics import render_ics
    from kickoff_tui.core.export.mail import build_outbox
    from kickoff_tui.core.text import scrub_output

    _, client = safe_views(store, meeting_id, now)
    recap = scrub_output(render_email(client))
    calendar = scrub_output(render_ics(client).decode("utf-8")).encode("utf-8")
    outbox = build_outbox(client, recap, calendar, now)
    return write_files(directory, outbox.files()), outbox.notes


def write_invitation(
    store: Store, meeting_id: str, directory: Path, now: pendulum.DateTime, *, internal: bool
) -> tuple[files.Written, list[str]]:
    """``kickoff invite``: the customer invitation (``.eml`` with the calendar request attached,
    and the ``.ics`` beside it), or with ``internal`` the brief for our side; records when it
    was first written (``invited_at`` / ``briefed_at``) for the readiness gate."""
    from kickoff_tui.core.export.invite import agenda, customer_invitation, internal_brief
    from kickoff_tui.core.export.mail import PLACEHOLDER_FROM, sender
    from kickoff_tui.core.handoff import load_prep
    from kickoff_tui.core.record import load_snapshot
    from kickoff_tui.core.text import scrub_output

    rec, client = safe_views(store, meeting_id, now)
    snap = load_snapshot(store, meeting_id, with_items=False)
    presenters = {
        int(b.id or 0): str(p) for b in snap.blocks if (p := getattr(b, "presenter", None))
    }
    lines = agenda(rec, presenters)
    notes: list[str] = []
    if sender(client) is None:
        notes.append(
            "nobody on our side has an email address: the message is From "
            f"{PLACEHOLDER_FROM} — add one (kickoff attendee … --email, or the handoff file)"
        )
    mid = rec.meeting.id
    if internal:
        brief = internal_brief(rec, client, lines, now)
        rendered = [(f"{mid}-brief.eml", brief.as_bytes())]
        if brief["To"] is None:
            notes.append("nobody on our side has an email address: the brief has no recipient")
    else:
        from email import policy

        msg, ics = customer_invitation(client, lines, load_prep(snap.meeting.prep).get(
            "pre_reads", []), now)  # fmt: skip
        calendar = scrub_output(ics.decode("utf-8")).encode("utf-8")
        rendered = [(f"{mid}-invite.eml", msg.as_bytes(policy=policy.SMTP)),
                    (f"{mid}-invite.ics", calendar)]  # fmt: skip
        missing = [p.name for p in client.people if not p.email]
        if missing:
            notes.append(f"no email for {', '.join(missing)}: not invited")
        if msg["To"] is None:
            notes.append("no customer attendee has an email address: the invitation has no To")
    written = write_files(directory, rendered)
    if getattr(store, "readonly", False):
        notes.append("the store is read-only: the time was not recorded for the readiness gate")
    else:
        stamp_invited(store, meeting_id, now, internal=internal)
    return written, notes


def mark_sent(
    store: Store, meeting_id: str, at: pendulum.DateTime, by: str = "cli"
) -> tuple[bool, pendulum.DateTime]:
    """Record that the follow-through was sent at ``at``: the first time is kept (the 24-hour
    measure asks when it first went out). Returns (recorded now?, the time on record)."""
    return _stamp(store, meeting_id, "followthrough_sent_at", at, by)


def _stamp(
    store: Store, meeting_id: str, column: str, at: pendulum.DateTime, by: str
) -> tuple[bool, pendulum.DateTime]:
    with store.write(by) as s:
        m = get_meeting(s, meeting_id, for_update=True)
        held = getattr(m, column)
        if held is not None:
            return False, pendulum.instance(held)
        setattr(m, column, at.in_timezone("UTC"))
        m.version += 1
        s.add(m)
    return True, at


def stamp_invited(store: Store, meeting_id: str, at: pendulum.DateTime, *, internal: bool,
                  by: str = "cli") -> tuple[bool, pendulum.DateTime]:  # fmt: skip
    """Record when the invitation (or, ``internal``, the brief) was first written."""
    return _stamp(store, meeting_id, "briefed_at" if internal else "invited_at", at, by)
