"""One person matcher and one vocabulary, as tables: what people type and what it means."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kickoff_tui.core.people import (
    NOT_AN_ATTENDEE,
    Ambiguous,
    Candidate,
    Unresolved,
    fold,
    label,
    match,
)
from kickoff_tui.core.vocab import Kind, Presence, Severity, Side, Status, Tag, read_tag

MARIA = Candidate(1, "María López")
JORG = Candidate(2, "Jörg Weber")
HANS = Candidate(3, "Hans Strauß")
CHLOE = Candidate(4, "Chloé O'Brien-Duval")
MARIA_G = Candidate(5, "Maria Gómez")
PEOPLE = [MARIA, JORG, HANS, CHLOE]


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        # María López: first, last and full name, any case, with or without accents
        ("maria", MARIA), ("Maria", MARIA), ("MARÍA", MARIA), ("lopez", MARIA), ("López", MARIA),
        ("maria lopez", MARIA), ("María_López", MARIA), ("  maria   LOPEZ ", MARIA),
        # Jörg Weber: ö = o = oe
        ("joerg", JORG), ("jorg", JORG), ("jörg", JORG), ("weber", JORG), ("Joerg Weber", JORG),
        # ß = ss
        ("strauss", HANS), ("Strauß", HANS), ("hans strauss", HANS),
        # é = e, apostrophes and hyphens
        ("chloe", CHLOE), ("obrien", CHLOE), ("o'brien", CHLOE), ("duval", CHLOE),
        ("Chloe O'Brien-Duval", CHLOE), ("o'brien duval", CHLOE),
    ],
)  # fmt: skip
def test_match_table(typed: str, who: Candidate) -> None:
    assert match(typed, PEOPLE) == who


@pytest.mark.parametrize("typed", ["bob", "mar", "maria x", "lopez maria", ""])
def test_unknown_names_are_kept_as_typed_and_flagged(typed: str) -> None:
    found = match(typed, PEOPLE)
    assert found == Unresolved(" ".join(typed.split()))
    assert label(found) == f"{' '.join(typed.split())} {NOT_AN_ATTENDEE}"


def test_two_candidates_name_both_and_how_to_pick_one() -> None:
    found = match("maria", [*PEOPLE, MARIA_G])
    assert isinstance(found, Ambiguous)
    assert found.candidates == (MARIA, MARIA_G)
    assert found.message("@maria") == (
        "@maria matches 2 attendees: María López, Maria Gómez — type the full name in quotes: "
        '@"María López" or @"Maria Gómez"'
    )
    assert label(found) == "maria (ambiguous: María López or Maria Gómez)"
    # ... and each can be picked: by the full name, or by a last name only one has
    assert match("maria lopez", [*PEOPLE, MARIA_G]) == MARIA
    assert match("gomez", [*PEOPLE, MARIA_G]) == MARIA_G


def test_namesakes_are_told_to_rename() -> None:
    twin = Candidate(9, "Maria Lopez")
    found = match("maria lopez", [MARIA, twin])
    assert isinstance(found, Ambiguous)
    assert "same name" in found.message()


@pytest.mark.parametrize(
    ("a", "b"),
    [("Jörg", "joerg"), ("Jörg", "jorg"), ("Müller", "mueller"), ("Müller", "muller"),
     ("Bär", "baer"), ("Straße", "strasse"), ("José", "jose"), ("  A  B ", "a b"),
     ("Łukasz", "lukasz"), ("Søren", "soren")],
)  # fmt: skip
def test_fold_makes_spellings_equal(a: str, b: str) -> None:
    assert fold(a) == fold(b)


# --- vocabulary ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("enum", "word", "member"),
    [
        (Side, "ours", Side.OURS), (Side, "us", Side.OURS), (Side, "We", Side.OURS),
        (Side, "theirs", Side.THEIRS), (Side, "them", Side.THEIRS),
        (Side, "client", Side.THEIRS), (Side, "CUSTOMER", Side.THEIRS),
        (Status, "done", Status.DONE), (Status, "closed", Status.DONE),
        (Status, "todo", Status.OPEN), (Presence, "here", Presence.PRESENT),
        (Presence, "away", Presence.ABSENT), (Severity, "m", Severity.MEDIUM),
        (Kind, "ms", Kind.MILESTONE), (Kind, "out", Kind.OUT_OF_SCOPE), (Kind, "Risks", Kind.RISK),
        (Tag, "INTERNAL", Tag.INTERNAL),
    ],
)  # fmt: skip
def test_vocabulary_spellings(enum, word, member) -> None:
    assert enum.parse(word) is member
    assert str(member) == member.value  # written one way


def test_unknown_words_are_none() -> None:
    assert Side.parse("both") is None and Status.parse("maybe") is None


def test_tag_near_misses_are_refused_far_words_are_text() -> None:
    from kickoff_tui.core.errors import CaptureError

    for typo in ("#intenral", "#interal", "#internl", "#Intrenal"):
        with pytest.raises(CaptureError, match=r"did you mean #internal\?"):
            read_tag(typo)
    for text in ("#acme", "#international", "#1", "#q3-plan", "#"):
        assert read_tag(text) is None


def test_readme_lists_every_word() -> None:
    """The README's vocabulary table names every member and accepted spelling."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Vocabulary") :]
    section = section[: section.index("\n## ") if "\n## " in section else None]
    words = set(re.findall(r"`([^`]+)`", section))
    for enum in (Side, Kind, Status, Presence, Severity):
        for spelling in enum.spellings():
            assert spelling in words, (enum.__name__, spelling)
    assert "#internal" in words
