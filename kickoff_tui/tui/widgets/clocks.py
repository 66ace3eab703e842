"""The meeting clock and the block countdown, repainted from a computed MeetingTime."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from kickoff_tui.core.clock import MeetingTime, fmt_duration, fmt_local
from kickoff_tui.core.rows import zone

AMBER_S = 120


def fmt_wait(seconds: float) -> str:
    """How long until something, as people say it: "12:30", "1 day 3 h", "109 days"."""
    seconds = max(0.0, seconds)
    days, rest = divmod(int(seconds), 86400)
    if days >= 2:
        return f"{days} days"
    if days == 1:
        return f"1 day {rest // 3600} h"
    return fmt_duration(seconds)


def block_state(mt: MeetingTime) -> str:
    """ "ok", "amber" (2 minutes or less left) or "red" (over time) for the current block."""
    cur = mt.current
    if cur is None or mt.ended:
        return "ok"
    if cur.remaining_s <= 0:
        return "red"
    if cur.remaining_s <= AMBER_S:
        return "amber"
    return "ok"


class ClockBar(Static):
    DEFAULT_CSS = """
    ClockBar { height: 3; border: round $primary 40%; padding: 0 1; }
    ClockBar.-amber { border: heavy $warning; color: $warning; }
    ClockBar.-red { border: heavy $error; color: $error; }
    ClockBar.-short { height: 1; border: none; background: $primary 15%; }
    ClockBar.-short.-amber { background: $warning 30%; }
    ClockBar.-short.-red { background: $error 30%; }
    """

    def show(
        self, mt: MeetingTime, tz: str, block_title: str | None, readiness: str | None = None
    ) -> None:
        state = block_state(mt)
        self.set_class(state == "amber", "-amber")
        self.set_class(state == "red", "-red")
        t = Text(no_wrap=True, overflow="ellipsis")
        if not mt.started:
            start = fmt_local(mt.scheduled_start.in_timezone(zone(tz)))
            wait = (mt.scheduled_start - mt.now).total_seconds()
            t.append("Not started", style="bold")
            t.append(f" · scheduled {start}")
            if wait > 0:
                t.append(f" (in {fmt_wait(wait)})")
            t.append(" · press s to start")
            if readiness:  # the gate of `kickoff ready`, computed with the health checks
                t.append(f" · {readiness}", style="green" if readiness == "ready" else "yellow")
        elif mt.ended:
            end = fmt_local(mt.ended_at.in_timezone(zone(tz)), day=False) if mt.ended_at else ""
            t.append("Meeting ended", style="bold")
            t.append(f" at {end} · ran {fmt_duration(mt.elapsed_s)}")
        else:
            cur = mt.current
            if cur is not None:
                if cur.remaining_s >= 0:
                    t.append(f"{fmt_duration(cur.remaining_s)} left", style="bold")
                else:
                    t.append(f"OVERTIME +{fmt_duration(cur.overtime_s)}", style="bold")
                if block_title:
                    t.append(" in ")
                    t.append(block_title)
                if mt.paused:
                    t.append("  ⏸ PAUSED", style="bold reverse")
            else:
                t.append("Between blocks", style="bold")
            end = "?"
            if mt.projected_end is not None:
                end = fmt_local(mt.projected_end.in_timezone(zone(tz)), day=False)
            left = fmt_duration(max(0, mt.remaining_s))
            t.append(f"  │ meeting {fmt_duration(mt.elapsed_s)} · {left} left")
            t.append(f" · ends ~{end}")
            behind = mt.behind_s
            if behind >= 60:
                t.append(f" · {fmt_duration(behind)} behind", style="bold red")
            elif behind <= -60:
                t.append(f" · {fmt_duration(-behind)} ahead", style="green")
        signature = (t.plain, state)
        if signature != getattr(self, "_shown", None):  # repaint only when the text changes
            self._shown = signature
            self.update(t, layout=False)  # fixed height: no layout pass (once a second)
