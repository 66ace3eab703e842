"""Who a typed name means: one matcher for the grammar, the facts, the CLI, the checks and outputs.

``fold`` makes the spellings people actually type equal: case, accents and spacing do not count,
and the usual ASCII spellings of German letters are the same letter (``ö`` = ``o`` = ``oe``,
``ü`` = ``u`` = ``ue``, ``ä`` = ``a`` = ``ae``, ``ß`` = ``ss``). ``match`` then finds the attendee
by full name, else by any of their names (first, last, middle, or a run of them)::

    María López   ← @maria  @Maria  @lopez  @"maria lopez"  @María_López
    Jörg Weber    ← @joerg  @jorg   @weber  @"Joerg Weber"

It answers the attendee, :class:`Unresolved` (kept as typed, flagged the same way in every output)
or :class:`Ambiguous` (two or more candidates: :meth:`Ambiguous.message` lists them and says how to
pick one). Headless and light: only the standard library.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, NamedTuple, Protocol, TypeVar

#: How an owner that is not (uniquely) an attendee is flagged, in every output alike.
NOT_AN_ATTENDEE = "(not an attendee)"
#: How an owner that fits several attendees is flagged (followed by their names and ``)``).
AMBIGUOUS = "(ambiguous"


class Named(Protocol):
    @property
    def name(self) -> str: ...


P = TypeVar("P", bound=Named)


class Candidate(NamedTuple):
    """An attendee as the grammar sees it: ``(id, full name)``; unpacks like a pair."""

    id: int
    name: str


@dataclass(frozen=True)
class Unresolved:
    """A name that is no attendee: kept exactly as typed."""

    typed: str

    @property
    def label(self) -> str:
        return f"{self.typed} {NOT_AN_ATTENDEE}"


@dataclass(frozen=True)
class Ambiguous(Generic[P]):
    """A name that fits several attendees."""

    typed: str
    candidates: tuple[P, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.candidates]

    @property
    def label(self) -> str:
        return f"{self.typed} {AMBIGUOUS}: {_either(self.names)})"

    def message(self, token: str | None = None) -> str:
        """One line for an error: who matched, and how to pick one."""
        said = token or f"'{self.typed}'"
        names = self.names
        if len({fold(n) for n in names}) < len(names):
            return (
                f"{said} matches {len(names)} attendees with the same name ({', '.join(names)}) "
                "— rename one of them (e.g. add an initial) to tell them apart"
            )
        picks = " or ".join(f'@"{n}"' for n in names[:3])
        return (
            f"{said} matches {len(names)} attendees: {', '.join(names)} — type the full name "
            f"in quotes: {picks}"
        )


def _either(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


_LETTERS = str.maketrans(
    {
        "ø": "o", "đ": "d", "ł": "l", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d",
        "'": "", "’": "", "ʼ": "", "-": " ", "‐": " ", "_": " ", ".": " ", ",": " ",
    }
)  # fmt: skip
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def fold(text: str | None) -> str:
    """A name reduced to what tells names apart: ``" Jörg  WEBER"`` → ``"jorg weber"``.

    Lower case (``casefold``: ``ß`` → ``ss``), accents dropped, ``ae``/``oe``/``ue`` read as the
    umlaut's base letter, apostrophes dropped, hyphens, dots and underscores read as spaces,
    runs of space collapsed.
    """
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text).casefold().translate(_LETTERS)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    for pair, letter in _DIGRAPHS:
        s = s.replace(pair, letter)
    return " ".join(s.split())


def _has_run(words: Sequence[str], run: Sequence[str]) -> bool:
    n = len(run)
    return any(list(words[i : i + n]) == list(run) for i in range(len(words) - n + 1))


class Matcher(Generic[P]):
    """``match`` against one fixed list of attendees, with their names folded once."""

    def __init__(self, attendees: Iterable[P]) -> None:
        self.attendees: list[P] = list(attendees)
        self._folded = [(a, fold(a.name)) for a in self.attendees]
        self._cache: dict[str, P | Unresolved | Ambiguous[P]] = {}

    def __call__(self, name: str) -> P | Unresolved | Ambiguous[P]:
        found = self._cache.get(name)
        if found is None:
            found = self._cache[name] = self._match(name)
        return found

    def _match(self, name: str) -> P | Unresolved | Ambiguous[P]:
        typed = " ".join(name.split())
        key = fold(typed)
        if not key:
            return Unresolved(typed)
        full = [a for a, f in self._folded if f == key]
        if not full:
            words = key.split()
            full = [a for a, f in self._folded if _has_run(f.split(), words)]
        if len(full) == 1:
            return full[0]
        if full:
            return Ambiguous(typed, tuple(full))
        return Unresolved(typed)


def match(name: str, attendees: Iterable[P]) -> P | Unresolved | Ambiguous[P]:
    """The attendee ``name`` means; else :class:`Unresolved` or :class:`Ambiguous`."""
    return Matcher(attendees)(name)


def candidates(attendees: Iterable[object]) -> list[Candidate]:
    """``(id, name)`` pairs or attendee rows as :class:`Candidate` s."""
    out = []
    for a in attendees:
        if isinstance(a, tuple):
            out.append(Candidate(int(a[0]), str(a[1])))
        else:
            out.append(Candidate(int(a.id), str(a.name)))  # type: ignore[attr-defined]
    return out


def label(owner: object | None) -> str:
    """How an owner reads in every output: the attendee's name, or the typed name flagged."""
    if owner is None:
        return ""
    if isinstance(owner, Unresolved | Ambiguous):
        return owner.label
    return str(owner.name)  # type: ignore[attr-defined]
