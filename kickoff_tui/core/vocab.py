"""One vocabulary: every word the record knows, defined once with the spellings people type.

The command line, the capture grammar, the facts and every output use these enums. Input is read
with ``parse`` (any listed spelling, any case); output always writes the enum's value (one
spelling). The README's "Vocabulary" table lists the same words; a test keeps the two in step.

=========  ==================  ==========================================================
enum       written as          also accepted
=========  ==================  ==========================================================
Side       ``ours``            ``us``, ``we``, ``our``
           ``theirs``          ``them``, ``client``, ``customer``, ``you``, ``their``
Kind       ``action`` …        see :data:`KIND_ALIASES` (``a``, ``actions``, ``in``, ``ms`` …)
Status     ``open``            ``todo``, ``pending``
           ``done``            ``closed``, ``complete``, ``completed``, ``finished``
Presence   ``present``         ``here``, ``attending``, ``yes``
           ``absent``          ``away``, ``missing``, ``no``
Severity   ``high`` …          ``h``, ``med``, ``m``, ``l``
Tag        ``#internal``       any case (``#Internal``); a near miss (``#intenral``) is refused
=========  ==================  ==========================================================

Stored rows written before this module may hold older spellings (an item's side was ``us`` /
``them``): readers go through ``parse`` too, so old files read the same.

Headless and light: imports only the standard library.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Self

from kickoff_tui.core.errors import CaptureError


class Word(StrEnum):
    """An enum whose members are read in any of their listed spellings."""

    @classmethod
    def spellings(cls) -> dict[str, Self]:
        """Every accepted spelling (lower case) → its member, canonical values included."""
        return dict(cls._table())

    @classmethod
    def _table(cls) -> dict[str, Self]:
        table = _TABLES.get(cls)
        if table is None:
            table = {m.value: m for m in cls}
            for member, words in _ALIASES.get(cls.__name__, {}).items():
                for word in words:
                    table[word] = cls(member)
            _TABLES[cls] = table
        return table

    @classmethod
    def parse(cls, word: str | None) -> Self | None:
        """The member ``word`` names (any case, any listed spelling), or None."""
        if word is None:
            return None
        return cls._table().get(word.strip().lower())

    @classmethod
    def accepted(cls) -> str:
        """``ours (us, we, our), theirs (them, …)`` for error messages and help."""
        out = []
        for m in cls:
            extra = _ALIASES.get(cls.__name__, {}).get(m.value, ())
            out.append(f"{m.value} ({', '.join(extra)})" if extra else m.value)
        return ", ".join(out)

    @classmethod
    def forms(cls, prefix: str = "") -> str:
        """``side:ours or side:theirs (also us, we, …)``: the written forms, then the others."""
        values = {m.value for m in cls}
        aliases = [w for w in cls._table() if w not in values]
        out = " or ".join(prefix + m.value for m in cls)
        return out + (f" (also {', '.join(aliases)})" if aliases else "")

    @classmethod
    def read(cls, word: str, what: str | None = None) -> Self:
        """Like ``parse`` but raising ``CaptureError`` (an ``InputError``: exit 2) naming the
        accepted spellings."""
        found = cls.parse(word)
        if found is None:
            name = what or cls.__name__.lower()
            raise CaptureError(f"unknown {name} '{word}' — use {cls.accepted()}", word)
        return found


class Side(Word):
    """Which side of the table: a person's organisation, or who owes an item."""

    OURS = "ours"
    THEIRS = "theirs"

    @property
    def owes(self) -> str:
        """How an item owed by this side reads to the customer: ``from us`` / ``from you``."""
        return "from us" if self is Side.OURS else "from you"


class Kind(Word):
    """What a captured item is."""

    ACTION = "action"
    DECISION = "decision"
    RISK = "risk"
    QUESTION = "question"
    NOTE = "note"
    IN_SCOPE = "in-scope"
    OUT_OF_SCOPE = "out-of-scope"
    MILESTONE = "milestone"
    METRIC = "metric"
    OBJECTIVE = "objective"  # the customer's business outcome, in their words (handoff)
    PROMISE = "promise"  # what sales promised, reconciled in the kickoff (seed 004)
    ASSUMPTION = "assumption"  # a scope assumption, beside in/out of scope (issue 10)
    DEVIATION = "deviation"  # seed 002: missing attendee, scope conflict, ownership mismatch…


class Status(Word):
    OPEN = "open"
    DONE = "done"


class Presence(Word):
    PRESENT = "present"
    ABSENT = "absent"


class Severity(Word):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Resolution(Word):
    """How a promise from the sales handoff was reconciled in the kickoff (seed 004's "sales
    hangover"): confirmed as promised, corrected (with the corrected text), out of scope, or
    turned into a risk."""

    CONFIRMED = "confirmed"
    CORRECTED = "corrected"
    OUT_OF_SCOPE = "out-of-scope"
    RISK = "risk"


class Tag(Word):
    """``#words`` that change what happens to a line; anything else with ``#`` stays text."""

    INTERNAL = "internal"


_TABLES: dict[type, dict[str, Any]] = {}
_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "Side": {
        "ours": ("us", "we", "our"),
        "theirs": ("them", "client", "customer", "you", "their"),
    },
    "Kind": {
        "action": ("actions", "a"),
        "decision": ("decisions", "d"),
        "risk": ("risks", "r"),
        "question": ("questions", "q"),
        "note": ("notes", "n"),
        "in-scope": ("in", "scope-in"),
        "out-of-scope": ("out", "scope-out"),
        "milestone": ("milestones", "ms"),
        "metric": ("metrics",),
        "objective": ("objectives", "goal"),
        "promise": ("promises", "promised"),
        "assumption": ("assumptions", "assume"),
        "deviation": ("deviations", "dev"),
    },
    "Status": {
        "open": ("todo", "pending"),
        "done": ("closed", "complete", "completed", "finished"),
    },
    "Presence": {
        "present": ("here", "attending", "yes"),
        "absent": ("away", "missing", "no"),
    },
    "Severity": {"high": ("h",), "medium": ("med", "m"), "low": ("l",)},
    "Resolution": {
        "confirmed": ("confirm", "ok", "kept"),
        "corrected": ("correct", "changed"),
        "out-of-scope": ("out", "scope-out", "dropped"),
        "risk": ("risky", "to-risk"),
    },
    "Tag": {},
}

#: The roles a person can hold (seeds 002 and 004), as stored and written.
ROLES: tuple[str, ...] = (
    "primary-contact",
    "decision-maker",
    "technical-owner",
    "escalation-contact",
    "executive-sponsor",
    "champion",
    "end-user-rep",
)

#: Every word a kind is typed as (lower case) → the canonical kind value.
KIND_ALIASES: dict[str, str] = {w: k.value for w, k in Kind.spellings().items()}
ITEM_KINDS: tuple[str, ...] = tuple(k.value for k in Kind)

#: Everything (trailing punctuation) a fast typist leaves after a token.
TRAILING = ".,;:!?)"
INTERNAL_TAG = "#" + Tag.INTERNAL.value


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbours as one edit (``intenral``)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def read_tag(token: str) -> Tag | None:
    """The tag a ``#word`` token names; None when it is ordinary text (``#acme``, ``#1``).

    A word close to a known tag (``#intenral``, ``#Interal``) is refused with a
    ``CaptureError`` naming the tag it was probably meant to be: a typo must never make a secret
    item silently public. ``\\#word`` keeps such a word as text (see :func:`literal`).
    """
    if not token.startswith("#"):
        return None
    word = token[1:].rstrip(TRAILING).lower()
    if not word:
        return None
    spellings = Tag.spellings()
    if word in spellings:
        return spellings[word]
    if not word.isalpha():
        return None
    for spelling, tag in spellings.items():
        limit = 1 if len(spelling) < 6 else 2
        if len(word) >= 4 and _distance(word, spelling) <= limit:
            raise CaptureError(
                f"unknown tag '{token}' — did you mean #{tag.value}? "
                f"(write \\{token.rstrip(TRAILING)} to keep it as text)",
                token,
            )
    return None


def literal(token: str) -> str:
    """A ``\\#word`` token as the text it stands for (``#word``); any other token unchanged."""
    return token[1:] if token.startswith("\\#") else token


def split_tags(text: str | None) -> tuple[str, bool]:
    """``(text without tags, internal?)`` for a stored fact text such as a cadence.

    Facts have no column of their own for visibility: ``#internal`` is kept in their text as
    typed, and this is the one place that reads it back. Near-miss tags stay text here (they
    were refused when typed).
    """
    if not text:
        return "", False
    kept: list[str] = []
    internal = False
    for word in text.split():
        try:
            tag = read_tag(word)
        except CaptureError:
            tag = None
        if tag is Tag.INTERNAL:
            internal = True
        else:
            kept.append(word)
    return " ".join(kept), internal


def read_tags(text: str) -> tuple[str, bool]:
    """``(text without tags, internal?)`` for typed text: like :func:`split_tags`, but a near-miss
    tag raises ``CaptureError`` and ``\\#word`` is kept as ``#word``."""
    kept: list[str] = []
    internal = False
    for word in text.split():
        if read_tag(word) is Tag.INTERNAL:
            internal = True
        else:
            kept.append(literal(word))
    return " ".join(kept), internal


def with_tags(text: str, internal: bool) -> str:
    """The stored form of a fact text: ``text`` plus ``#internal`` when it is internal."""
    text = " ".join(text.split())
    return f"{text} {INTERNAL_TAG}" if internal else text
