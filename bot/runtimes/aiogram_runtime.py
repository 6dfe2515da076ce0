"""aiogram 3 adapter: updates in through a Dispatcher, core replies out through a Bot."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

import aiohttp
from aiogram import Bot, Dispatcher, methods
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods.base import Response
from aiogram.types import (
    BotCommand,
    BotCommandScopeUnion,
    BufferedInputFile,
    ForceReply,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    TelegramObject,
    Update,
)
from pydantic import TypeAdapter

from bot.runtimes.base import DeliveryError, Rejected, RetryAfter, Transient, Unreachable
from bot.runtimes.bot_api import BotApiRuntime, Framework
from bot.runtimes.convert import ALLOWED_UPDATES, process_update

log = logging.getLogger(__name__)

# How long shutdown waits for the update being handled before cutting it off.
SHUTDOWN_GRACE = 30.0
# The album item class for each attachment kind that may be in a media group.
ALBUM_ITEMS = {
    "photo": InputMediaPhoto,
    "video": InputMediaVideo,
    "document": InputMediaDocument,
}

# pydantic keeps generic models such as aiogram's ``Response[Message]`` in a weak cache. In a
# process that allocates as much as ours the garbage collector frees them between calls, and
# aiogram then builds the class anew for every answer it reads (a fifth of the CPU of a
# ``/status`` under load, in py-spy). Holding each one we use keeps that cache warm.
_RESPONSE_TYPES: dict[str, Any] = {}


def keep_response_type(method: str) -> None:
    """Hold aiogram's response model for the ``Bot`` method of that name (``send_message``)."""
    if method not in _RESPONSE_TYPES:
        call = getattr(methods, "".join(word.title() for word in method.split("_")), None)
        _RESPONSE_TYPES[method] = (
            None if call is None else Response.__class_getitem__(call.__returning__)
        )


AIOGRAM = Framework(
    build=lambda kind, value: kind.model_validate(value),
    markups=(InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, ForceReply),
    input_media=lambda item: ALBUM_ITEMS[item["type"]](
        media=item["media"], caption=item["caption"]
    ),
    upload=lambda upload: BufferedInputFile(upload.data, upload.name),
    scope=TypeAdapter(BotCommandScopeUnion).validate_python,
    command=BotCommand,
    errors=(
        (TelegramRetryAfter, RetryAfter),
        (TelegramForbiddenError, Unreachable),
        (TelegramEntityTooLarge, Rejected),  # a network-error subclass, but final
        (TelegramServerError, Transient),
        (TelegramNetworkError, Transient),
        # An unparsable body is what a proxy's 502 page looks like.
        ((ClientDecodeError, TimeoutError, aiohttp.ClientError), Transient),
        (TelegramAPIError, Rejected),
    ),
    retry_seconds=lambda exc: float(exc.retry_after),
    dump=lambda update: update.model_dump(mode="json", by_alias=True, exclude_none=True),
)


class AiogramRuntime(BotApiRuntime):
    """Runs the core on aiogram: long polling via :meth:`run`, webhooks via :meth:`feed_webhook`.

    Updates are processed strictly one after another (``handle_as_tasks=False``) so one person's
    messages never race each other inside a process.
    """

    name = "aiogram"
    framework = AIOGRAM

    def _connect(self, token: str, api_base_url: str | None, request_timeout: float) -> None:
        api = TelegramAPIServer.from_base(api_base_url) if api_base_url else PRODUCTION
        self._bot = Bot(token, session=AiohttpSession(api=api, timeout=request_timeout))
        self._dispatcher = Dispatcher(disable_fsm=True)
        # An outer middleware sees every update before aiogram's per-type routing, which the
        # core does not use; a plain update handler would be shadowed by that router.
        self._dispatcher.update.outer_middleware(self._on_update)
        self._dispatcher.startup.register(self._on_startup)
        self._polling_started = asyncio.Event()
        self._in_flight: asyncio.Task[None] | None = None
        self._last_update_id: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Long-poll until ``stop`` is set; finish the update in hand, then close the session."""
        self._polling_started.clear()
        try:
            with AIOGRAM.normalised_errors():
                await self._bot.delete_webhook(drop_pending_updates=False)
            polling = asyncio.create_task(
                self._dispatcher.start_polling(
                    self._bot,
                    allowed_updates=list(ALLOWED_UPDATES),
                    handle_as_tasks=False,
                    handle_signals=False,
                    close_bot_session=False,
                )
            )
            try:
                await _until(stop, polling)
            finally:
                if not polling.done():
                    # stop_polling() refuses to act before start_polling() reached startup.
                    await _until(self._polling_started, polling)
                if not polling.done():
                    await self._dispatcher.stop_polling()
            with AIOGRAM.normalised_errors():
                await polling  # surfaces a crash, e.g. a token Telegram rejects at getMe
        finally:
            await self._finish_in_flight()
            await self._confirm_processed()
            await self.close()

    async def feed_webhook(self, payload: dict[str, object]) -> None:
        await self._dispatcher.feed_raw_update(self._bot, payload)

    async def close(self) -> None:
        await self._bot.session.close()

    async def _request(self, method: str, arguments: dict[str, Any]) -> Any:
        keep_response_type(method)
        return await super()._request(method, arguments)

    async def _ready_bot(self) -> Bot:
        return self._bot

    async def _on_startup(self) -> None:
        self._polling_started.set()

    async def _on_update(
        self,
        _routing: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        update: TelegramObject,
        _data: dict[str, Any],
    ) -> None:
        if not isinstance(update, Update):  # the update observer only ever sees Updates
            return
        payload = update.model_dump(mode="json", by_alias=True, exclude_none=True)
        # Stopping the poller cancels this coroutine; shielding lets the person's update finish
        # (and its id be confirmed) instead of being cut off between two replies.
        self._in_flight = asyncio.ensure_future(self._process(payload, update.update_id))
        await asyncio.shield(self._in_flight)

    async def _process(self, payload: dict[str, Any], update_id: int) -> None:
        await process_update(payload, self._handler, self.execute, await self.bot_username())
        self._last_update_id = update_id

    async def bot_username(self) -> str | None:
        try:
            return (await self._bot.me()).username  # cached after the first call
        except (TelegramAPIError, ClientDecodeError):
            return None

    async def _finish_in_flight(self) -> None:
        task = self._in_flight
        if task is None or task.done():
            return
        _, pending = await asyncio.wait({task}, timeout=SHUTDOWN_GRACE)
        if pending:
            log.error("update still running after %ss at shutdown; cancelling", SHUTDOWN_GRACE)
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def _confirm_processed(self) -> None:
        """Acknowledge updates handled since the last poll so a restart does not replay them."""
        if self._last_update_id is None:
            return
        try:
            with AIOGRAM.normalised_errors():
                await self._bot.get_updates(offset=self._last_update_id + 1, limit=1, timeout=0)
        except DeliveryError as exc:
            log.warning("could not confirm processed updates at shutdown: %r", exc)


async def _until(event: asyncio.Event, task: asyncio.Task[Any]) -> None:
    """Wait until ``event`` is set or ``task`` has ended, whichever comes first."""
    waiter = asyncio.create_task(event.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
