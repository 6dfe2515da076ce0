"""A local stand-in for the Telegram Bot API, for end-to-end tests and the demo page.

Start :class:`SandboxServer`, point a real aiogram or python-telegram-bot stack at its
``base_url``, and act as people through :meth:`SandboxServer.user` and
:meth:`SandboxServer.group`.
"""

from bot.sandbox.faults import Faults, FloodLimits
from bot.sandbox.messages import SandboxMessage
from bot.sandbox.server import SandboxServer
from bot.sandbox.state import ApiCall, CallbackQueryRecord
from bot.sandbox.users import ChatView, SandboxGroup, SandboxTimeout, SandboxUser

__all__ = [
    "ApiCall",
    "CallbackQueryRecord",
    "ChatView",
    "Faults",
    "FloodLimits",
    "SandboxGroup",
    "SandboxMessage",
    "SandboxServer",
    "SandboxTimeout",
    "SandboxUser",
]
