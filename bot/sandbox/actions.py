"""What people do in Telegram, turned into stored messages and queued updates.

Shared by the test-facing :mod:`bot.sandbox.users` and the HTTP :mod:`bot.sandbox.control` API.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from bot.sandbox.chats import PRIVATE, Person
from bot.sandbox.messages import SandboxMessage, detect_entities
from bot.sandbox.state import BotState, CallbackQueryRecord, SandboxState


def chat_for(state: SandboxState, person: Person, chat_id: int | None) -> dict[str, Any]:
    """The ``Chat`` a person writes in: their private chat, or a registered group."""
    if chat_id is None or chat_id == person.id:
        return person.as_chat()
    group = state.groups.get(chat_id)
    if group is None:
        raise LookupError(f"chat {chat_id} is not a registered group; use sandbox.group(...)")
    return group.as_chat()


def _visible_to_bot(state: SandboxState, bot: BotState, message: SandboxMessage) -> bool:
    """Privacy mode: in groups a bot sees commands, mentions of it and replies to it only."""
    if message.chat["type"] == PRIVATE:
        return True
    group = state.groups.get(message.chat_id)
    if group is None or group.bot_is_admin or group.type == "channel":
        return True
    text = message.content
    mention = f"@{bot.username}".lower()
    for entity in message.entities:
        token = text[entity["offset"] : entity["offset"] + entity["length"]].lower()
        if entity["type"] == "bot_command" and ("@" not in token or token.endswith(mention)):
            return True
        if entity["type"] == "mention" and token == mention:
            return True
    replied = message.extra.get("reply_to_message")
    return bool(replied and replied.get("from", {}).get("id") == bot.bot_id)


def post(
    state: SandboxState,
    bot: BotState,
    person: Person,
    chat_id: int | None = None,
    thread_id: int | None = None,
    reply_to: int | None = None,
    **content: Any,
) -> tuple[SandboxMessage, int | None]:
    """Store a message a person sent and queue it as an update; returns it and the update id.

    ``reply_to`` makes it a Telegram reply to that message of the chat (the update carries the
    replied message, text or caption included). The update id is None when privacy mode hides a
    group message from the bot.
    """
    chat = chat_for(state, person, chat_id)
    if chat["type"] == PRIVATE:
        bot.started.add(person.id)
    text = content.get("text")
    if text is not None and "entities" not in content:
        content["entities"] = tuple(detect_entities(text))
    extra: dict[str, Any] = {}
    if reply_to is not None:
        original = bot.message(int(chat["id"]), reply_to)
        if original is None:
            raise LookupError(f"no message {reply_to} in chat {chat['id']} to reply to")
        extra["reply_to_message"] = original.as_replied()
    group = state.groups.get(int(chat["id"]))
    message = SandboxMessage(
        message_id=bot.new_message_id(int(chat["id"])),
        chat=chat,
        sender=person.as_user(),
        date=int(time.time()),
        from_bot=False,
        thread_id=thread_id,
        is_topic_message=bool(thread_id and group and group.is_forum),
        extra=extra,
        **content,
    )
    bot.store(message)
    if not _visible_to_bot(state, bot, message):
        return message, None
    kind = "channel_post" if chat["type"] == "channel" else "message"
    return message, bot.updates.push({kind: message.to_api()})


def press(bot: BotState, person: Person, message: SandboxMessage, data: str) -> str:
    """Queue a ``callback_query`` for a button on ``message``; returns the query id."""
    query_id = str(secrets.randbits(63))
    record = CallbackQueryRecord(
        id=query_id,
        bot_id=bot.bot_id,
        user_id=person.id,
        chat_id=message.chat_id,
        message_id=message.message_id,
        data=data,
        created=time.monotonic(),
    )
    bot.callbacks[query_id] = record
    bot.log_press(record)
    bot.updates.push(
        {
            "callback_query": {
                "id": query_id,
                "from": person.as_user(),
                "message": message.to_api(),
                "chat_instance": str((bot.bot_id * 1_000_003 + message.chat_id) & (2**62 - 1)),
                "data": data,
            }
        }
    )
    return query_id


def find_button_message(
    bot: BotState, chat_id: int, label_or_data: str
) -> tuple[SandboxMessage, str]:
    """The newest bot message in a chat with a matching callback button, and that button's data."""
    seen: list[str] = []
    for message in reversed(bot.chat_messages(chat_id)):
        if not message.from_bot:
            continue
        button = message.find_button(label_or_data)
        if button is not None:
            return message, callback_data(message, button)
        seen.extend(message.button_texts)
    raise LookupError(f"no inline button {label_or_data!r} in chat {chat_id}; buttons: {seen}")


def callback_data(message: SandboxMessage, button: dict[str, Any]) -> str:
    data = button.get("callback_data")
    if not isinstance(data, str):
        raise ValueError(
            f"button {button.get('text')!r} of message {message.message_id} has no callback data"
        )
    return data


def block(state: SandboxState, bot: BotState, person: Person) -> None:
    """The person blocks the bot: 403 on sends, and a ``my_chat_member`` update like Telegram."""
    state.faults.block(person.id)
    _member_update(bot, person, "member", "kicked")


def unblock(state: SandboxState, bot: BotState, person: Person) -> None:
    state.faults.unblock(person.id)
    _member_update(bot, person, "kicked", "member")


def _member_update(bot: BotState, person: Person, old: str, new: str) -> None:
    if person.id not in bot.started:
        return

    def member(status: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"status": status, "user": bot.as_sender() | {"is_bot": True}}
        if status == "kicked":
            entry["until_date"] = 0
        return entry

    bot.updates.push(
        {
            "my_chat_member": {
                "chat": person.as_chat(),
                "from": person.as_user(),
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            }
        }
    )
