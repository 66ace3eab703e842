"""One view per agenda block kind. ``view_for(block)`` picks it.

Importing the view modules fills ``VIEWS`` (each registers itself with ``base.register``);
they import only ``base``, never this package, so there is no import cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kickoff_tui.tui.blocks import (  # noqa: F401  (imported to register their views)
    communication,
    first_value,
    five_questions,
    introductions,
    metrics,
    next_steps,
    plan,
    raised,
    roles,
    scope,
)
from kickoff_tui.tui.blocks.base import VIEWS, BlockView

if TYPE_CHECKING:
    from kickoff_tui.core.models import Block

__all__ = ["VIEWS", "BlockView", "view_for"]


def view_for(block: Block) -> BlockView:
    return VIEWS.get(block.kind, BlockView)(block, id=f"block-{block.id}")
