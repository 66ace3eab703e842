"""The Five Questions flow (issue 16, point 2): an order from roles and titles when nobody set a
seniority, a pointer derived from the record so two terminals agree, Enter closing the line so a
`w` is never typed into an answer, `w` on an answer opening it to edit, and J/K changing the order
for everyone."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from conftest import START
from textual import events
from textual.pilot import Pilot

from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.five import answer_order, implied_rank, next_up, set_order
from kickoff_tui.core.record import add_attendee, create_meeting, load_snapshot
from kickoff_tui.core.store import Store
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.blocks.five_questions import FiveQuestionsView
from kickoff_tui.tui.screens.cockpit import CockpitScreen
from tests.live_util import settle

SIZE = (120, 40)


def person(pid: int, title: str = "", roles: str = "", seniority: int = 0) -> SimpleNamespace:
    return SimpleNamespace(id=pid, name=f"p{pid}", title=title, roles=roles, seniority=seniority)


def test_roles_and_titles_decide_when_nobody_set_a_seniority():
    people = [
        person(1, "CEO", "decision-maker"),
        person(2, "Analyst"),
        person(3, "VP Operations"),
        person(4, "Director of IT"),
        person(5, "COO", "executive-sponsor"),
        person(6, "Head of Finance"),
        person(7, "Chief Data Officer"),
    ]
    order = [p.id for p in answer_order(people)]
    # the rest, Director, Head, VP, C-level, decision-maker, executive sponsor (last)
    assert order == [2, 4, 6, 3, 7, 1, 5]
    assert implied_rank(person(8, "Project coordinator")) == 0  # "co…" is no C-level
    assert implied_rank(person(9, "CFO")) == implied_rank(person(10, "CTO")) > 0


def test_a_set_seniority_wins_over_titles():
    people = [person(1, "CEO"), person(2, "Analyst", seniority=5), person(3, "VP")]
    assert [p.id for p in answer_order(people)] == [3, 1, 2]


def test_next_up_is_the_lowest_open_question_least_senior_first():
    order = [person(1), person(2), person(3)]
    assert next_up(order, set()) == (1, 1)
    assert next_up(order, {(1, 1)}) == (1, 2)
    assert next_up(order, {(1, 1), (2, 1), (3, 1)}) == (2, 1)
    assert next_up(order, {(2, 1), (3, 1)}) == (1, 1)  # someone skipped is asked first
    assert next_up(order, {(p, q) for p in (1, 2, 3) for q in range(1, 6)}) is None


def play_meeting(store: Store):  # noqa: ANN201
    """A kickoff-play meeting where only titles and roles say who is senior."""
    m = create_meeting(store, "Acme Corp", get_template("kickoff-play"), START, "Europe/Berlin")
    add_attendee(store, m.id, "Maria Lopez", side="theirs", title="CEO", roles=["decision-maker"])
    add_attendee(store, m.id, "Dana Kim", side="theirs", title="VP Operations")
    add_attendee(store, m.id, "Li Wei", side="theirs", title="Analyst")
    add_attendee(store, m.id, "Sam Patel", side="ours", title="Engagement lead")
    return m


def test_set_order_writes_seniority_for_every_terminal(store):
    m = play_meeting(store)
    ids = {a.name: a.id for a in load_snapshot(store, m.id).attendees}
    set_order(store, m.id, [ids["Maria Lopez"], ids["Li Wei"], ids["Dana Kim"]], by="test")
    theirs = [a for a in load_snapshot(store, m.id).attendees if a.side == "theirs"]
    assert [a.name for a in answer_order(theirs)] == ["Maria Lopez", "Li Wei", "Dana Kim"]


def view(app: KickoffApp) -> FiveQuestionsView:
    screen = app.screen
    assert isinstance(screen, CockpitScreen)
    v = screen.block_view
    assert isinstance(v, FiveQuestionsView)
    return v


def pointed(app: KickoffApp) -> tuple[str, int] | None:
    t = view(app).answer_target
    return None if t is None else (t.attendee_name, t.question)


async def until(pilot: Pilot, condition, timeout: float = 10.0) -> None:  # noqa: ANN001
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, "condition not met in time"
        await pilot.pause(0.05)


async def open_five(pilot: Pilot) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, CockpitScreen)
    await until(pilot, lambda: screen.state.loaded and bool(screen.state.snap.blocks))
    block = next(b for b in screen.state.snap.blocks if b.kind == "five-questions")
    screen.show_block(block.id)
    await settle(pilot)
    await settle(pilot)


def burst(app: KickoffApp, text: str) -> None:
    """Every key of ``text`` queued at once, as a terminal delivers a paste or fast typing."""
    names = {" ": "space", "\r": "enter"}
    for ch in text:
        event = events.Key(names.get(ch, ch), ch)
        event.set_sender(app)
        app._driver.send_message(event)  # type: ignore[union-attr]


def answers(store: Store, mid: str) -> dict[tuple[str, int], str]:
    snap = load_snapshot(store, mid)
    names = {a.id: a.name for a in snap.attendees}
    return {(names[a.attendee_id], a.question): a.text for a in snap.answers}


@pytest.mark.slow
async def test_two_terminals_point_at_the_same_person_and_take_turns(db_url, store, clock):
    m = play_meeting(store)
    fac = KickoffApp(meeting_ref=m.id, store=Store.open(db_url), clock=clock, bell=False)
    note = KickoffApp(meeting_ref=m.id, store=Store.open(db_url), clock=clock, bell=False,
                      role="note-taker")  # fmt: skip
    async with fac.run_test(size=SIZE) as fp, note.run_test(size=SIZE) as np:
        await open_five(fp)
        await open_five(np)
        # Least senior first: the analyst, then the VP, then the CEO who decides.
        assert pointed(fac) == pointed(note) == ("Li Wei", 1)
        grid = str(view(fac).query_one("#grid").render())
        assert grid.index("Li Wei") < grid.index("Dana Kim") < grid.index("Maria Lopez")
        said = " ".join(str(view(fac).query_one("#current").render()).split())
        assert "Dana Kim (VP): —" in said and "Maria Lopez (decides): —" in said

        # The facilitator types two answers in one burst: each goes to its own person.
        burst(fac, "wKeep it simple\rwReliable month-end close\r")
        await until(fp, lambda: len(answers(store, m.id)) == 2)
        assert answers(store, m.id) == {
            ("Li Wei", 1): "Keep it simple",
            ("Dana Kim", 1): "Reliable month-end close",
        }
        # The note-taker's pointer follows the record: the CEO is next, on both terminals.
        await until(np, lambda: pointed(note) == ("Maria Lopez", 1))
        assert pointed(fac) == ("Maria Lopez", 1)

        # The note-taker answers for the CEO; the facilitator moves on to Q2.
        burst(note, "wA partner, not a vendor\r")
        await until(fp, lambda: pointed(fac) == ("Li Wei", 2))
        await until(np, lambda: pointed(note) == ("Li Wei", 2))
        assert answers(store, m.id)[("Maria Lopez", 1)] == "A partner, not a vendor"

        # J moves the pointed person later in the order, for both terminals.
        await fp.press("J")
        await until(np, lambda: [a.name for a in view(note)._order][:2] == ["Dana Kim", "Li Wei"])
        await until(fp, lambda: pointed(fac) == ("Dana Kim", 2))
        assert pointed(note) == ("Dana Kim", 2)
    assert answers(store, m.id)[("Li Wei", 1)] == "Keep it simple"  # nothing was overwritten
