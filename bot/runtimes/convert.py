"""Framework-free glue shared by both runtimes: raw update → :class:`Incoming` → replies sent.

Both aiogram (``update.model_dump(by_alias=True)``) and python-telegram-bot (``update.to_dict()``)
can hand us the update as a Bot-API-shaped dict, so the mapping rules live here once instead of
twice over two object models. How a reply becomes a Bot API call is written once too, in
:mod:`bot.runtimes.bot_api`; the runtimes only differ in how they receive updates and make calls.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.core.events import Attachment, Contact, EventKind, Incoming, Location
from bot.core.replies import Reply
from bot.runtimes.base import DeliveryError, Rejected, RetryAfter, UpdateHandler
from storage.models import AttachmentKind

log = logging.getLogger(__name__)

Execute = Callable[[Reply], Awaitable[int | None]]

# Flood waits up to this long are sat out once while answering a person; longer ones are logged
# and the reply dropped, because updates are processed in order and a long sleep stalls everyone.
MAX_INLINE_RETRY_WAIT = 10.0

# Update types that carry a person and a chat but nothing the core reads yet: they become
# EventKind.OTHER so handlers can still see e.g. that somebody blocked the bot (my_chat_member).
_OTHER_WITH_CHAT = ("edited_message", "my_chat_member")

# Files a person may send besides photos; each is sent back with the method of its kind.
_FILE_KINDS = (
    ("document", AttachmentKind.DOCUMENT),
    ("voice", AttachmentKind.VOICE),
    ("video", AttachmentKind.VIDEO),
)

# What both runtimes ask Telegram for (polling and webhook alike): exactly what is converted.
ALLOWED_UPDATES = ("message", "callback_query", *_OTHER_WITH_CHAT)


def incoming_from_update(
    update: Mapping[str, Any], bot_username: str | None = None
) -> Incoming | None:
    """Map one Bot API update dict to an :class:`Incoming`; None when nobody is behind it.

    ``bot_username`` lets ``/cmd@otherbot`` in a group stay plain text instead of running our
    command; without it every ``/cmd@anything`` counts as ours.
    """
    update_id = int(update["update_id"])
    if message := update.get("message"):
        return _from_message(update_id, message, bot_username)
    if query := update.get("callback_query"):
        return _from_callback(update_id, query)
    edited = update.get("edited_message")
    if edited and edited.get("location"):
        # A live location's later positions arrive only as edits of the original message.
        return _from_message(update_id, edited, bot_username)
    for key in _OTHER_WITH_CHAT:
        if (event := update.get(key)) and (sender := _sender(event)) and event.get("chat"):
            return _base(update_id, EventKind.OTHER, event["chat"], sender)
    return None


def _from_message(
    update_id: int, message: Mapping[str, Any], bot_username: str | None
) -> Incoming | None:
    sender = _sender(message)
    if sender is None:  # channel posts, anonymous admins, channels: no person to answer
        return None
    chat = message["chat"]
    has_text = message.get("text") is not None
    text = message.get("text") or message.get("caption") or ""
    fields: dict[str, Any] = {
        "text": text,
        "message_id": message.get("message_id"),
        "thread_id": message.get("message_thread_id") if message.get("is_topic_message") else None,
    }
    if (answered := message.get("reply_to_message")) and not _is_topic_root(message, answered):
        fields["reply_to_message_id"] = answered.get("message_id")
        fields["reply_to_text"] = answered.get("text") or answered.get("caption") or ""

    if contact := message.get("contact"):
        kind = EventKind.CONTACT
        fields["contact"] = Contact(
            phone=str(contact["phone_number"]),
            user_id=contact.get("user_id"),
            first_name=contact.get("first_name") or "",
        )
    elif location := message.get("location"):
        kind = EventKind.LOCATION
        fields["location"] = Location(
            latitude=float(location["latitude"]),
            longitude=float(location["longitude"]),
            live=bool(location.get("live_period")),
        )
    elif attachment := _attachment(message):
        kind = EventKind.ATTACHMENT
        fields["attachments"] = (attachment,)
    elif has_text and (command := _command(text, bot_username)):
        kind = EventKind.COMMAND
        fields["command"], fields["args"] = command
    elif has_text:
        kind = EventKind.TEXT
    else:
        kind = EventKind.OTHER
    return _base(update_id, kind, chat, sender, **fields)


def _from_callback(update_id: int, query: Mapping[str, Any]) -> Incoming:
    sender = query["from"]
    message = query.get("message")
    # Without a message (a button under an inline-mode message) the private chat is the only
    # place we could answer.
    chat = message["chat"] if message else {"id": sender["id"], "type": "private"}
    return _base(
        update_id,
        EventKind.CALLBACK,
        chat,
        sender,
        callback_id=str(query["id"]),
        callback_data=query.get("data"),
        message_id=message.get("message_id") if message else None,
        thread_id=message.get("message_thread_id")
        if message and message.get("is_topic_message")
        else None,
    )


def _base(
    update_id: int,
    kind: EventKind,
    chat: Mapping[str, Any],
    sender: Mapping[str, Any],
    **fields: Any,
) -> Incoming:
    name = " ".join(part for part in (sender.get("first_name"), sender.get("last_name")) if part)
    return Incoming(
        update_id=update_id,
        kind=kind,
        chat_id=int(chat["id"]),
        user_id=int(sender["id"]),
        chat_type=str(chat.get("type") or "private"),
        user_name=name,
        username=sender.get("username"),
        language_code=sender.get("language_code"),
        **fields,
    )


def _sender(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The person behind ``event``; None for a bot, and for a message sent on behalf of a chat
    (``sender_chat``: an anonymous admin, a channel, a linked channel's post forwarded into
    its discussion group, which Telegram attributes to the user 777000): none is a person."""
    sender = event.get("from")
    if not sender or sender.get("is_bot") or event.get("sender_chat"):
        return None
    return sender


def _photo_size(photo: Mapping[str, Any]) -> tuple[int, int]:
    return (photo.get("width", 0) * photo.get("height", 0), photo.get("file_size") or 0)


def _attachment(message: Mapping[str, Any]) -> Attachment | None:
    """The file a message carries (a photo as its largest size); None for anything else."""
    if photo := message.get("photo"):
        largest = max(photo, key=_photo_size)
        return Attachment(AttachmentKind.PHOTO, str(largest["file_id"]))
    for key, kind in _FILE_KINDS:
        if file := message.get(key):
            return Attachment(kind, str(file["file_id"]), file.get("file_name"))
    return None


def _is_topic_root(message: Mapping[str, Any], answered: Mapping[str, Any]) -> bool:
    """In a forum, every message "replies" to its topic's opening service message."""
    return bool(message.get("is_topic_message")) and "forum_topic_created" in answered


def _command(text: str, bot_username: str | None) -> tuple[str, str] | None:
    split = Incoming.split_command(text)
    if split is None or bot_username is None:
        return split
    head = text.partition(" ")[0]
    _, at, addressee = head.partition("@")
    if at and addressee.lower() != bot_username.lower():
        return None
    return split


async def process_update(
    update: Mapping[str, Any],
    handler: UpdateHandler,
    execute: Execute,
    bot_username: str | None = None,
) -> None:
    """Convert one update, run the handler and perform its replies in order.

    Never raises for a handler bug or a refused reply: a runtime's receive loop must survive
    both, and later replies (e.g. the callback answer after a failed edit) still matter.
    """
    incoming = incoming_from_update(update, bot_username)
    if incoming is None:
        log.debug("ignoring update %s: nothing a person did", update.get("update_id"))
        return
    try:
        replies = await handler(incoming)
    except Exception:
        log.exception("handler failed on update %s (%s)", incoming.update_id, incoming.kind)
        return
    for reply in replies:
        await perform(reply, execute, incoming.update_id)


async def perform(reply: Reply, execute: Execute, update_id: int) -> None:
    """Make one reply's call; never raises, so the update's later replies still go."""
    try:
        try:
            await execute(reply)
        except RetryAfter as exc:
            if exc.seconds > MAX_INLINE_RETRY_WAIT:
                raise
            log.info("flood control on update %s: retrying in %ss", update_id, exc.seconds)
            await asyncio.sleep(exc.seconds)
            await execute(reply)
    except Rejected as exc:
        log.warning("Telegram rejected %s for update %s: %s", type(reply).__name__, update_id, exc)
    except DeliveryError as exc:
        log.warning("could not deliver %s for update %s: %r", type(reply).__name__, update_id, exc)
    except Exception:  # e.g. a framework that cannot read Telegram's answer
        log.exception(
            "unexpected error performing %s for update %s", type(reply).__name__, update_id
        )
