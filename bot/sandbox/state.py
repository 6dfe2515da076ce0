"""What the sandbox remembers: the shared world of people and groups, and per-bot state.

Telegram keeps message ids, file ids, updates and callback queries per bot, so each bot token's
digits get their own :class:`BotState`. Every change to a chat is also appended to that chat's
event log with a bot-wide sequence number; tests and the demo page read the log to see new
messages and live edits in order.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from typing import Any, NamedTuple

from bot.sandbox.chats import GroupChat, Person
from bot.sandbox.errors import bad_request
from bot.sandbox.faults import Faults, FloodLimits
from bot.sandbox.files import FileStore
from bot.sandbox.messages import SandboxMessage
from bot.sandbox.updates import UpdateQueue

DEFAULT_USERNAME = "fieldbot_sandbox_bot"
_TOKEN = re.compile(r"^(\d{1,20}):(.+)$")


def bot_id_from_token(token: str) -> int | None:
    """The bot id a token of form ``<digits>:<anything>`` names; None when malformed."""
    match = _TOKEN.match(token)
    return int(match.group(1)) if match else None


class NoBotYet(LookupError):
    """No bot has connected, so a default one cannot be chosen yet."""


class ApiCall(NamedTuple):
    """One Bot API call as the server saw it; ``status`` 0 means a withheld (timeout) answer."""

    time: float
    bot_id: int
    method: str
    chat_id: int | str | None
    status: int


@dataclass(slots=True)
class CallbackQueryRecord:
    """A button press and how (whether) the bot answered it."""

    id: str
    bot_id: int
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "callback_query_id": self.id,
            "user_id": self.user_id,
            "message_id": self.message_id,
            "data": self.data,
            "answered": self.answered,
            "text": self.text,
            "show_alert": self.show_alert,
        }


@dataclass(frozen=True, slots=True)
class ChatEvent:
    """One entry of a chat's log: a message, an edit, a deletion or a callback answer."""

    seq: int
    kind: str
    time: float
    message: SandboxMessage | None = None
    answer: CallbackQueryRecord | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"seq": self.seq, "kind": self.kind}
        if self.message is not None:
            data["from_bot"] = self.message.from_bot
            data["message"] = self.message.to_json()
        if self.answer is not None:
            data["answer"] = self.answer.to_json()
        return data


class Signal:
    """Wakes every waiter on :meth:`notify`; waiters re-check their condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        """Return on the next notify or after ``seconds``, whichever comes first."""
        event = self._event
        try:
            async with asyncio.timeout(max(seconds, 0.0)):
                await event.wait()
        except TimeoutError:
            pass


class BotState:
    """Everything one bot has: its chats' messages, updates, callback queries and files."""

    def __init__(self, bot_id: int, username: str) -> None:
        self.bot_id = bot_id
        self.username = username
        self.updates = UpdateQueue()
        self.files = FileStore()
        self.changed = Signal()
        self.started: set[int] = set()
        self.callbacks: dict[str, CallbackQueryRecord] = {}
        self.commands: dict[Any, list[dict[str, str]]] = {}  # by commands.CommandList
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.last_activity = 0.0
        self._messages: dict[int, dict[int, SandboxMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self._log: dict[int, list[ChatEvent]] = {}
        self._seq = 0

    def me(self) -> dict[str, Any]:
        """The bot's ``User`` object as getMe returns it."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "fieldbot",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def as_sender(self) -> dict[str, Any]:
        """The bot as ``Message.from``."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "fieldbot",
            "username": self.username,
        }

    def new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def store(self, message: SandboxMessage, kind: str = "message") -> ChatEvent:
        """Keep a new message or a new version of one, and log it."""
        self._messages.setdefault(message.chat_id, {})[message.message_id] = message
        return self._append(message.chat_id, kind, message, None, message.from_bot)

    def log_answer(self, record: CallbackQueryRecord) -> ChatEvent:
        return self._append(record.chat_id, "answer", None, record, True)

    def log_press(self, record: CallbackQueryRecord) -> ChatEvent:
        return self._append(record.chat_id, "press", None, record, False)

    def _append(
        self,
        chat_id: int,
        kind: str,
        message: SandboxMessage | None,
        answer: CallbackQueryRecord | None,
        by_bot: bool,
    ) -> ChatEvent:
        self._seq += 1
        now = time.monotonic()
        event = ChatEvent(self._seq, kind, now, message, answer)
        self._log.setdefault(chat_id, []).append(event)
        if by_bot:
            self.last_activity = now
        self.changed.notify()
        return event

    def touch(self) -> None:
        """The bot changed something no chat log shows (a command list): it is not idle."""
        self.last_activity = time.monotonic()
        self.changed.notify()

    def message(self, chat_id: int, message_id: int) -> SandboxMessage | None:
        """The current version of a message that was not deleted."""
        message = self._messages.get(chat_id, {}).get(message_id)
        return None if message is None or message.deleted else message

    def chat_messages(self, chat_id: int) -> list[SandboxMessage]:
        """Current versions of all live messages in a chat, oldest first."""
        messages = self._messages.get(chat_id, {})
        return [messages[key] for key in sorted(messages) if not messages[key].deleted]

    def chat_ids(self) -> list[int]:
        """Chats with any activity, most recently active first."""
        last = {chat_id: log[-1].seq for chat_id, log in self._log.items() if log}
        return sorted(last, key=lambda chat_id: -last[chat_id])

    def events(self, chat_id: int, after: int = 0) -> list[ChatEvent]:
        return [event for event in self._log.get(chat_id, []) if event.seq > after]

    @property
    def last_seq(self) -> int:
        return self._seq


class SandboxState:
    """The simulated Telegram: people, groups, bots, fault settings and the call record."""

    def __init__(self, bot_username: str = DEFAULT_USERNAME, seed: int = 0) -> None:
        self.bot_username = bot_username
        self.bots: dict[int, BotState] = {}
        self.people: dict[int, Person] = {}
        self.groups: dict[int, GroupChat] = {}
        self.faults = Faults(seed)
        self.flood = FloodLimits()
        self.calls: list[ApiCall] = []
        self.closing = asyncio.Event()
        self.bot_added = Signal()

    def bot(self, bot_id: int, username: str | None = None) -> BotState:
        """The state of this bot, created on first use."""
        state = self.bots.get(bot_id)
        if state is None:
            state = self.bots[bot_id] = BotState(bot_id, username or self.bot_username)
            self.bot_added.notify()
        elif username:
            state.username = username
        return state

    def person(
        self,
        user_id: int,
        first_name: str | None = None,
        language_code: str | None = None,
        username: str | None = None,
    ) -> Person:
        """The simulated account with this id, created or updated with the given profile."""
        person = self.people.setdefault(user_id, Person(user_id))
        if first_name is not None:
            person.first_name = first_name
        if language_code is not None:
            person.language_code = language_code or None
        if username is not None:
            person.username = username or None
        return person

    def resolve_bot(self, ref: int | str | None = None) -> BotState:
        """A bot by token or id; with no reference, the only bot there is."""
        if ref is not None:
            if isinstance(ref, int):
                return self.bot(ref)
            if ref.isdigit():
                return self.bot(int(ref))
            bot_id = bot_id_from_token(ref)
            if bot_id is None:
                raise ValueError(f"not a bot token: {ref!r}")
            return self.bot(bot_id)
        if len(self.bots) == 1:
            return next(iter(self.bots.values()))
        if not self.bots:
            raise NoBotYet(
                "no bot has connected to the sandbox yet; pass bot_token=... "
                "or register it with sandbox.bot(token)"
            )
        raise LookupError(
            f"several bots use the sandbox ({sorted(self.bots)}); pass bot_token=..."
        )

    def chat_object(self, bot: BotState, ref: int | str | None) -> dict[str, Any]:
        """The ``Chat`` object a bot may address, or Telegram's 'chat not found'."""
        if ref is None or ref == "":
            raise bad_request("chat_id is empty")
        if isinstance(ref, str):
            for group in self.groups.values():
                if group.username and f"@{group.username}".lower() == ref.lower():
                    return group.as_chat()
            raise bad_request("chat not found")
        if ref in self.groups:
            return self.groups[ref].as_chat()
        person = self.people.get(ref)
        if person is not None and ref in bot.started:
            return person.as_chat()
        raise bad_request("chat not found")

    async def sleep(self, seconds: float) -> None:
        """Sleep that ends early when the server stops."""
        if seconds <= 0:
            return
        try:
            async with asyncio.timeout(seconds):
                await self.closing.wait()
        except TimeoutError:
            pass

    def close(self) -> None:
        self.closing.set()
        self.bot_added.notify()
        for bot in self.bots.values():
            bot.updates.close()
            bot.changed.notify()
