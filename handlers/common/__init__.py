"""For everyone: /start and registration, /help and the main menu, /language, /cancel, the
answers when nothing else fits, and Telegram's "/" menu."""

from __future__ import annotations

from types import ModuleType


def modules() -> tuple[ModuleType, ...]:
    """The flows whose routers :func:`handlers.build_router` includes (imported only then).

    Their order is the order of the everyone-commands in /help and in the "/" menu:
    /language, /cancel, /help.
    """
    from handlers.common import (
        cancel,
        elsewhere,
        fallback,
        help,
        language,
        reply_to,
        service_report,
        start,
        visits,
    )

    return (start, language, cancel, help, fallback, elsewhere, reply_to, visits, service_report)
