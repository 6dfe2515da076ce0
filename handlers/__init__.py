"""Conversation flows by role. Thin: read the event, call services, render replies."""

from __future__ import annotations

from bot.core.router import Router


def build_router() -> Router:
    """All flows in one router; built on demand so nothing is assembled at import time."""
    from handlers import (
        closing,
        common,
        engineer_jobs,
        engineer_join,
        engineer_tests,
        manager_export,
        manager_invite,
        manager_open,
        manager_stats,
        parts,
    )
    from handlers.client import complaint as client_complaint
    from handlers.client import report as client_report
    from handlers.client import request as client_request
    from handlers.client import status as client_status

    router = Router()
    modules = (
        common,
        client_report,
        client_status,
        client_request,
        closing,
        engineer_join,
        engineer_jobs,
        engineer_tests,
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
