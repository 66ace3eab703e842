"""The Markdown record's sections about the meeting itself.

The header (client, when, how long it ran, contract close), the health check, attendees and
their roles, the agenda with planned and actual minutes, the Five Questions and First Value.
"""

from __future__ import annotations

from kickoff_tui.core.checks import FIVE_QUESTIONS  # one list for checks, views and exports
from kickoff_tui.core.export.markdown_escape import escape_cell, escape_inline, table
from kickoff_tui.core.export.markdown_format import (
    days,
    hm,
    iso_date,
    local,
    local_datetime,
    minutes,
    span,
)
from kickoff_tui.core.export.markdown_page import INTERNAL, NONE_CAPTURED, Page
from kickoff_tui.core.readmodel import Answer
from kickoff_tui.core.vocab import Side

_SEVERITY_RANK = {"blocking": 0, "warning": 1}


def header(p: Page) -> None:
    m = p.meeting
    p.out.append("# " + (escape_inline(m.title) or "Kickoff record"))
    p.out.append("")
    end = p.start.add(minutes=m.planned_minutes)
    fields = [
        ("Client", escape_inline(m.client)),
        ("When", f"{span(p.start, end, p.tz)}, {m.planned_minutes} min"),
    ]
    clock = p.clock
    if clock.started_at is not None:
        ran_to = clock.ended_at
        began = local(clock.started_at, p.tz)
        if ran_to is not None:
            ended = local(ran_to, p.tz)
            took = minutes(clock.elapsed_s)
            ran = f"{hm(began)}–{hm(ended)} {ended.tzname()}, {took} min"
        else:
            ran = f"started {hm(began)} {began.tzname()}, still running"
        fields.append(("Ran", ran))
    fields += [
        ("Template", escape_inline(m.template)),
        ("Status", escape_inline(m.status)),
        ("Meeting id", escape_inline(m.id)),
    ]
    if p.rec.purpose:
        fields.append(("Purpose", p.fact(p.rec.purpose)))
    if m.contract_close is not None:
        gap = p.start.date().toordinal() - m.contract_close.toordinal()
        when = "before" if gap >= 0 else "after"
        fields.append(
            ("Contract closed", f"{iso_date(m.contract_close)}, {days(gap)} {when} the kickoff")
        )
    if m.after_id:
        fields.append(("Follows", escape_inline(m.after_id)))
    if m.invited_at is not None:
        fields.append(("Invitation written", local_datetime(m.invited_at, p.tz)))
    if m.briefed_at is not None:
        fields.append(("Internal brief written", local_datetime(m.briefed_at, p.tz)))
    # Exporting is not sending: only `kickoff sent` is called "sent".
    if m.followthrough_exported_at is not None:
        fields.append(
            ("Follow-through exported", local_datetime(m.followthrough_exported_at, p.tz))
        )
    if m.followthrough_sent_at is not None:
        fields.append(("Follow-through sent", local_datetime(m.followthrough_sent_at, p.tz)))
    p.lines(f"- **{label}:** {value}" for label, value in fields)


def health(p: Page) -> None:
    p.section("Health check")
    findings = list(p.findings or ())
    if not findings:
        p.out.append("No findings.")
        return
    ordered = sorted(
        enumerate(findings),
        key=lambda f: (_SEVERITY_RANK.get(str(getattr(f[1], "severity", "")), 2), f[0]),
    )
    blocking = sum(1 for f in findings if getattr(f, "severity", None) == "blocking")
    p.out.append(f"{blocking} blocking, {len(findings) - blocking} other.")
    p.out.append("")
    p.lines(
        table(
            ("Severity", "Check", "Problem", "Fix"),
            (
                (
                    escape_cell(str(getattr(f, "severity", ""))),
                    escape_cell(str(getattr(f, "id", ""))),
                    escape_cell(str(getattr(f, "message", ""))),
                    escape_cell(str(getattr(f, "fix", "") or "")),
                )
                for _, f in ordered
            ),
        )
    )


def attendees(p: Page) -> None:
    p.section("Attendees and roles")
    people = sorted(
        p.rec.people,
        key=lambda a: (0 if a.side is Side.OURS else 1, a.row_id),
    )
    if not people:
        p.none()
        return
    p.lines(
        table(
            ("Name", "Side", "Title", "Roles", "Present"),
            (
                (
                    escape_cell(a.name),
                    a.side.value,
                    escape_cell(a.title) + (" " + INTERNAL if a.title_internal else ""),
                    escape_cell(", ".join(a.roles)),
                    "yes" if a.present else "no",
                )
                for a in people
            ),
        )
    )


def agenda(p: Page) -> None:
    p.section("Agenda")
    blocks = list(p.rec.blocks)
    if not blocks:
        p.none()
        return
    rows: list[tuple[str | None, ...]] = []
    planned_total = actual_total = extra_total = replanned_total = 0.0
    replanned_any = False
    for b in blocks:
        bt = p.clock.blocks.get(b.id)
        # Planned: as agreed before the meeting. Replanned: what the meeting changed it to (a
        # rebalance works in seconds; shown to a tenth of a minute). Actual: what it ran.
        planned = str(b.planned_minutes)
        replanned = ""
        if b.replanned_seconds is not None and b.replanned_seconds != b.planned_minutes * 60:
            replanned = minutes(b.replanned_seconds)
            replanned_any = True
        actual = ""
        if bt is not None:
            if bt.extra_s:
                replanned = f"{replanned or planned} (+{minutes(bt.extra_s)})"
                extra_total += bt.extra_s
                replanned_any = True
            if bt.started:
                actual = minutes(bt.elapsed_s)
                actual_total += bt.elapsed_s
        planned_total += b.planned_minutes
        replanned_total += b.planned_seconds
        status = escape_cell(b.status)
        rows.append(
            (str(b.position + 1), escape_cell(b.title), escape_cell(b.kind),
             escape_cell(b.presenter), planned, replanned, actual, status)
        )  # fmt: skip
    total_replanned = ""
    if replanned_any:
        total_replanned = minutes(replanned_total)
        if extra_total:
            total_replanned += f" (+{minutes(extra_total)})"
        total_replanned = f"**{total_replanned}**"
    rows.append(
        (None, "**Total**", None, None, f"**{int(planned_total)}**", total_replanned,
         f"**{minutes(actual_total)}**" if p.clock.started else "", None)
    )  # fmt: skip
    p.lines(
        table(
            ("#", "Block", "Kind", "Presenter", "Planned min", "Replanned min", "Actual min",
             "Status"),
            rows,
        )
    )  # fmt: skip
    box = p.meeting.planned_minutes
    over = int(planned_total) - box
    notes = []
    if over > 0:
        notes.append(
            f"**Over the time box:** the blocks plan {int(planned_total)} min, "
            f"{over} more than the {box}-minute time box."
        )
    running = p.clock.current
    if p.clock.started and not p.clock.ended and running is not None:
        t = local(p.clock.now, p.tz)
        source = "" if p.now_given else " (the last timer event)"
        notes.append(
            f"The meeting is still running; actual minutes are as of {hm(t)} {t.tzname()}{source}."
        )
    for note in notes:
        p.out.append("")
        p.out.append(note)


def five_questions(p: Page) -> None:
    p.section("Five Questions")
    by_question: dict[int, list[Answer]] = {}
    for answer in p.rec.answers:
        by_question.setdefault(answer.question, []).append(answer)
    present = [a for a in p.rec.people if a.present]
    for number, question in enumerate(FIVE_QUESTIONS, start=1):
        p.section(f"{number}. {question}", level=3)
        answers = by_question.get(number, [])
        # The most senior person answers last; otherwise in the order captured.
        answers.sort(key=lambda a: a.person.seniority if a.person else 0)
        if answers:
            rows = []
            for ans in answers:
                who = ans.person
                rows.append(
                    (
                        escape_cell(who.name) if who else f"attendee {ans.attendee_id}",
                        who.side.value if who else "",
                        escape_cell(ans.text),
                    )
                )
            p.lines(table(("Attendee", "Side", "Answer"), rows))
        else:
            p.none()
        answered = {a.attendee_id for a in answers}
        missing = [a for a in present if a.row_id not in answered]
        if answers and missing:
            p.out.append("")
            names = ", ".join(escape_inline(a.name) for a in missing)
            p.out.append(f"Not answered by: {names}.")


def first_value(p: Page) -> None:
    p.section("First Value and next meeting")
    fv = p.rec.first_value
    mark = " " + INTERNAL if fv.internal else ""
    goal = escape_inline(fv.goal) + mark if fv.goal else NONE_CAPTURED
    if fv.date is not None:
        gap = fv.date.toordinal() - p.start.date().toordinal()
        when = "after" if gap >= 0 else "before"
        fv_date = f"{iso_date(fv.date)}, {days(gap)} {when} the kickoff{mark}"
    else:
        fv_date = NONE_CAPTURED
    nm = p.rec.next_meeting
    if nm is not None:
        next_meeting = f"{local_datetime(nm.start_utc, p.tz)}, {nm.minutes} min"
        next_meeting += " " + INTERNAL if nm.internal else ""
    else:
        next_meeting = NONE_CAPTURED
    cadence = p.fact(p.rec.cadence) or NONE_CAPTURED
    p.lines(
        [
            f"- **First Value goal:** {goal}",
            f"- **First Value date:** {fv_date}",
            f"- **Next meeting:** {next_meeting}",
            f"- **Cadence:** {cadence}",
        ]
    )
