"""Field engineers' flows: joining, the job board, their jobs, tests, parts and resolving."""

from __future__ import annotations

from types import ModuleType


def modules() -> tuple[ModuleType, ...]:
    """The flows whose routers :func:`handlers.build_router` includes (imported only then)."""
    from handlers.engineer import (
        board,
        card,
        checklist,
        conversation,
        duty,
        eta,
        join,
        notes,
        parts,
        resolve,
    )

    return (join, board, card, eta, notes, conversation, duty, checklist, parts, resolve)
