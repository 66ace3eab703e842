"""The client-safe record as one HTML page: the ``kickoff share`` page and ``--format html``.

One renderer for both, so the live page and the file a client forwards cannot drift apart:
:func:`render_page` gives a whole, self-contained document (styles inline; no web font, no CDN,
no image: it opens offline, prints, and reads well on a phone and with a screen reader), and
:func:`render_main` the ``<main>`` element alone, which the live page swaps in when the record
changes.

Client-safe by construction: the content comes from a ``ClientRecord``
(``readmodel.client_view``: no internal item or fact, no mitigation, no note, and the page is
given no health finding), plus a :class:`ClientAgenda` — the agenda's block titles, planned
minutes and clocks, read from the blocks and timer events, which hold nothing else. Every user
text is escaped (``html.escape``): it is data, never markup.

The page shows the agenda (the current block and its clock), decisions, actions grouped by
owner with their due dates, open questions, scope, First Value and the next meeting. Times are
the meeting's own zone. The output depends only on the record and ``now`` (no wall clock).

Headless: imports no Textual.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

import pendulum

from kickoff_tui.core.clock import compute, fmt_duration
from kickoff_tui.core.readmodel import ClientItem, ClientRecord, MeetingRecord
from kickoff_tui.core.vocab import Kind

NO_OWNER = "Owner to be confirmed"


@dataclass(frozen=True)
class AgendaRow:
    position: int
    title: str
    minutes: int  # planned, extensions included
    state: str  # done / current / pending
    elapsed_s: int
    remaining_s: int  # negative once over time


@dataclass(frozen=True)
class ClientAgenda:
    """What the page shows of the agenda: block titles, minutes and clocks; nothing else."""

    rows: tuple[AgendaRow, ...]
    started: bool
    ended: bool
    paused: bool
    now: pendulum.DateTime

    @property
    def current(self) -> AgendaRow | None:
        return next((r for r in self.rows if r.state == "current"), None)

    def deadline(self) -> pendulum.DateTime | None:
        """When the running block's time is up (None when nothing runs): the page's clock
        counts down to it between two updates."""
        cur = self.current
        if cur is None or self.paused or self.ended:
            return None
        return self.now.add(seconds=cur.remaining_s)


def client_agenda(record: MeetingRecord, now: pendulum.DateTime) -> ClientAgenda:
    """The agenda of ``record`` as the client may see it, its clocks read at ``now``."""
    m = record.meeting
    mt = compute(record.blocks, record.events, m.start_utc, m.planned_minutes, now)
    rows = []
    for b in record.blocks:
        bt = mt.blocks[b.id]
        if b.id == mt.current_block_id and not mt.ended:
            state = "current"
        elif bt.ended or (bt.started and b.id != mt.current_block_id):
            state = "done"
        else:
            state = "pending"
        rows.append(
            AgendaRow(
                b.position,
                b.title,
                bt.budget_s // 60,
                state,
                int(bt.elapsed_s),
                int(bt.remaining_s),
            )  # fmt: skip
        )
    return ClientAgenda(tuple(rows), mt.started, mt.ended, mt.paused, now)


# --------------------------------------------------------------------------------------------
# Rendering


def _t(text: object) -> str:
    """User text as HTML text (``<``, ``&``, quotes escaped)."""
    return escape(str(text), quote=True)


@functools.lru_cache(maxsize=512)  # due dates repeat, and pendulum's format costs ~50 µs
def _date(d: dt.date | None) -> str:
    if d is None:
        return "no date yet"
    shown = pendulum.date(d.year, d.month, d.day).format("ddd D MMM YYYY")
    return f'<time datetime="{d.isoformat()}">{shown}</time>'


def _when(at: dt.datetime, tz: str) -> str:
    local = pendulum.instance(at).in_timezone(tz)
    shown = f"{local.format('ddd D MMM YYYY, HH:mm')} {local.tzname()}"
    return f'<time datetime="{local.isoformat()}">{_t(shown)}</time>'


def _section(ident: str, title: str, body: str, empty: str) -> str:
    inner = body or f'<p class="empty">{_t(empty)}</p>'
    return (
        f'<section id="{ident}" aria-labelledby="{ident}-h">\n'
        f'<h2 id="{ident}-h">{_t(title)}</h2>\n{inner}\n</section>'
    )


def _item_li(i: ClientItem, extra: str = "") -> str:
    done = ' class="done"' if not i.is_open else ""
    status = ' <span class="tag">done</span>' if not i.is_open else ""
    return (
        f'<li id="item-{_t(i.ident)}" data-number="{i.number}"{done}>'
        f'<span class="text">{_t(i.text)}</span>{extra}{status}</li>'
    )


def _ul(lis: Iterable[str]) -> str:
    lis = list(lis)
    return "<ul>\n" + "\n".join(lis) + "\n</ul>" if lis else ""


_TAGS = {"done": ' <span class="tag">done</span>', "current": ' <span class="tag">now</span>'}


def _agenda(agenda: ClientAgenda) -> str:
    if not agenda.rows:
        return _section("agenda", "Agenda", "", "No agenda blocks.")
    cur = agenda.current
    if agenda.ended:
        now_line = "The meeting has ended."
    elif cur is None:
        now_line = "Not started yet." if not agenda.started else "Between blocks."
    else:
        left = cur.remaining_s
        clock = fmt_duration(abs(left)) + (" over" if left < 0 else " left")
        deadline = agenda.deadline()
        data = (
            f' data-deadline="{int(deadline.timestamp() * 1000)}"' if deadline is not None else ""
        )
        paused = " (paused)" if agenda.paused else ""
        now_line = (
            f'Now: <strong>{_t(cur.title)}</strong> — <span class="clock"{data}>'
            f"{_t(clock)}</span>{paused}"
        )
    lis = []
    for r in agenda.rows:
        attrs = ' aria-current="step" class="current"' if r.state == "current" else (
            ' class="done"' if r.state == "done" else ""
        )  # fmt: skip
        state = _TAGS.get(r.state, "")
        lis.append(f'<li{attrs}>{_t(r.title)} <span class="min">{r.minutes} min</span>{state}</li>')
    body = (
        f'<p class="now" id="now">{now_line}</p>\n<ol class="agenda">\n'
        + "\n".join(lis)
        + "\n</ol>"
    )
    return _section("agenda", "Agenda", body, "")


def _owner_key(i: ClientItem) -> str:
    return i.owner_label or NO_OWNER


def _actions(rec: ClientRecord) -> str:
    actions = rec.items_of(Kind.ACTION.value)
    groups: dict[str, list[ClientItem]] = {}
    for i in actions:
        groups.setdefault(_owner_key(i), []).append(i)
    parts = []
    for owner in sorted(groups, key=lambda o: (o == NO_OWNER, o.casefold())):
        items = sorted(groups[owner], key=lambda i: (i.due is None, i.due or dt.date.max, i.number))
        side = items[0].side
        owes = f' <span class="side">({_t(side.owes)})</span>' if side is not None else ""
        lis = [_item_li(i, f' <span class="due">due {_date(i.due)}</span>') for i in items]
        parts.append(f'<h3 class="owner">{_t(owner)}{owes}</h3>\n{_ul(lis)}')
    return _section("actions", "Actions by owner", "\n".join(parts), "No actions yet.")


def _by(label: str, word: str) -> str:
    return f' <span class="by">({word} {_t(label)})</span>' if label else ""


def _decisions(rec: ClientRecord) -> str:
    lis = [_item_li(i, _by(i.decider_label, "by")) for i in rec.items_of(Kind.DECISION.value)]
    return _section("decisions", "Decisions", _ul(lis), "No decisions yet.")


def _questions(rec: ClientRecord) -> str:
    lis = [
        _item_li(i, _by(i.owner_label, "for"))
        for i in rec.items_of(Kind.QUESTION.value)
        if i.is_open
    ]
    return _section("questions", "Open questions", _ul(lis), "No open questions.")


def _scope(rec: ClientRecord) -> str:
    parts = []
    for kind, title in ((Kind.IN_SCOPE, "In scope"), (Kind.OUT_OF_SCOPE, "Out of scope")):
        lis = [_item_li(i) for i in rec.items_of(kind.value)]
        if lis:
            parts.append(f"<h3>{title}</h3>\n{_ul(lis)}")
    return _section("scope", "Scope", "\n".join(parts), "Scope not captured yet.")


def _first_value(rec: ClientRecord) -> str:
    fv = rec.first_value
    body = ""
    if fv is not None and (fv.goal or fv.date is not None):
        goal = _t(fv.goal) if fv.goal else "Goal to be agreed"
        body = f'<p><span class="text">{goal}</span> — by {_date(fv.date)}</p>'
    return _section("first-value", "First Value", body, "Not agreed yet.")


def _next(rec: ClientRecord) -> str:
    parts = []
    nm = rec.next_meeting
    if nm is not None:
        parts.append(f"<p>{_when(nm.start_utc, rec.meeting.tz)}, {nm.minutes} min</p>")
    if rec.cadence:
        parts.append(f'<p>Cadence: <span class="text">{_t(rec.cadence)}</span></p>')
    return _section("next", "Next meeting", "\n".join(parts), "Not scheduled yet.")


def render_main(rec: ClientRecord, agenda: ClientAgenda) -> str:
    """The ``<main>`` element: the record's sections (what the live page swaps in)."""
    m = rec.meeting
    purpose = f'<p class="purpose">{_t(rec.purpose)}</p>\n' if rec.purpose else ""
    sections = [
        _agenda(agenda), _decisions(rec), _actions(rec), _questions(rec), _scope(rec),
        _first_value(rec), _next(rec),
    ]  # fmt: skip
    head = (
        f"<header>\n<h1>{_t(m.title)}</h1>\n"
        f'<p class="meta">{_t(m.client)} · {_when(m.start_utc, m.tz)} · '
        f"{m.planned_minutes} min</p>\n"
        f"{purpose}</header>"
    )
    return '<main id="record">\n' + head + "\n" + "\n".join(sections) + "\n</main>"


STYLE = """
:root { color-scheme: light dark; --fg: #1b1f23; --bg: #fdfdfc; --muted: #5b636b;
  --accent: #0b5cad; --line: #d8dde2; --now: #fff3c4; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8eaed; --bg: #15191d; --muted: #a3acb5; --accent: #7fb6ff; --line: #2e363e;
    --now: #3a3110; } }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.45;
  color: var(--fg); background: var(--bg); -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 46rem; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0.2rem 0; }
h2 { font-size: 1.15rem; margin: 1.4rem 0 0.4rem; border-bottom: 1px solid var(--line);
  padding-bottom: 0.2rem; }
h3 { font-size: 1rem; margin: 0.8rem 0 0.2rem; }
.meta, .empty, .min, .by, .side, .due, footer { color: var(--muted); }
ul, ol { padding-left: 1.3rem; margin: 0.2rem 0; }
li { margin: 0.15rem 0; overflow-wrap: anywhere; }
li.done .text { text-decoration: line-through; }
.tag { font-size: 0.8em; border: 1px solid var(--line); border-radius: 0.3rem;
  padding: 0 0.3rem; color: var(--muted); }
ol.agenda li.current { background: var(--now); font-weight: 600; }
.now { font-size: 1.05rem; }
.clock { font-variant-numeric: tabular-nums; }
footer { font-size: 0.85rem; margin-top: 2rem; }
.live { font-size: 0.85rem; color: var(--muted); }
@media print { .live { display: none; } body { max-width: none; }
  a { color: inherit; } h2 { break-after: avoid; } li { break-inside: avoid; } }
"""


def render_page(
    rec: ClientRecord,
    agenda: ClientAgenda,
    *,
    live_script: str | None = None,
    footer: str = "",
    main: str | None = None,
) -> str:
    """A whole HTML document. ``live_script`` (a URL on the share server) adds the small
    script that keeps the page up to date; without it the page is one self-contained file.
    ``main`` is :func:`render_main` of the same record when the caller has it already."""
    m = rec.meeting
    live = ""
    script = ""
    if live_script is not None:
        live = '<p class="live" id="live" role="status" aria-live="polite">Live.</p>\n'
        script = f'<script src="{_t(live_script)}" defer></script>\n'
    stamp = agenda.now.in_timezone(m.tz).format("ddd D MMM YYYY, HH:mm")
    foot = _t(footer) if footer else f"As of {_t(stamp)}."
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_t(m.title)} — {_t(m.client)}</title>\n"
        f"<style>{STYLE}</style>\n{script}</head>\n<body>\n{live}"
        f"{main if main is not None else render_main(rec, agenda)}\n"
        f'<footer id="stamp">{foot}</footer>\n</body>\n</html>\n'
    )


def render_html(rec: ClientRecord, agenda: ClientAgenda) -> str:
    """The ``--format html`` file: the share page's content and styles, no script."""
    return render_page(rec, agenda)
