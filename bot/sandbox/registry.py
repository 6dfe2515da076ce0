"""The Bot API method table and the context each method handler receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.sandbox.params import Params
from bot.sandbox.state import BotState, SandboxState


@dataclass(slots=True)
class Call:
    """One Bot API request being answered."""

    state: SandboxState
    bot: BotState
    method: str
    params: Params


Handler = Callable[[Call], Awaitable[Any]]

# lower-case method name -> (Telegram's spelling, handler)
METHODS: dict[str, tuple[str, Handler]] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a handler under a Bot API method name (matched case-insensitively)."""

    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register


def lookup(name: str) -> tuple[str, Handler] | None:
    """The handler for a method name; the server imports the method modules that fill the table."""
    return METHODS.get(name.lower())
