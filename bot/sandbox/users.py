"""Test-facing simulation of people and groups talking to a bot through the sandbox.

A test acts as a person (``send_text``, ``press``...) and reads what the bot sent
(``messages``, ``wait_for``...). Reading goes through a cursor so consecutive ``wait_for`` calls
step through the conversation, edits included.
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable
from typing import Any

from bot.sandbox import actions, commands
from bot.sandbox.chats import GroupChat, Person
from bot.sandbox.messages import SandboxMessage
from bot.sandbox.state import BotState, CallbackQueryRecord, NoBotYet, SandboxState

Match = str | Callable[[SandboxMessage], bool] | None
Replied = SandboxMessage | int | None  # the message a person answers with Telegram's Reply


def _message_id(message: Replied) -> int | None:
    return message.message_id if isinstance(message, SandboxMessage) else message


class SandboxTimeout(TimeoutError):
    """Raised by the ``wait_*`` helpers; the message says what the bot did send."""


def _matcher(match: Match) -> Callable[[SandboxMessage], bool]:
    if match is None:
        return lambda message: True
    if isinstance(match, str):
        return lambda message: match in message.content or match == message.document_name
    return match


class ChatView:
    """Reading what a bot sent into one chat."""

    def __init__(self, state: SandboxState, chat_id: int, bot_ref: int | str | None) -> None:
        self._state = state
        self.chat_id = chat_id
        self._bot_ref = bot_ref
        self._cursor = 0

    @property
    def bot(self) -> BotState:
        """The bot this view talks to, fixed once known."""
        bot = self._state.resolve_bot(self._bot_ref)
        self._bot_ref = bot.bot_id
        return bot

    def _bot_or_none(self) -> BotState | None:
        try:
            return self.bot
        except NoBotYet:
            return None

    @property
    def history(self) -> list[SandboxMessage]:
        """Every live message in the chat, both sides, current versions, oldest first."""
        bot = self._bot_or_none()
        return bot.chat_messages(self.chat_id) if bot else []

    @property
    def messages(self) -> list[SandboxMessage]:
        """The bot's live messages in this chat, current versions, oldest first."""
        return [message for message in self.history if message.from_bot]

    @property
    def last(self) -> SandboxMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def keyboard(self) -> list[list[str]] | None:
        """The reply keyboard the person currently sees, if any."""
        user_wrote_after = False
        for message in reversed(self.history):
            if not message.from_bot:
                user_wrote_after = True
                continue
            markup = message.reply_markup or {}
            if "keyboard" in markup:
                if markup.get("one_time_keyboard") and user_wrote_after:
                    return None
                return message.keyboard
            if markup.get("remove_keyboard"):
                return None
        return None

    def skip(self) -> None:
        """Move the ``wait_for`` cursor past everything sent so far."""
        bot = self._bot_or_none()
        if bot is not None:
            self._cursor = bot.last_seq

    # The wait_* helpers take ``timeout`` like asyncio.wait_for does: it is their public contract.
    async def wait_for(
        self,
        match: Match = None,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> SandboxMessage:
        """The next bot message or edit after the cursor that matches, as it was at that moment.

        ``match`` is a substring of the text, caption or document name, a predicate, or None for
        anything. Earlier non-matching messages are skipped; the cursor moves past the match.
        """
        accept = _matcher(match)
        deadline = time.monotonic() + timeout
        while True:
            bot = self._bot_or_none()
            if bot is not None:
                for event in bot.events(self.chat_id, self._cursor):
                    message = event.message
                    if event.kind in ("message", "edit") and message and message.from_bot:
                        if accept(message):
                            self._cursor = event.seq
                            return message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxTimeout(self._describe_miss(match, timeout))
            await (bot.changed if bot else self._state.bot_added).wait(remaining)

    def _describe_miss(self, match: Match, timeout: float) -> str:
        bot = self._bot_or_none()
        sent = []
        if bot is not None:
            sent = [
                f"{event.kind}#{event.message.message_id}: {event.message.content[:80]!r}"
                for event in bot.events(self.chat_id, self._cursor)
                if event.message is not None and event.message.from_bot
            ]
        return (
            f"no bot message matching {match!r} in chat {self.chat_id} within {timeout}s; "
            f"since the cursor the bot sent: {sent}"
        )

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has fetched every update and sent nothing for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            bot = self._bot_or_none()
            now = time.monotonic()
            if bot is not None:
                last = max(bot.last_activity, bot.updates.last_delivery)
                idle_for = now - last
                if bot.updates.undelivered_count == 0 and idle_for >= quiet:
                    return
                wait = quiet - idle_for if bot.updates.undelivered_count == 0 else quiet
            else:
                wait = quiet
            if now >= deadline:
                pending = bot.updates.undelivered_count if bot else "no bot"
                raise SandboxTimeout(
                    f"bot not idle within {timeout}s (updates not yet fetched: {pending})"
                )
            await (bot.changed if bot else self._state.bot_added).wait(
                min(max(wait, 0.01), deadline - now)
            )

    async def wait_answer(
        self,
        query_id: str,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> CallbackQueryRecord:
        """Wait until the bot answers this callback query; returns the answer record."""
        deadline = time.monotonic() + timeout
        while True:
            bot = self.bot
            record = bot.callbacks.get(query_id)
            if record is None:
                raise KeyError(f"unknown callback query {query_id}")
            if record.answered:
                return record
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxTimeout(f"callback query {query_id} not answered within {timeout}s")
            await bot.changed.wait(remaining)

    def _button_target(
        self, label_or_data: str, message: SandboxMessage | int | None
    ) -> tuple[SandboxMessage, str]:
        bot = self.bot
        if message is None:
            return actions.find_button_message(bot, self.chat_id, label_or_data)
        if isinstance(message, int):
            current = bot.message(self.chat_id, message)
        else:
            current = bot.message(message.chat_id, message.message_id)
        if current is None:
            raise LookupError(f"message {message!r} is gone")
        button = current.find_button(label_or_data)
        if button is None:
            raise LookupError(
                f"no inline button {label_or_data!r} on message {current.message_id}; "
                f"buttons: {current.button_texts}"
            )
        return current, actions.callback_data(current, button)


class SandboxUser(ChatView):
    """A person in a private chat with the bot (chat id == user id)."""

    def __init__(self, state: SandboxState, person: Person, bot_ref: int | str | None) -> None:
        super().__init__(state, person.id, bot_ref)
        self.person = person

    @property
    def user_id(self) -> int:
        return self.person.id

    @property
    def command_menu(self) -> list[tuple[str, str]]:
        """What this person's app lists on "/" in the chat with the bot: (command, description)."""
        menu = commands.command_menu(self.bot, self.person, self.chat_id, group=False)
        return [(command["command"], command["description"]) for command in menu]

    def open_chat(self) -> None:
        """The person pressed Start some time ago: the bot may write to this chat (and give
        it its own command list) without a new update being queued now."""
        self.bot.started.add(self.user_id)

    def _post(self, reply_to: Replied = None, **content: Any) -> SandboxMessage:
        message, _ = actions.post(
            self._state, self.bot, self.person, reply_to=_message_id(reply_to), **content
        )
        return message

    def send_text(self, text: str, reply_to: Replied = None) -> SandboxMessage:
        """Type and send a message; pressing a reply-keyboard button is the same.

        Every ``send_*`` takes ``reply_to``: a message of this chat (or its id) that the person
        answers with Telegram's Reply, so the update carries it as ``reply_to_message``.
        """
        return self._post(reply_to, text=text)

    def send_command(self, command: str = "/start", args: str = "") -> SandboxMessage:
        """Send ``/command args``; Telegram marks the command with a bot_command entity."""
        if not command.startswith("/"):
            command = f"/{command}"
        return self._post(text=f"{command} {args}".strip() if args else command)

    def press(self, label_or_data: str, message: SandboxMessage | int | None = None) -> str:
        """Press an inline button by text (or callback data); returns the callback query id.

        Without ``message`` the newest bot message carrying such a button is used; a message
        from another chat (a group alert, say) is pressed in that chat.
        """
        target, data = self._button_target(label_or_data, message)
        return actions.press(self.bot, self.person, target, data)

    def press_data(self, data: str, message_id: int) -> str:
        """Forge a press with arbitrary callback data on one of the bot's messages."""
        target = self.bot.message(self.chat_id, message_id)
        if target is None:
            raise LookupError(f"no message {message_id} in chat {self.chat_id}")
        return actions.press(self.bot, self.person, target, data)

    def share_contact(
        self, phone: str, own: bool = True, first_name: str | None = None
    ) -> SandboxMessage:
        """Share a contact; ``own`` carries this user's id as Telegram does for one's own."""
        contact: dict[str, Any] = {
            "phone_number": phone,
            "first_name": first_name or (self.person.first_name if own else "Contact"),
        }
        if own:
            contact["user_id"] = self.user_id
        return self._post(contact=contact)

    def share_location(
        self, latitude: float, longitude: float, live_period: int | None = None
    ) -> SandboxMessage:
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if live_period:
            location["live_period"] = live_period
        return self._post(location=location)

    def send_photo(
        self, caption: str = "", data: bytes | None = None, reply_to: Replied = None
    ) -> SandboxMessage:
        """Send a photo (generated JPEG bytes unless given), downloadable by the bot."""
        sizes = self.bot.files.add_photo(data)
        return self._post(
            reply_to, photo=tuple(size.as_photo_size() for size in sizes), caption=caption or None
        )

    def send_document(
        self,
        data: bytes = b"%PDF-1.4 sandbox document",
        file_name: str = "file.pdf",
        caption: str = "",
        reply_to: Replied = None,
    ) -> SandboxMessage:
        stored = self.bot.files.add_document(data, file_name, mimetypes.guess_type(file_name)[0])
        return self._post(
            reply_to, document=stored.as_document(), document_bytes=data, caption=caption or None
        )

    def send_voice(
        self,
        caption: str = "",
        data: bytes | None = None,
        duration: int = 3,
        reply_to: Replied = None,
    ) -> SandboxMessage:
        """Record and send a voice note (generated Ogg bytes unless given)."""
        stored = self.bot.files.add_voice(data, duration)
        return self._post(reply_to, voice=stored.as_voice(), caption=caption or None)

    def send_video(
        self,
        caption: str = "",
        data: bytes | None = None,
        duration: int = 5,
        reply_to: Replied = None,
    ) -> SandboxMessage:
        """Send a video (generated MP4 bytes unless given)."""
        stored = self.bot.files.add_video(data, duration)
        return self._post(reply_to, video=stored.as_video(), caption=caption or None)

    def block_bot(self) -> None:
        """Block the bot: sends get 403 and the bot gets a ``my_chat_member`` update."""
        actions.block(self._state, self.bot, self.person)

    def unblock_bot(self) -> None:
        actions.unblock(self._state, self.bot, self.person)


class SandboxGroup(ChatView):
    """A group, supergroup or channel: read what the bot posted, act as its members."""

    def __init__(self, state: SandboxState, group: GroupChat, bot_ref: int | str | None) -> None:
        super().__init__(state, group.id, bot_ref)
        self.group = group

    def _person(self, user: SandboxUser | Person | int) -> Person:
        if isinstance(user, SandboxUser):
            return user.person
        if isinstance(user, Person):
            return user
        return self._state.people.setdefault(user, Person(user))

    def command_menu(self, user: SandboxUser | Person | int) -> list[tuple[str, str]]:
        """What a member's app lists on "/" in this group: (command, description)."""
        menu = commands.command_menu(self.bot, self._person(user), self.chat_id, group=True)
        return [(command["command"], command["description"]) for command in menu]

    def topic_messages(self, thread_id: int) -> list[SandboxMessage]:
        return [message for message in self.messages if message.thread_id == thread_id]

    def create_topic(self, name: str) -> int:
        """Create a forum topic as an admin would; returns its ``message_thread_id``."""
        if not self.group.is_forum:
            raise ValueError(f"chat {self.chat_id} is not a forum")
        thread_id = self.bot.new_message_id(self.chat_id)
        self.group.topics[thread_id] = name
        return thread_id

    def send_text(
        self,
        user: SandboxUser | Person | int,
        text: str,
        thread_id: int | None = None,
        reply_to: Replied = None,
    ) -> SandboxMessage:
        """A member writes here; privacy mode hides plain text from a non-admin bot, unless
        it is a reply to one of the bot's messages."""
        message, _ = actions.post(
            self._state,
            self.bot,
            self._person(user),
            chat_id=self.chat_id,
            thread_id=thread_id,
            reply_to=_message_id(reply_to),
            text=text,
        )
        return message

    def send_command(
        self,
        user: SandboxUser | Person | int,
        command: str,
        args: str = "",
        thread_id: int | None = None,
    ) -> SandboxMessage:
        if not command.startswith("/"):
            command = f"/{command}"
        return self.send_text(user, f"{command} {args}".strip() if args else command, thread_id)

    def press(
        self,
        user: SandboxUser | Person | int,
        label_or_data: str,
        message: SandboxMessage | int | None = None,
    ) -> str:
        """A member presses an inline button on a bot message here; returns the query id."""
        target, data = self._button_target(label_or_data, message)
        return actions.press(self.bot, self._person(user), target, data)
