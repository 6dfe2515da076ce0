"""Conversation flows by role. Thin: read the event, call services, render replies."""

from __future__ import annotations

from bot.core.router import Router


def build_router() -> Router:
    """All flows in one router; built on demand so nothing is assembled at import time."""
    from handlers import common, engineer_jobs, engineer_join, engineer_tests, parts
    from handlers.client import complaint as client_complaint
    from handlers.client import report as client_report
    from handlers.client import request as client_request
    from handlers.client import sign_off
    from handlers.client import status as client_status
    from handlers.engineer import resolve
    from handlers.manager import card, export, invite, open, stats

    router = Router()
    modules = (
        common,
        client_report,
        client_status,
        client_request,
        sign_off,
        resolve,
        engineer_join,
        engineer_jobs,
        engineer_tests,
        parts,
        client_complaint,
        open,
        card,
        stats,
        export,
        invite,
    )
    for module in modules:
        router.include(module.router)
    return router
