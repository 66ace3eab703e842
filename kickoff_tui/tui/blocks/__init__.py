"""One view per agenda block kind. ``view_for(block)`` picks it."""

from __future__ import annotations

from kickoff_tui.core.models import Block
from kickoff_tui.tui.blocks.base import BlockView

VIEWS: dict[str, type[BlockView]] = {}


def view_for(block: Block) -> BlockView:
    return VIEWS.get(block.kind, BlockView)(block, id=f"block-{block.id}")
