"""What both runtimes do the same way: replies as Bot API calls, and errors in our terms.

aiogram's and python-telegram-bot's ``Bot`` both name their methods and keyword arguments after
the Bot API (``send_message(chat_id, text, reply_markup=...)``), so a reply becomes one
``(method, arguments)`` pair here, once, with plain values. What differs is small and declared
per runtime as a :class:`Framework`: how it builds its own objects from those values (a
keyboard, an uploaded file, a command scope, a command) and which of its exceptions mean which
of ours. :class:`BotApiRuntime` makes the calls for both.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, ClassVar

from bot.core.replies import (
    AnswerCallback,
    Edit,
    ForceReply,
    InlineKeyboard,
    Markup,
    Reply,
    ReplyKeyboard,
    Send,
    SetCommands,
)
from bot.runtimes.base import DeliveryError, Rejected, RetryAfter, UpdateHandler
from bot.runtimes.convert import ALLOWED_UPDATES

log = logging.getLogger(__name__)

# How long one getUpdates waits for news (well under the runtimes' request timeout), and the
# pause after a failed one.
POLL_TIMEOUT = 10
POLL_RETRY_SECONDS = 1.0

# Persists fetched updates (the inbox); the offset moves past them only after it returned.
Store = Callable[[list[dict[str, Any]]], Awaitable[None]]

# The file name a document reply gets when the handler gave none; the person sees it.
DEFAULT_DOCUMENT_NAME = "document"
DEFAULT_PHOTO_NAME = "photo.png"

# The kinds of keyboard, by the first key of their payload; each framework has a class for each.
MARKUP_KINDS = ("inline_keyboard", "keyboard", "remove_keyboard", "force_reply")

Arguments = dict[str, Any]
# Which of a framework's exceptions mean which of ours, most specific first.
ErrorTable = Sequence[tuple[type[Exception] | tuple[type[Exception], ...], type[DeliveryError]]]


@dataclass(frozen=True, slots=True)
class Upload:
    """A file sent from memory; each framework has its own input-file class for it."""

    data: bytes
    name: str


def api_call(reply: Reply) -> tuple[str, Arguments]:
    """The ``Bot`` method and its keyword arguments that perform ``reply``."""
    match reply:
        case Send(media=(single,)):
            kind = single.kind.value
            return f"send_{kind}", _send(
                reply, **{kind: single.file_id}, caption=reply.text or None
            )
        case Send(media=(_, _, *_)):
            items = [
                {"type": item.kind.value, "media": item.file_id, "caption": None}
                for item in reply.media
            ]
            items[0]["caption"] = reply.text or None
            group = {"chat_id": reply.chat_id, "media": items}
            return "send_media_group", {**group, "message_thread_id": reply.thread_id}
        case Send(document=bytes() as data, upload_as_photo=True):
            upload = Upload(data, reply.document_name or DEFAULT_PHOTO_NAME)
            return "send_photo", _send(reply, photo=upload, caption=reply.text or None)
        case Send(document=bytes() as data):
            upload = Upload(data, reply.document_name or DEFAULT_DOCUMENT_NAME)
            return "send_document", _send(reply, document=upload, caption=reply.text or None)
        case Send():
            return "send_message", _send(reply, text=reply.text)
        case Edit():
            return "edit_message_text", {
                "text": reply.text,
                "chat_id": reply.chat_id,
                "message_id": reply.message_id,
                "reply_markup": markup_payload(reply.markup),
            }
        case AnswerCallback():
            return "answer_callback_query", {
                "callback_query_id": reply.callback_id,
                "text": reply.text,
                "show_alert": reply.alert or None,
            }
        case SetCommands():
            return _commands_call(reply)


def _send(send: Send, **content: Any) -> Arguments:
    return {
        "chat_id": send.chat_id,
        **content,
        "reply_markup": markup_payload(send.markup),
        "message_thread_id": send.thread_id,
    }


def _commands_call(reply: SetCommands) -> tuple[str, Arguments]:
    """``setMyCommands`` for one chat or all private chats; no commands: ``deleteMyCommands``."""
    scope = (
        {"type": "all_private_chats"}
        if reply.chat_id is None
        else {"type": "chat", "chat_id": reply.chat_id}
    )
    arguments: Arguments = {"scope": scope, "language_code": reply.language_code}
    if not reply.commands:
        return "delete_my_commands", arguments
    commands = [{"command": c.command, "description": c.description} for c in reply.commands]
    return "set_my_commands", {"commands": commands, **arguments}


def webhook_call(url: str, secret_token: str) -> tuple[str, Arguments]:
    """Telegram posts updates to ``url``, echoing ``secret_token`` in a header."""
    allowed = list(ALLOWED_UPDATES)
    return "set_webhook", {"url": url, "secret_token": secret_token, "allowed_updates": allowed}


def markup_payload(markup: Markup | None) -> dict[str, Any] | None:
    """Our keyboard as the Bot API's ``reply_markup`` object; its first key names the kind
    (``inline_keyboard``, ``keyboard``, ``remove_keyboard``), so a runtime picks its class."""
    match markup:
        case None:
            return None
        case InlineKeyboard():
            return {
                "inline_keyboard": [
                    [
                        {"text": b.text, "callback_data": b.data}
                        if b.data is not None
                        else {"text": b.text, "url": b.url}
                        for b in row
                    ]
                    for row in markup.rows
                ]
            }
        case ReplyKeyboard():
            return (
                {
                    "keyboard": [
                        [
                            {"text": b.text}
                            | ({"request_contact": True} if b.request_contact else {})
                            | ({"request_location": True} if b.request_location else {})
                            for b in row
                        ]
                        for row in markup.rows
                    ],
                    "resize_keyboard": True,
                    "one_time_keyboard": markup.one_time,
                }
                | ({"is_persistent": True} if markup.persistent else {})
                | ({"input_field_placeholder": markup.placeholder} if markup.placeholder else {})
            )
        case ForceReply():
            placeholder = {"input_field_placeholder": markup.placeholder}
            return {"force_reply": True, "selective": True} | (
                placeholder if markup.placeholder else {}
            )
        case _:
            return {"remove_keyboard": True}


def is_not_modified(description: str) -> bool:
    """Telegram refuses an edit that changes nothing; for us that edit already succeeded."""
    return "message is not modified" in description.lower()


@dataclass(frozen=True, slots=True)
class Framework:
    """The little that differs between aiogram and python-telegram-bot in making a call."""

    build: Callable[[Any, dict[str, Any]], Any]  # one of its classes from a Bot API object
    markups: tuple[type, ...]  # its keyboard classes, in the order of MARKUP_KINDS
    upload: Callable[[Upload], Any]
    input_media: Callable[[dict[str, Any]], Any]  # an album item: {"type", "media", "caption"}
    scope: Callable[[dict[str, Any]], Any]  # a BotCommandScope of the right subclass
    command: Callable[..., Any]  # BotCommand(command=..., description=...)
    errors: ErrorTable
    retry_seconds: Callable[[Any], float]  # the wait in its flood-control error
    dump: Callable[[Any], dict[str, Any]]  # one of its Update objects as the Bot API's JSON

    def arguments(self, arguments: Arguments) -> Arguments:
        """The arguments with the framework's own objects where it wants them."""
        wrap: dict[str, Callable[[Any], Any]] = {
            "reply_markup": self._markup,
            "document": self._file,
            "photo": self._file,
            "media": lambda items: [self.input_media(item) for item in items],
            "scope": self.scope,
            "commands": lambda commands: [self.command(**command) for command in commands],
        }
        return {
            name: wrap[name](value) if value is not None and name in wrap else value
            for name, value in arguments.items()
        }

    def _file(self, value: Any) -> Any:
        """An upload as the framework's input file; a file id as it is."""
        return self.upload(value) if isinstance(value, Upload) else value

    def _markup(self, payload: dict[str, Any]) -> Any:
        kind = self.markups[MARKUP_KINDS.index(next(iter(payload)))]
        return self.build(kind, payload)

    @contextmanager
    def normalised_errors(self) -> Iterator[None]:
        """Re-raise the framework's errors as the framework-free errors of
        :mod:`bot.runtimes.base`."""
        try:
            yield
        except DeliveryError:
            raise
        except Exception as exc:
            ours = next((error for kinds, error in self.errors if isinstance(exc, kinds)), None)
            if ours is None:
                raise
            if ours is RetryAfter:
                raise RetryAfter(self.retry_seconds(exc)) from exc
            message = getattr(exc, "message", None)
            raise ours(message if isinstance(message, str) else repr(exc)) from exc


class BotApiRuntime:
    """What both runtimes share: construction, and replies and webhooks as calls on the
    framework's ``Bot`` (see :class:`~bot.runtimes.base.Runtime` for the whole contract)."""

    name: str
    framework: ClassVar[Framework]

    def __init__(
        self,
        token: str,
        handler: UpdateHandler,
        api_base_url: str | None = None,
        request_timeout: float = 30,
    ) -> None:
        self._handler = handler
        self._connect(token, api_base_url, request_timeout)

    def _connect(self, token: str, api_base_url: str | None, request_timeout: float) -> None:
        """Build the framework's bot (and its update machinery) for ``token``."""
        raise NotImplementedError

    async def _ready_bot(self) -> Any:
        """The framework's ``Bot``, ready for calls."""
        raise NotImplementedError

    async def close(self) -> None:
        """Release the HTTP session."""
        raise NotImplementedError

    async def execute(self, reply: Reply) -> int | None:
        method, arguments = api_call(reply)
        try:
            result = await self._request(method, arguments)
        except Rejected as exc:
            if isinstance(reply, Edit) and is_not_modified(str(exc)):
                return reply.message_id  # an edit that changes nothing has already succeeded
            raise
        if isinstance(reply, Edit):
            return reply.message_id
        if isinstance(result, list | tuple):  # an album: the first message stands for it
            result = result[0]
        return int(result.message_id) if isinstance(reply, Send) else None

    async def set_webhook(self, url: str, secret_token: str) -> None:
        await self._request(*webhook_call(url, secret_token))

    async def poll(self, stop: asyncio.Event, store: Store) -> None:
        """Long-poll until ``stop`` is set, handing each batch to ``store`` before the next
        ``getUpdates`` confirms it: a process killed at any moment loses no update (those
        stored but not yet confirmed come again and are recognised as duplicates)."""
        offset: int | None = None
        try:
            await self._request("delete_webhook", {"drop_pending_updates": False})
            while not stop.is_set():
                try:
                    updates = await _unless_stopped(
                        stop,
                        self._request(
                            "get_updates",
                            {
                                "offset": offset,
                                "timeout": POLL_TIMEOUT,
                                "allowed_updates": list(ALLOWED_UPDATES),
                            },
                        ),
                    )
                    if updates:
                        payloads = [self.framework.dump(update) for update in updates]
                        await store(payloads)
                        offset = max(int(p["update_id"]) for p in payloads) + 1
                except DeliveryError as exc:
                    log.warning("polling for updates failed, retrying: %r", exc)
                    await _unless_stopped(stop, asyncio.sleep(POLL_RETRY_SECONDS))
                except Exception:  # the database, most likely: fetch the same batch again
                    log.exception("could not store fetched updates; retrying")
                    await _unless_stopped(stop, asyncio.sleep(POLL_RETRY_SECONDS))
            if offset is not None:  # confirm the last batch, so a restart does not refetch it
                with suppress(DeliveryError):
                    await self._request(
                        "get_updates", {"offset": offset, "limit": 1, "timeout": 0}
                    )
        finally:
            await self.close()

    async def _request(self, method: str, arguments: Arguments) -> Any:
        bot = await self._ready_bot()
        with self.framework.normalised_errors():
            return await getattr(bot, method)(**self.framework.arguments(arguments))


async def _unless_stopped(stop: asyncio.Event, work: Awaitable[Any]) -> Any:
    """``work``'s result, or None (the work cancelled) once ``stop`` is set."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if not task.done():
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        return None
    return task.result()
