"""Customers' flows: reporting a breakdown, requests, status and conversation, sign-off."""

from __future__ import annotations

from types import ModuleType


def modules() -> tuple[ModuleType, ...]:
    """The flows whose routers :func:`handlers.build_router` includes (imported only then)."""
    from handlers.client import (
        cancelling,
        complaint,
        conversation,
        offer,
        report,
        request,
        sign_off,
        status,
        visits,
    )

    return (
        report,
        request,
        status,
        conversation,
        cancelling,
        sign_off,
        complaint,
        visits,
        offer,
    )
