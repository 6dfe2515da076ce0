"""Service managers' flows: open requests and assignment, figures, trends, exports, invites,
staff and the audit log."""

from __future__ import annotations

from types import ModuleType


def modules() -> tuple[ModuleType, ...]:
    """The flows whose routers :func:`handlers.build_router` includes (imported only then)."""
    from handlers.manager import (
        audit,
        cancelling,
        card,
        conversation,
        export,
        invite,
        open,
        papers,
        parts,
        review,
        staff,
        stats,
    )

    return (
        open,
        card,
        conversation,
        cancelling,
        parts,
        review,
        stats,
        export,
        invite,
        papers,
        staff,
        audit,
    )
