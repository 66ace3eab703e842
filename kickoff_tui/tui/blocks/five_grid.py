"""The Five Questions view's text: who answered what, and the current question's answers.

Pure functions of (respondents, answers, pointer) so the view stays about keys and state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from kickoff_tui.core.checks import FIVE_QUESTIONS
from kickoff_tui.core.five import RANK_NAMES, implied_rank
from kickoff_tui.tui.blocks.fmt import OK, hang, heading, warn

if TYPE_CHECKING:
    from kickoff_tui.core.models import Attendee

Answers = dict[tuple[int, int], str]  # (attendee id, question) -> answer text


def short_name(name: str, width: int, order: list[Attendee]) -> str:
    """The full name if it fits, else the first name when nobody else shares it, else cut."""
    if len(name) <= width:
        return name
    first = name.split()[0] if name.split() else name
    firsts = [a.name.split()[0] for a in order if a.name.split()]
    if len(first) <= width and firsts.count(first) == 1:
        return first
    return name[: width - 1] + "…"


def seniority_tag(a: Attendee) -> str:
    """What makes a person senior: the number set on them, else their role or title."""
    return f"sen {a.seniority}" if a.seniority else RANK_NAMES.get(implied_rank(a), "")


def grid_text(
    order: list[Attendee], answers: Answers, question: int, who: int | None, width: int
) -> Text:
    """One row per respondent, in answer order, one column per question; ▶ marks the pointed
    person."""
    name_w = max(6, min(20, width - 13))  # 2 for ▶, 1 gap, 10 for the five cells
    t = Text()
    heading(t, "Who answered")
    t.append(" " * (name_w + 3))
    for q in range(1, 6):
        t.append(str(q), style="reverse bold" if q == question else "dim")
        t.append(" ")
    t.append("\n")
    for a in order:
        here = a.id == who
        name = short_name(a.name, name_w, order)
        t.append("▶ " if here else "  ", style="bold")
        t.append(name.ljust(name_w) + " ", style="bold" if here else "")
        for q in range(1, 6):
            done = (a.id or -1, q) in answers
            style = "reverse bold" if here and q == question else (OK if done else "dim")
            t.append("✓" if done else "·", style=style)
            t.append(" ")
        t.append("\n")
    if not order:
        warn(t, "no customer attendee present — person Lee Park, CTO side:them")
    else:
        t.append("least senior first, most senior last · J/K move ▶ later/earlier", style="dim")
    return t


def current_text(
    order: list[Attendee], answers: Answers, question: int, who: int | None, width: int
) -> Text:
    """The question in full, whom to ask, and every answer to it so far in their own words."""
    t = Text()
    t.append(f"Q{question} of 5", style="bold")
    pointed = next((a for a in order if a.id == who), None)
    if pointed is not None:
        t.append(" · ask ")
        t.append(pointed.name, style="bold cyan")
    t.append("\n")
    hang(t, Text(FIVE_QUESTIONS[question - 1], style="italic"), width, rest=0)
    if question == 4:
        t.append("answers are risks\n", style="yellow")
    for a in order:
        line = Text()
        line.append(a.name, style="bold")
        if tag := seniority_tag(a):  # why they answer where they do
            line.append(f" ({tag})", style="dim")
        line.append(": ")
        answer = answers.get((a.id or -1, question))
        line.append(answer or "—", style="" if answer else "dim")
        hang(t, line, width)
    t.rstrip()
    return t
