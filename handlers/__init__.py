"""Conversation flows by role. Thin: read the event, call services, render replies."""

from __future__ import annotations

from bot.core.router import Router


def build_router() -> Router:
    """All flows in one router; built on demand so nothing is assembled at import time."""
    from handlers import (
        client_complaint,
        client_report,
        client_request,
        client_status,
        closing,
        common,
        manager_export,
        manager_invite,
        manager_open,
        manager_stats,
    )
    from handlers.engineer import board, card, checklist, duty, eta, join, notes, parts

    router = Router()
    modules = (
        common,
        client_report,
        client_status,
        client_request,
        closing,
        join,
        board,
        card,
        eta,
        notes,
        duty,
        checklist,
        parts,
        client_complaint,
        manager_open,
        manager_stats,
        manager_export,
        manager_invite,
    )
    for module in modules:
        router.include(module.router)
    return router
