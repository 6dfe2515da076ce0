"""Conversation flows by role (common, client, engineer, manager), and notices: every message
the bot sends on its own. Thin: read the event, call services, render replies."""

from __future__ import annotations

from bot.core.router import Router


def build_router() -> Router:
    """All flows in one router; built on demand so nothing is assembled at import time."""
    from handlers import client, common, engineer, manager

    router = Router()
    for package in (common, client, engineer, manager):
        for module in package.modules():
            router.include(module.router)
    return router
