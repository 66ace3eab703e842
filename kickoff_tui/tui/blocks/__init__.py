"""One view per agenda block kind. ``view_for(block)`` picks it.

A view module is imported when a block of its kind is first shown (the cockpit's first frame
pays for one view, not ten); ``MODULES`` says which module draws which kind, and each module
registers its classes with ``base.register``. ``VIEWS`` imports every module the first time it
is listed or looked up as a whole.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from kickoff_tui.tui.blocks.base import VIEWS, BlockView

if TYPE_CHECKING:
    from kickoff_tui.core.models import Block

__all__ = ["MODULES", "VIEWS", "BlockView", "load_view", "view_for"]

#: Block kind -> the module (in this package) whose view draws it.
MODULES: dict[str, str] = {
    "communication": "communication",
    "first-value": "first_value",
    "five-questions": "five_questions",
    "introductions": "introductions",
    "objectives": "metrics",
    "success": "metrics",
    "next-steps": "next_steps",
    "plan": "plan",
    "journey": "raised",
    "readiness": "raised",
    "general": "raised",
    "risks": "raised",
    "roles": "roles",
    "scope": "scope",
    "since-last-time": "since",
}


def load_view(kind: str) -> type[BlockView]:
    module = MODULES.get(kind)
    if module is not None and not VIEWS.has(kind):
        import_module(f"{__name__}.{module}")
    return dict.get(VIEWS, kind, BlockView)  # (an unknown kind: the generic view)


def load_all() -> None:
    for module in sorted(set(MODULES.values())):
        import_module(f"{__name__}.{module}")


VIEWS.loader = load_all


def view_for(block: Block) -> BlockView:
    return load_view(block.kind)(block, id=f"block-{block.id}")
