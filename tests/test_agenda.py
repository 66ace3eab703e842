"""Agenda templates and time-box arithmetic (kickoff_tui.core.agenda)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kickoff_tui.core.agenda import (
    BLOCK_KINDS,
    BUILTIN_PREFIX,
    BlockSpec,
    Template,
    fit,
    get_template,
    load_templates,
    parse_template,
    rebalance,
    shipped_agenda_dir,
)
from kickoff_tui.core.errors import InputError, TemplateError

SHIPPED = {"kickoff-90", "kickoff-play", "onboarding-sop", "four-areas", "alignment-3h",
           "check-in", "first-week"}  # fmt: skip

FIVE_QUESTIONS = [
    "What is the one thing we must get right to make this worth undertaking?",
    "How does your organization define success?",
    "What is our role in achieving that success?",
    "What aspects of the internal culture or external environment could put this effort at risk?",
    "Assuming we mitigate that risk, what would exceed your wildest dreams?",
]

VALID = """\
name = "{name}"
title = "Our kickoff"
description = "A team variant."
minutes = 30
source = "team"

[[blocks]]
title = "Hello"
kind = "introductions"
minutes = 10
prompts = ["Who is here?"]

[[blocks]]
title = "Next"
kind = "next-steps"
minutes = 20
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- shipped templates


def test_all_five_shipped_templates_are_present() -> None:
    assert set(load_templates()) >= SHIPPED


def test_shipped_files_match_loaded_names() -> None:
    shipped_dir = shipped_agenda_dir()
    stems = {
        entry.name.removesuffix(".toml")
        for entry in shipped_dir.iterdir()
        if entry.name.endswith(".toml")
    }
    assert stems == SHIPPED


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_template_is_well_formed(name: str) -> None:
    template = get_template(name)
    assert template.name == name
    assert template.path == f"{BUILTIN_PREFIX}{name}.toml"
    assert template.builtin
    assert template.title and template.description and template.source.startswith("seed ")
    assert template.overrun <= 0, f"{name} plans {template.planned_minutes} of {template.minutes}"
    for block in template.blocks:
        assert block.kind in BLOCK_KINDS
        assert block.minutes >= 1
        assert 2 <= len(block.prompts) <= 6, f"{name} / {block.title}"


def test_kickoff_90_actually_fits_90_minutes() -> None:
    template = get_template("kickoff-90")
    assert template.minutes == 90
    assert template.planned_minutes == 90
    assert [b.title for b in template.blocks] == [
        "Welcome & introductions",
        "Business objectives review",
        "Solution overview & scope",
        "Implementation plan & timeline",
        "Roles & responsibilities",
        "Communication & governance",
        "Success criteria & metrics",
        "Questions & next steps",
    ]
    assert "110" in template.description


def test_kickoff_play_asks_the_five_questions_verbatim() -> None:
    template = get_template("kickoff-play")
    (block,) = [b for b in template.blocks if b.kind == "five-questions"]
    assert list(block.prompts[:5]) == FIVE_QUESTIONS
    assert "most senior person answers last" in block.prompts[5]
    assert {b.kind for b in template.blocks} >= {"introductions", "journey", "first-value"}


def test_alignment_is_three_hours_with_six_items() -> None:
    template = get_template("alignment-3h")
    assert template.minutes == 180
    assert len(template.blocks) == 6


def test_block_kinds_vocabulary() -> None:
    assert set(BLOCK_KINDS) == {
        "introductions", "journey", "objectives", "scope", "plan", "roles", "communication",
        "success", "five-questions", "first-value", "risks", "next-steps", "readiness", "general",
        "since-last-time",
    }  # fmt: skip
    assert len(BLOCK_KINDS) == len(set(BLOCK_KINDS))


def test_overrunning_template_loads_and_reports_overrun() -> None:
    text = VALID.replace("minutes = 30", "minutes = 25")
    template = parse_template(text.format(name="late"), "/tmp/late.toml")
    assert template.planned_minutes == 30
    assert template.overrun == 5


# ---------------------------------------------------------------------------- user templates


def test_user_template_overrides_shipped_one(tmp_path: Path) -> None:
    path = write(tmp_path, "kickoff-90", VALID.format(name="kickoff-90"))
    templates = load_templates(tmp_path)
    assert templates["kickoff-90"].title == "Our kickoff"
    assert templates["kickoff-90"].path == str(path)
    assert not templates["kickoff-90"].builtin
    assert set(templates) >= SHIPPED


def test_user_template_adds_a_new_name(tmp_path: Path) -> None:
    write(tmp_path, "ours", VALID.format(name="ours"))
    template = get_template("ours", tmp_path)
    assert [b.minutes for b in template.blocks] == [10, 20]
    assert template.blocks[0].prompts == ("Who is here?",)
    assert template.blocks[1].prompts == ()


def test_missing_user_dir_is_fine(tmp_path: Path) -> None:
    assert set(load_templates(tmp_path / "nope")) == SHIPPED


@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param(VALID.replace('title = "Our kickoff"\n', ""), "title", id="missing-title"),
        pytest.param(VALID.replace("minutes = 30\n", ""), "minutes", id="missing-minutes"),
        pytest.param(VALID.replace("minutes = 30", "minutes = 0"), "minutes", id="zero-box"),
        pytest.param(
            VALID.replace("minutes = 20", "minutes = 0"), "blocks[2].minutes", id="zero-block"
        ),
        pytest.param(
            VALID.replace("minutes = 10", "minutes = 2.5"), "blocks[1].minutes", id="fraction"
        ),
        pytest.param(
            VALID.replace('kind = "next-steps"', 'kind = "lunch"'), "blocks[2].kind", id="kind"
        ),
        pytest.param(
            VALID.replace('kind = "next-steps"\n', ""), "blocks[2].kind", id="missing-kind"
        ),
        pytest.param(
            VALID.replace('prompts = ["Who is here?"]', 'prompts = "Who?"'),
            "blocks[1].prompts",
            id="prompts-not-list",
        ),
        pytest.param(
            VALID.replace('prompts = ["Who is here?"]', 'prompt = ["Who?"]'),
            "blocks[1].prompt",
            id="typo-field",
        ),
        pytest.param(VALID.split("[[blocks]]")[0], "blocks", id="no-blocks"),
        pytest.param(VALID.replace('name = "{name}"', 'name = "other"'), "name", id="stem"),
    ],
)
def test_invalid_user_template_names_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    path = write(tmp_path, "broken", text.replace("{name}", "broken"))
    with pytest.raises(TemplateError) as caught:
        load_templates(tmp_path)
    message = str(caught.value)
    assert str(path) in message
    assert field in message
    assert "\n" not in message


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken", 'name = "broken"\ntitle = "x"\nminutes = = 3\n')
    with pytest.raises(TemplateError) as caught:
        load_templates(tmp_path)
    message = str(caught.value)
    assert str(path) in message
    assert "line 3" in message


def test_non_utf8_user_template_is_a_template_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'name = "latin"\ntitle = "Caf\xe9"\n')
    with pytest.raises(TemplateError, match="latin.toml"):
        load_templates(tmp_path)


def test_get_template_unknown_lists_choices(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        get_template("nope", tmp_path)
    message = str(caught.value)
    assert message.startswith("unknown template 'nope' — choose one of: ")
    for name in SHIPPED:
        assert name in message
    assert "kickoff templates" in message


# ---------------------------------------------------------------------------- fit


def blocks_of(minutes: list[int]) -> list[BlockSpec]:
    return [BlockSpec(f"b{i}", "general", m, ("p",)) for i, m in enumerate(minutes)]


def test_fit_seed_004_into_90() -> None:
    fitted = fit(blocks_of([10, 15, 20, 20, 15, 10, 10, 10]), 90)
    assert [b.minutes for b in fitted] == [8, 12, 17, 17, 12, 8, 8, 8]
    assert fitted[0].title == "b0" and fitted[0].prompts == ("p",)


def test_fit_is_identity_at_the_planned_total() -> None:
    minutes = [3, 5, 10, 12, 8, 10, 8, 4]
    assert [b.minutes for b in fit(blocks_of(minutes), sum(minutes))] == minutes


def test_fit_keeps_one_minute_per_block() -> None:
    assert [b.minutes for b in fit(blocks_of([100, 1, 1]), 4)] == [2, 1, 1]
    assert [b.minutes for b in fit(blocks_of([5, 5, 5]), 3)] == [1, 1, 1]


def test_fit_refuses_less_than_a_minute_per_block() -> None:
    with pytest.raises(InputError, match="3 blocks into 2 minutes"):
        fit(blocks_of([5, 5, 5]), 2)


def test_fit_is_deterministic_on_ties() -> None:
    assert [b.minutes for b in fit(blocks_of([1, 1, 1]), 4)] == [2, 1, 1]


@st.composite
def plans_and_total(draw: st.DrawFn) -> tuple[list[int], int]:
    minutes = draw(st.lists(st.integers(min_value=1, max_value=240), min_size=1, max_size=20))
    total = draw(st.integers(min_value=len(minutes), max_value=600))
    return minutes, total


@given(plans_and_total())
def test_fit_properties(case: tuple[list[int], int]) -> None:
    minutes, total = case
    fitted = [b.minutes for b in fit(blocks_of(minutes), total)]
    assert sum(fitted) == total
    assert all(m >= 1 for m in fitted)
    # Monotone: a longer planned block never comes out shorter; equal plans differ by <= 1.
    for i, a in enumerate(minutes):
        for j, b in enumerate(minutes):
            if a > b:
                assert fitted[i] >= fitted[j]
            elif a == b:
                assert abs(fitted[i] - fitted[j]) <= 1
    # Proportional: when no block needs pinning at 1 minute, each is within a minute of its
    # exact share (pinned blocks take time from the others, so the bound does not hold then).
    shares = [planned * total / sum(minutes) for planned in minutes]
    if all(share >= 1 for share in shares):
        for share, got in zip(shares, fitted, strict=True):
            assert abs(got - share) < 1 + 1e-9


# ---------------------------------------------------------------------------- rebalance


def test_rebalance_unchanged_when_it_fits() -> None:
    assert rebalance([10, 20], 30 * 60) == [10, 20]
    assert rebalance([10, 20], 45 * 60 + 59) == [10, 20]


def test_rebalance_shrinks_proportionally_flooring_seconds() -> None:
    assert rebalance([10, 20, 10], 20 * 60 + 59) == [5, 10, 5]


def test_rebalance_returns_minimums_when_nothing_fits() -> None:
    assert rebalance([10, 20, 10], 60) == [1, 1, 1]
    assert rebalance([10, 20, 10], -300) == [1, 1, 1]
    assert rebalance([10, 20, 10], 5 * 60, minimum=2) == [2, 2, 2]


def test_rebalance_never_raises_a_block_above_its_plan() -> None:
    assert rebalance([1, 30], 10 * 60, minimum=2) == [1, 9]


def test_rebalance_empty() -> None:
    assert rebalance([], 600) == []


@given(
    st.lists(st.integers(min_value=1, max_value=120), min_size=1, max_size=15),
    st.floats(min_value=-600, max_value=20_000, allow_nan=False),
    st.integers(min_value=1, max_value=5),
)
def test_rebalance_properties(planned: list[int], seconds: float, minimum: int) -> None:
    result = rebalance(planned, seconds, minimum)
    floors = [min(p, minimum) for p in planned]
    assert len(result) == len(planned)
    assert all(r <= p for r, p in zip(result, planned, strict=True))
    assert all(r >= f for r, f in zip(result, floors, strict=True))
    available = max(0, int(seconds // 60))
    if sum(floors) <= available:
        assert sum(result) <= available
        if sum(planned) > available:
            assert sum(result) == available
    else:
        assert result == floors


def test_template_is_frozen() -> None:
    template = get_template("four-areas")
    assert isinstance(template, Template)
    with pytest.raises(AttributeError):
        template.minutes = 1  # type: ignore[misc]
