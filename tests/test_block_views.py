"""Pilot tests of the block views: each kind shows what its block captures, from stored rows.

Data goes in through the same core call the capture line makes (``entry.submit``), or by typing
into the capture line itself; the view's text is then read from its Statics' visuals, which is
exactly what is drawn (a ``str`` with markup would have lost its brackets there).
"""

from __future__ import annotations

import re
from contextlib import asynccontextmanager

import pytest
from conftest import START
from textual.pilot import Pilot
from textual.widgets import Static

from kickoff_tui.core import entry
from kickoff_tui.core.agenda import get_template
from kickoff_tui.core.models import Meeting
from kickoff_tui.core.record import (
    add_attendee,
    create_meeting,
    list_items,
    load_snapshot,
    update_item,
    update_meeting,
)
from kickoff_tui.core.store import Store
from kickoff_tui.tui.app import KickoffApp
from kickoff_tui.tui.blocks import VIEWS, BlockView
from kickoff_tui.tui.blocks.five_questions import FIVE_QUESTIONS, FiveQuestionsView
from kickoff_tui.tui.blocks.metrics import MetricsView
from kickoff_tui.tui.screens.cockpit import CockpitScreen
from kickoff_tui.tui.widgets.capture_line import CaptureLine
from kickoff_tui.tui.widgets.item_pane import ItemPane
from tests.live_util import settle

KINDS = (
    "introductions", "journey", "objectives", "scope", "plan", "roles", "communication",
    "success", "five-questions", "first-value", "risks", "next-steps", "readiness", "general",
)  # fmt: skip
TEMPLATES = ("kickoff-90", "kickoff-play", "onboarding-sop", "four-areas", "alignment-3h")


# --- helpers ---------------------------------------------------------------------------------


def meeting_from(store: Store, template: str) -> Meeting:
    """A meeting on ``template`` with the same three people as the ``meeting`` fixture."""
    m = create_meeting(store, "Acme Corp", get_template(template), START, "Europe/Berlin")
    people = [
        ("Maria Lopez", "theirs", 9, ("decision-maker", "executive-sponsor")),
        ("Dana Kim", "theirs", 6, ("technical-owner",)),
        ("Sam Patel", "ours", 5, ("primary-contact",)),
    ]
    for name, side, seniority, roles in people:
        add_attendee(store, m.id, name, side=side, seniority=seniority, roles=roles)
    return m


@asynccontextmanager
async def cockpit(store: Store, meeting: Meeting, clock, size=(120, 40)):  # noqa: ANN001
    app = KickoffApp(meeting_ref=meeting.id, store=store, clock=clock, bell=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CockpitScreen)
        yield pilot


def screen(pilot: Pilot) -> CockpitScreen:
    s = pilot.app.screen
    assert isinstance(s, CockpitScreen)
    return s


async def show(pilot: Pilot, kind: str) -> BlockView:
    """Show the first block of ``kind`` and return its view."""
    s = screen(pilot)
    block = next(b for b in s.state.snap.blocks if b.kind == kind)
    if s.viewing != block.id:  # the cockpit only ever switches to another block
        s.show_block(block.id)
    await settle(pilot)
    await settle(pilot)
    return view(pilot)


def view(pilot: Pilot) -> BlockView:
    v = screen(pilot).block_view
    assert v is not None
    return v


def text(v: BlockView) -> str:
    """What the view draws, one space between words (the views wrap with indents)."""
    shown = [str(s.visual) for s in v.query(Static) if s.display]
    return " ".join(" ".join(shown).split())


async def add(pilot: Pilot, line: str) -> None:
    """Save ``line`` as the capture line would, in the block shown, then let the feed run."""
    s = screen(pilot)
    entry.submit(
        pilot.app.store, s.state.snap.meeting, s.state.people, "", line,  # type: ignore[attr-defined]
        block_id=s.viewing, by="test",
    )  # fmt: skip
    await settle(pilot)


def keys(line: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in line]


async def type_line(pilot: Pilot, line: str) -> None:
    """Open the capture line with ':' and type ``line``, then Enter."""
    await pilot.press("colon")
    await pilot.press(*keys(line))
    await pilot.press("enter")
    await settle(pilot)


# --- registry --------------------------------------------------------------------------------


def test_every_kind_in_the_templates_has_a_view_with_its_own_hint():
    used = {b.kind for name in TEMPLATES for b in get_template(name).blocks}
    assert used <= set(KINDS)
    assert set(KINDS) <= set(VIEWS)
    assert VIEWS["objectives"] is VIEWS["success"] is MetricsView
    hints = {kind: VIEWS[kind].HINT for kind in KINDS}
    assert all(hints.values())
    assert hints["introductions"].startswith("person ")
    assert hints["five-questions"].startswith("w writes")


# --- one test per kind -----------------------------------------------------------------------


async def test_introductions_lists_attendees_and_purpose_literally(store, meeting, clock):
    update_meeting(store, meeting.id, purpose="Agree [bold]scope[/bold] and [/foo] owners")
    async with cockpit(store, meeting, clock) as pilot:
        v = await show(pilot, "introductions")
        t = text(v)
        assert "Purpose: Agree [bold]scope[/bold] and [/foo] owners" in t
        assert "Maria Lopez · sen 9" in t and "decision-maker, executive-sponsor" in t
        assert "Sam Patel" in t and "Our side (1)" in t and "Their side (2)" in t
        assert "Capture here: person Maria Lopez" in t

        await type_line(pilot, "person Lee [/foo] Park, todo [x] lead side:them role:tech sen:3")
        t = text(view(pilot))
        assert "Lee [/foo] Park · sen 3" in t and "todo [x] lead" in t
        assert "Their side (3)" in t

        await add(pilot, "absent @lee")
        assert "Lee [/foo] Park · sen 3 · ⚠ absent" in text(view(pilot))
        assert "3 of 4 present" in text(view(pilot))


@pytest.mark.parametrize("kind", ["objectives", "success"])
async def test_metrics_show_owner_date_and_flag_vague_ones(store, meeting, clock, kind):
    async with cockpit(store, meeting, clock) as pilot:
        await show(pilot, kind)
        assert "Metrics (0)" in text(view(pilot))
        await add(pilot, "metric Cut lead-to-close from 60 to 42 days due:2027-03-31 @maria")
        await add(pilot, "metric improve efficiency [bold]")
        t = text(view(pilot))
        assert "Metrics (2)" in t
        assert "• Cut lead-to-close from 60 to 42 days @Maria Lopez · 31 Mar 2027" in t
        assert "• improve efficiency [bold] ⚠ vague: no number and no date" in t
        assert t.count("vague:") == 1
        # Metrics are not repeated under "Also raised here".
        assert "Also raised here (0)" in t


async def test_scope_lists_in_and_out_and_flags_an_empty_out_list(store, meeting, clock):
    async with cockpit(store, meeting, clock) as pilot:
        await show(pilot, "scope")
        assert "nothing out of scope yet" in text(view(pilot))
        await type_line(pilot, "in-scope SSO [/foo] for all staff")
        await add(pilot, "out-of-scope Mobile app todo [x] (phase 2)")
        t = text(view(pilot))
        assert "In scope (1) • SSO [/foo] for all staff" in t
        assert "Out of scope (1) • Mobile app todo [x] (phase 2)" in t
        assert "nothing out of scope yet" not in t


async def test_plan_sorts_milestones_by_date_and_flags_undated(store, meeting, clock):
    async with cockpit(store, meeting, clock) as pilot:
        await show(pilot, "plan")
        await add(pilot, "milestone Pilot live due:2026-12-20")
        await add(pilot, "milestone Data migration")
        await add(pilot, "milestone API access granted due:+2w @dana")
        t = text(view(pilot))
        api = t.index("• Tue 8 Dec API access granted @Dana Kim")
        pilot_live = t.index("• Sun 20 Dec Pilot live")
        undated = t.index("• Data migration ⚠ no date")
        assert api < pilot_live < undated
        assert "1 without a date" in t


async def test_roles_grid_shows_holders_and_flags_critical_gaps(store, meeting, clock):
    async with cockpit(store, meeting, clock) as pilot:
        await show(pilot, "roles")
        t = text(view(pilot))
        assert "decision-maker * them Maria Lopez us ⚠ unassigned" in t
        assert "escalation-contact * them ⚠ unassigned us ⚠ unassigned" in t
        assert "champion them — us —" in t  # not critical: no flag
        assert "5 critical gaps" in t
        await type_line(pilot, "role escalation @dana")
        t = text(view(pilot))
        assert "escalation-contact * them Dana Kim us ⚠ unassigned" in t
        assert "4 critical gaps" in t


async def test_communication_shows_cadence_and_decisions_of_the_block(store, meeting, clock):
    async with cockpit(store, meeting, clock) as pilot:
        await show(pilot, "communication")
        assert "Cadence ⚠ not confirmed yet" in text(view(pilot))
        await add(pilot, "cadence Weekly [x] status, Tue 10:00, 30 min; Slack [/foo]")
        await add(pilot, "decision Status reports go to [bold]Dana[/bold] @maria")
        t = text(view(pilot))
        assert "Cadence Weekly [x] status, Tue 10:00, 30 min; Slack [/foo]" in t
        assert "Decisions in this block (1) • Status reports go to [bold]Dana[/bold]" in t


async def test_next_steps_splits_actions_by_side_and_shows_next_meeting(store, meeting, clock):
    async with cockpit(store, meeting, clock) as pilot:
        await show(pilot, "next-steps")
        assert "Next meeting: ⚠ not scheduled" in text(view(pilot))
        await add(pilot, "action Share sandbox creds @sam due:fri")
        await add(pilot, "action Send SSO checklist side:them @dana due:fri")
        await add(pilot, "action Book training [x]")
        await add(pilot, "question Who approves [/] change requests?")
        await add(pilot, "next fri 10:00")
        t = text(view(pilot))
        assert "Next meeting: Fri 27 Nov 2026 10:00 (Europe/Berlin)" in t
        assert "From us (1) • Share sandbox creds @Sam Patel · Fri 27 Nov" in t
        assert "From you (1) • Send SSO checklist @Dana Kim · Fri 27 Nov" in t
        assert "Side not set (1) • Book training [x] ⚠ no owner ⚠ no date" in t
        assert "Open questions (1) • Who approves [/] change requests?" in t


async def test_first_value_shows_goal_and_warns_past_two_weeks(store, clock):
    m = meeting_from(store, "kickoff-play")
    async with cockpit(store, m, clock) as pilot:
        await show(pilot, "first-value")
        assert "⚠ not defined yet" in text(view(pilot))
        await type_line(pilot, "first-value Dashboard [live] for ops due:Dec 4")
        t = text(view(pilot))
        assert "First Value Dashboard [live] for ops" in t
        assert "due Fri 4 Dec · 10 days after kickoff ✓" in t
        await add(pilot, "first-value Dashboard [live] for ops due:2026-12-31")
        t = text(view(pilot))
        assert "37 days after kickoff ⚠ more than 14 days out" in t


async def test_risks_show_severity_owner_and_mitigation(store, clock):
    m = meeting_from(store, "onboarding-sop")
    async with cockpit(store, m, clock) as pilot:
        await show(pilot, "risks")
        await add(pilot, "risk Holiday freeze sev:low")
        await add(pilot, "risk No SSO admin [/foo] named sev:high @dana")
        risk = next(i for i in list_items(store, m.id, "risk") if "SSO" in i.text)
        update_item(store, risk.id, risk.version, mitigation="Ask IT [x] today")
        await settle(pilot)
        t = text(view(pilot))
        high = t.index("• high No SSO admin [/foo] named @Dana Kim mitigation: Ask IT [x] today")
        low = t.index("• low Holiday freeze ⚠ no owner mitigation: ⚠ none yet")
        assert high < low


@pytest.mark.parametrize(
    ("template", "kind"),
    [("kickoff-play", "journey"), ("onboarding-sop", "readiness"), ("alignment-3h", "general")],
)
async def test_plain_blocks_list_what_was_raised_in_them(store, clock, template, kind):
    m = meeting_from(store, template)
    async with cockpit(store, m, clock) as pilot:
        v = await show(pilot, kind)
        assert f"Capture here: {v.HINT}" in text(v)
        await add(pilot, "note They bought it for [bold]speed[/] @maria")
        assert "• note They bought it for [bold]speed[/] @Maria Lopez" in text(view(pilot))


# --- Five Questions --------------------------------------------------------------------------


async def test_five_questions_most_senior_last_and_w_saves_then_advances(store, clock):
    m = meeting_from(store, "kickoff-play")
    add_attendee(store, m.id, "Lee Park", seniority=2, present=False)  # absent: not asked
    async with cockpit(store, m, clock) as pilot:
        v = await show(pilot, "five-questions")
        assert isinstance(v, FiveQuestionsView)
        assert pilot.app.focused is v  # j/k/w work without a click
        t = text(v)
        assert t.index("▶ Dana Kim") < t.index("Maria Lopez ·")  # Maria, most senior, last
        assert "Lee Park" not in t and "Sam Patel" not in t  # absent; our side
        assert f"Q1 of 5 · ask Dana Kim {FIVE_QUESTIONS[0]}" in t
        assert v.answer_target == entry.AnswerTarget(v.who or 0, "Dana Kim", 1)

        await pilot.press("w")
        assert pilot.app.screen.query_one(CaptureLine).kind == "answer"
        await pilot.press(*keys("Get the [data] right"), "enter")
        await settle(pilot)
        answers = load_snapshot(store, m.id).answers
        assert [(a.question, a.text) for a in answers] == [(1, "Get the [data] right")]
        assert load_snapshot(store, m.id).attendee(answers[0].attendee_id).name == "Dana Kim"
        v = view(pilot)
        assert v.answer_target is not None
        assert (v.answer_target.attendee_name, v.answer_target.question) == ("Maria Lopez", 1)
        assert "Dana Kim (sen 6): Get the [data] right" in text(v)

        # Enter closed the line: `w` again writes the next person's answer, never "wTrust".
        assert pilot.app.screen.query_one(CaptureLine).kind == ""
        await pilot.press("w", *"Trust", "enter")
        await settle(pilot)
        by = {(a.attendee_id, a.question): a.text for a in load_snapshot(store, m.id).answers}
        assert sorted(by.values()) == ["Get the [data] right", "Trust"]
        v = view(pilot)
        assert v.answer_target is not None
        assert (v.answer_target.attendee_name, v.answer_target.question) == ("Dana Kim", 2)

        # `w` on someone who answered opens their answer to edit, named on the line.
        await pilot.press("k", "w")
        line = pilot.app.screen.query_one(CaptureLine)
        assert line.input.value == "Trust"
        assert "edit Q1 Maria Lopez ›" in str(line.query_one("#kind").render())
        await pilot.press("end", *keys(" first"), "enter")
        await settle(pilot)
        by = {(a.attendee_id, a.question): a.text for a in load_snapshot(store, m.id).answers}
        assert sorted(by.values()) == ["Get the [data] right", "Trust first"]
        v = view(pilot)
        assert v.answer_target is not None  # back to whoever is next in the record
        assert (v.answer_target.attendee_name, v.answer_target.question) == ("Dana Kim", 2)


async def test_five_questions_pointer_keys_and_click_focus(store, clock):
    m = meeting_from(store, "kickoff-play")
    async with cockpit(store, m, clock) as pilot:
        v = await show(pilot, "five-questions")
        assert isinstance(v, FiveQuestionsView)

        def at() -> tuple[str, int]:
            target = v.answer_target
            assert target is not None
            return target.attendee_name, target.question

        assert at() == ("Dana Kim", 1)
        await pilot.press("j")
        assert at() == ("Maria Lopez", 1)
        await pilot.press("j")
        assert at() == ("Dana Kim", 2)  # past the last person: the next question
        await pilot.press("k")
        assert at() == ("Maria Lopez", 1)
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert at() == ("Maria Lopez", 3)
        await pilot.press("left_square_bracket")
        assert at() == ("Maria Lopez", 2)
        await settle(pilot)
        assert "▶ Maria Lopez" in text(v) and "Q2 of 5 · ask Maria Lopez" in text(v)

        # A click on the view gives it the keys back from a pane.
        pilot.app.screen.query_one("#pane-action", ItemPane).focus()
        await settle(pilot)
        await pilot.click(FiveQuestionsView, offset=(5, 12))
        assert pilot.app.focused is v
        await pilot.press("]")
        assert at() == ("Maria Lopez", 3)


async def test_leaving_a_focused_view_gives_keys_back_to_the_cockpit(store, clock):
    m = meeting_from(store, "kickoff-play")
    async with cockpit(store, m, clock) as pilot:
        await show(pilot, "five-questions")
        assert isinstance(pilot.app.focused, FiveQuestionsView)
        await show(pilot, "plan")
        await settle(pilot)
        # Not the capture line: the next 'n' must reach the cockpit, not be typed.
        assert pilot.app.focused is None


# --- any size, any text ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("template", TEMPLATES)
async def test_every_block_of_every_template_renders_markup_literally(store, clock, template):
    """Every block's view at 120x40 and at 80x24, markup-looking text shown as typed.

    One App per template, resized between the two sizes (half the templates start small, so
    both starting sizes and both directions of a resize are covered). The rows go in through
    the capture line's core call before the App starts: what is checked is how the views draw
    them (arriving through the change feed is what the per-kind tests above check).
    """
    m = meeting_from(store, template)
    snap = load_snapshot(store, m.id)
    first = min(snap.blocks, key=lambda b: b.position)
    for line in ("person Zed [/] Roe, todo [x] side:them role:champion sen:1",
                 "action [bold]x", "risk [/foo] sev:high", "metric [red]5[/red]",
                 "milestone [i] due:+1w", "in-scope [b]", "out-of-scope [/]",
                 "cadence [link=x]y", "first-value [/] due:+3d"):  # fmt: skip
        people = [(a.id, a.name) for a in load_snapshot(store, m.id).attendees if a.id]
        entry.submit(store, snap.meeting, people, "", line, block_id=first.id, by="test")
    sizes = [(120, 40), (80, 24)]
    if TEMPLATES.index(template) % 2:
        sizes.reverse()
    async with cockpit(store, m, clock, size=sizes[0]) as pilot:
        for size in sizes:
            await pilot.resize_terminal(*size)
            for block in screen(pilot).state.snap.blocks:
                t = text(await show(pilot, block.kind))
                assert re.search(r"Capture here: \S", t), (size, block.kind)
                if block.kind in ("introductions", "roles", "five-questions"):
                    assert "Zed [/] Roe" in t, (size, block.kind)
                if block.kind == "scope":
                    assert "[b]" in t and "[/]" in t, size
            assert size != (80, 24) or view(pilot).has_class("-short")
