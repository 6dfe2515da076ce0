"""For everyone: /start and registration, /help and the main menu, /language, /cancel, the
answers when nothing else fits, and Telegram's "/" menu.

The order the modules are included in is the order of the everyone-commands in /help and in
the "/" menu: /language, /cancel, /help.
"""

from __future__ import annotations

from bot.core.router import Router
from handlers.common import cancel, fallback, help, language, start

router = Router()
for module in (start, language, cancel, help, fallback):
    router.include(module.router)
