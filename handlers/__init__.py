"""Conversation flows by role. Thin: read the event, call services, render replies."""

from __future__ import annotations

from bot.core.router import Router


def build_router() -> Router:
    """All flows in one router; built on demand so nothing is assembled at import time."""
    from handlers import client_report, client_status, common

    router = Router()
    for module in (common, client_report, client_status):
        router.include(module.router)
    return router
