"""Agenda templates: the shipped TOML files, user overrides, and the arithmetic of time boxes.

A template is a named list of blocks (title, kind, planned minutes, guidance prompts) with a time
box. Templates live in TOML files so facilitators can write their own without touching code; the
shipped ones come from the seed documents (see ``data/agendas``).

Two pieces of arithmetic live here because every screen and command needs the same answer:

* :func:`fit` scales a whole agenda to a time box. The seeds themselves get this wrong (seed 004's
  "90-minute" kickoff sums to 110), so a template whose blocks overrun is *loaded*, not refused:
  :attr:`Template.overrun` says by how much, and the caller flags it and offers :func:`fit`.
* :func:`rebalance` re-plans the blocks not yet started when a meeting is running late.

Headless: nothing here imports Textual.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from kickoff_tui.core.errors import InputError, KickoffError, TemplateError, TextError
from kickoff_tui.core.text import clean, decode_input

__all__ = [
    "BLOCK_KINDS",
    "BUILTIN_PREFIX",
    "BlockSpec",
    "Template",
    "fit",
    "get_template",
    "load_templates",
    "parse_template",
    "rebalance",
    "shipped_agenda_dir",
]

#: The fixed vocabulary of block kinds. The UI picks a capture screen per kind, so a template may
#: not invent new ones; ``general`` is the catch-all for blocks no dedicated screen fits.
BLOCK_KINDS: tuple[str, ...] = (
    "introductions",
    "journey",
    "objectives",
    "scope",
    "plan",
    "roles",
    "communication",
    "success",
    "five-questions",
    "first-value",
    "risks",
    "next-steps",
    "readiness",
    "since-last-time",  # a follow-up meeting's open items of the series (``core.series``)
    "general",
)

#: ``Template.path`` of a shipped template starts with this, so callers can tell shipped from user
#: templates without knowing where the package was installed.
BUILTIN_PREFIX = "<builtin>/"

_TOP_FIELDS = frozenset({"name", "title", "description", "minutes", "source", "blocks"})
_BLOCK_FIELDS = frozenset({"title", "kind", "minutes", "prompts"})
# A name is typed on the command line (``--template NAME``), so no spaces or path separators.
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class BlockSpec:
    """One planned block of an agenda: what it is called, which screen runs it, how long."""

    title: str
    kind: str
    minutes: int
    prompts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    """A validated agenda template.

    ``minutes`` is the time box promised to the customer; the blocks may plan more than that
    (see :attr:`overrun`). ``path`` is the file it came from: ``<builtin>/NAME.toml`` for shipped
    templates, the real path for user templates.
    """

    name: str
    title: str
    description: str
    minutes: int
    blocks: tuple[BlockSpec, ...]
    source: str
    path: str

    @property
    def planned_minutes(self) -> int:
        """Sum of the block minutes: what the agenda would really take if run as written."""
        return sum(block.minutes for block in self.blocks)

    @property
    def overrun(self) -> int:
        """Minutes the blocks exceed the time box by (positive = too long, flag it)."""
        return self.planned_minutes - self.minutes

    @property
    def builtin(self) -> bool:
        """True for a template shipped with kickoff-tui, False for one from the user's folder."""
        return self.path.startswith(BUILTIN_PREFIX)


# --------------------------------------------------------------------------------------------
# Finding and loading templates


def shipped_agenda_dir() -> Traversable | Path:
    """Where the shipped templates are.

    An installed wheel carries them inside the package at ``kickoff_tui/data/agendas`` (hatch
    force-includes the repository's ``data/agendas`` there), so look there first; a source or
    editable checkout has them only at ``<repo root>/data/agendas``.
    """
    packaged = resources.files("kickoff_tui") / "data" / "agendas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "agendas"


def parse_template(text: str, origin: str) -> Template:
    """Parse and validate one template's TOML text.

    ``origin`` names the file in every error message, because the facilitator has to find and fix
    it. When ``origin`` ends in ``.toml`` the template's ``name`` must equal the file's stem, so
    ``--template NAME`` always finds the file one would expect and two files cannot claim the
    same name. An overrunning agenda is *not* an error here (see :attr:`Template.overrun`).

    Raises :class:`TemplateError` naming the file and the field; block positions count from 1,
    as a person reading the ``[[blocks]]`` tables counts them.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already ends with "(at line N, column M)".
        raise TemplateError(f"invalid template {origin}: TOML syntax error: {exc}") from exc

    def fail(message: str) -> TemplateError:
        return TemplateError(f"invalid template {origin}: {message}")

    unknown = sorted(set(data) - _TOP_FIELDS)
    if unknown:
        raise fail(f"unknown field '{unknown[0]}' (allowed: {', '.join(sorted(_TOP_FIELDS))})")

    name = _required_text(data, "name", fail)
    if not _NAME_RE.match(name):
        raise fail(
            f"name '{name}' must be letters, digits, '-', '_' or '.', starting with a letter "
            "or digit"
        )
    stem = _toml_stem(origin)
    if stem is not None and name != stem:
        raise fail(f"name '{name}' must equal the file name '{stem}'")

    title = _required_text(data, "title", fail)
    description = _optional_text(data, "description", fail)
    source = _optional_text(data, "source", fail)
    minutes = _positive_int(data, "minutes", "minutes", fail)

    if "blocks" not in data:
        raise fail("blocks is missing (add at least one [[blocks]] table)")
    raw_blocks = data["blocks"]
    if not isinstance(raw_blocks, list) or not raw_blocks:
        raise fail("blocks must be a non-empty list of [[blocks]] tables")
    blocks = tuple(
        _parse_block(raw, f"blocks[{number}]", fail)
        for number, raw in enumerate(raw_blocks, start=1)
    )

    return Template(
        name=name,
        title=title,
        description=description,
        minutes=minutes,
        blocks=blocks,
        source=source,
        path=origin,
    )


def load_templates(
    user_dir: Path | None = None, warnings: list[str] | None = None
) -> dict[str, Template]:
    """All templates by name, sorted: the shipped ones, then the user's ``*.toml`` on top.

    A user template with the same name as a shipped one replaces it, so a team can adapt the
    standard kickoff without forking. An invalid user file raises :class:`TemplateError` rather
    than being skipped: a silently missing template is harder to diagnose than a clear error.
    A missing ``user_dir`` is fine (most people never create one).

    With a ``warnings`` list, a broken user file is not raised but named there (the file, the
    field and the fix), and the good templates are still returned: the picker and
    ``kickoff templates`` keep working while one file in the folder is broken.
    """
    templates: dict[str, Template] = {}

    shipped = shipped_agenda_dir()
    shipped_files = sorted(
        (entry for entry in shipped.iterdir() if entry.name.endswith(".toml") and entry.is_file()),
        key=lambda entry: entry.name,
    )
    if not shipped_files:
        raise KickoffError(
            f"no shipped agenda templates found in {shipped} — reinstall kickoff-tui"
        )
    for entry in shipped_files:
        template = parse_template(entry.read_text(encoding="utf-8"), BUILTIN_PREFIX + entry.name)
        templates[template.name] = template

    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.toml")):
            if not path.is_file():
                continue
            try:
                template = parse_template(_read_user_file(path), str(path))
            except TemplateError as exc:
                if warnings is None:
                    raise
                warnings.append(f"{exc} — fix the file, or move it out of {user_dir}")
                continue
            templates[template.name] = template

    return dict(sorted(templates.items()))


def get_template(name: str, user_dir: Path | None = None) -> Template:
    """The template called ``name``; an unknown name is answered with the names that exist.
    Another user file being broken does not stop this one; the named file being broken does."""
    broken: list[str] = []
    templates = load_templates(user_dir, broken)
    try:
        return templates[name]
    except KeyError:
        if user_dir is not None and (user_dir / f"{name}.toml").is_file():
            parse_template(
                _read_user_file(user_dir / f"{name}.toml"), str(user_dir / f"{name}.toml")
            )
        choices = ", ".join(templates)
        raise InputError(
            f"unknown template '{name}' — choose one of: {choices} (kickoff templates lists them)"
        ) from None


# --------------------------------------------------------------------------------------------
# Time-box arithmetic


def fit(blocks: Sequence[BlockSpec], total_minutes: int) -> tuple[BlockSpec, ...]:
    """Scale blocks proportionally so their minutes sum exactly to ``total_minutes``.

    Used to make an overrunning agenda honest: every block keeps its share of the meeting, no
    block drops below one minute (a zero-minute block would be skipped by the clock), and the
    rounding is largest-remainder so the total is exact and the result never depends on
    floating point. Larger planned blocks never come out smaller than smaller ones.

    Raises :class:`InputError` when there is not one minute per block.
    """
    if total_minutes < len(blocks) or total_minutes < 0:
        raise InputError(
            f"cannot fit {len(blocks)} blocks into {total_minutes} minutes — each block needs "
            "at least 1 minute"
        )
    if not blocks:
        if total_minutes:
            raise InputError(f"cannot fit an agenda with no blocks into {total_minutes} minutes")
        return ()
    minutes = _apportion([block.minutes for block in blocks], total_minutes, [1] * len(blocks))
    return tuple(
        BlockSpec(title=block.title, kind=block.kind, minutes=new, prompts=block.prompts)
        for block, new in zip(blocks, minutes, strict=True)
    )


def rebalance(planned: Sequence[int], available_seconds: float, minimum: int = 1) -> list[int]:
    """New whole-minute plans for the blocks not yet started, so they fit the time left.

    When the meeting runs late the remaining blocks are shortened in proportion to their plan
    rather than cutting the last block (which is usually next steps, the one that must not be
    lost). Rules, in order:

    * the time left is floored to whole minutes (a plan must not promise seconds it lacks);
    * a block never gets more than its plan: time saved early is not spread into padding;
    * if everything already fits, the plans come back unchanged;
    * each block keeps at least ``minimum`` (or its plan, if that is smaller);
    * if even the minimums do not fit, the minimums are returned: the caller shows the overrun.

    Otherwise the result uses the available minutes exactly.
    """
    plans = [max(0, int(p)) for p in planned]
    if not plans:
        return []
    floors = [min(p, max(0, minimum)) for p in plans]
    if not math.isfinite(available_seconds):
        available = sum(plans) if available_seconds > 0 else 0
    else:
        available = max(0, math.floor(available_seconds / 60))
    if sum(plans) <= available:
        return plans
    if sum(floors) >= available:
        return floors
    return _apportion(plans, available, floors)


def rebalance_seconds(
    planned_s: Sequence[int], available_seconds: float, minimum_s: int = 60
) -> list[int]:
    """:func:`rebalance` in seconds: new plans for the blocks still to come that take exactly
    what the meeting is behind (1:08 behind takes 68 seconds, not two minutes), shared in
    proportion to their plans. Same rules otherwise: no block gets more than its plan, each
    keeps at least ``minimum_s`` (or its plan, if smaller), and when even the minimums do not
    fit they are returned (the caller shows the overrun). Whole minutes are for display only.
    """
    plans = [max(0, int(p)) for p in planned_s]
    if not plans:
        return []
    floors = [min(p, max(0, minimum_s)) for p in plans]
    if not math.isfinite(available_seconds):
        available = sum(plans) if available_seconds > 0 else 0
    else:
        available = max(0, math.floor(available_seconds))
    if sum(plans) <= available:
        return plans
    if sum(floors) >= available:
        return floors
    return _apportion(plans, available, floors)


def _apportion(weights: Sequence[int], total: int, floors: Sequence[int]) -> list[int]:
    """Split ``total`` into whole numbers proportional to ``weights``, each >= its floor.

    Blocks whose proportional share falls below their floor are pinned to the floor and the rest
    re-shared among the others, repeatedly; then the free blocks get the floor of their exact
    share, and the leftover units go by largest remainder (ties: larger weight, then earlier
    position). Exact fractions keep it deterministic. Requires ``sum(floors) <= total``.

    If every weight is zero the split is equal. Pinned blocks only ever get more than their
    share, so free blocks are scaled by less than they would be otherwise: with
    ``total <= sum(weights)`` no block exceeds its weight.
    """
    count = len(weights)
    weights = [max(0, w) for w in weights]
    if not any(weights):
        weights = [1] * count
    result: list[int] = [0] * count
    pinned: set[int] = set()
    shares: dict[int, Fraction] = {}
    while True:
        free = [i for i in range(count) if i not in pinned]
        free_total = total - sum(floors[i] for i in pinned)
        free_weight = sum(weights[i] for i in free)
        if free_weight == 0:  # unreachable while sum(floors) <= total; keeps the maths total
            shares = {i: Fraction(0) for i in free}
            break
        shares = {i: Fraction(weights[i] * free_total, free_weight) for i in free}
        newly = [i for i in free if shares[i] < floors[i]]
        if not newly:
            break
        pinned.update(newly)

    for i in pinned:
        result[i] = floors[i]
    for i, share in shares.items():
        result[i] = math.floor(share)
    leftover = total - sum(result)
    order = sorted(
        shares,
        key=lambda i: (-(shares[i] - math.floor(shares[i])), -weights[i], i),
    )
    for i in order[:leftover]:
        result[i] += 1
    return result


# --------------------------------------------------------------------------------------------
# Validation helpers


def _toml_stem(origin: str) -> str | None:
    """The file stem when ``origin`` names a ``.toml`` file, else None."""
    base = origin.replace("\\", "/").rsplit("/", 1)[-1]
    if base.endswith(".toml"):
        return base[: -len(".toml")]
    return None


def _read_user_file(path: Path) -> str:
    """Read a user template, turning OS and encoding errors into one-line template errors."""
    try:
        return decode_input(path.read_bytes(), source=f"template {path}")
    except TextError as exc:
        raise TemplateError(f"invalid {exc}") from None
    except OSError as exc:
        raise TemplateError(f"cannot read template {path}: {exc.strerror or exc}") from exc


def _text(value: str, label: str, fail: Any) -> str:
    """A template's text as it may be stored (core/text.py), the error naming file and field."""
    try:
        return clean(value, field=label).strip()
    except TextError as exc:
        raise fail(str(exc)) from None


def _required_text(table: dict[str, Any], field: str, fail: Any, label: str | None = None) -> str:
    label = label or field
    if field not in table:
        raise fail(f"{label} is missing")
    value = table[field]
    if not isinstance(value, str) or not (value := _text(value, label, fail)):
        raise fail(f"{label} must be non-empty text")
    return value


def _optional_text(table: dict[str, Any], field: str, fail: Any) -> str:
    value = table.get(field, "")
    if not isinstance(value, str):
        raise fail(f"{field} must be text")
    return _text(value, field, fail)


def _positive_int(table: dict[str, Any], field: str, label: str, fail: Any) -> int:
    if field not in table:
        raise fail(f"{label} is missing")
    value = table[field]
    # bool is an int subclass in Python; `minutes = true` is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise fail(f"{label} must be a positive whole number, got {value!r}")
    return value


def _parse_block(raw: Any, label: str, fail: Any) -> BlockSpec:
    if not isinstance(raw, dict):
        raise fail(f"{label} must be a table ([[blocks]]), got {raw!r}")
    unknown = sorted(set(raw) - _BLOCK_FIELDS)
    if unknown:
        raise fail(
            f"{label}.{unknown[0]} is not a block field "
            f"(allowed: {', '.join(sorted(_BLOCK_FIELDS))})"
        )
    title = _required_text(raw, "title", fail, f"{label}.title")
    if "kind" not in raw:
        raise fail(f"{label}.kind is missing (one of: {', '.join(BLOCK_KINDS)})")
    kind = raw["kind"]
    if kind not in BLOCK_KINDS:
        raise fail(f"{label}.kind {kind!r} is not one of: {', '.join(BLOCK_KINDS)}")
    minutes = _positive_int(raw, "minutes", f"{label}.minutes", fail)
    prompts_raw = raw.get("prompts", [])
    if not isinstance(prompts_raw, list) or not all(isinstance(p, str) for p in prompts_raw):
        raise fail(f"{label}.prompts must be a list of non-empty text")
    prompts = tuple(_text(p, f"{label}.prompts[{n}]", fail) for n, p in enumerate(prompts_raw, 1))
    if not all(prompts):
        raise fail(f"{label}.prompts must be a list of non-empty text")
    return BlockSpec(title=title, kind=kind, minutes=minutes, prompts=prompts)
