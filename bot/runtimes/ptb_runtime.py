"""python-telegram-bot 22 adapter: updates in through an Application, replies out via its Bot."""

from __future__ import annotations

import asyncio
import logging
import os
import warnings
from datetime import timedelta

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    ForceReply,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram import error as tg_error
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.warnings import PTBDeprecationWarning

from bot.runtimes.base import Rejected, RetryAfter, Transient, Unreachable
from bot.runtimes.bot_api import BotApiRuntime, Framework
from bot.runtimes.convert import ALLOWED_UPDATES, process_update

log = logging.getLogger(__name__)


def _retry_seconds(exc: tg_error.RetryAfter) -> float:
    """ptb 22 returns int seconds (deprecated) or a timedelta (``PTB_TIMEDELTA``); take both."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# The album item class for each attachment kind that may be in a media group.
ALBUM_ITEMS = {
    "photo": InputMediaPhoto,
    "video": InputMediaVideo,
    "document": InputMediaDocument,
}

PTB = Framework(
    build=lambda kind, value: kind.de_json(value),
    markups=(InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, ForceReply),
    input_media=lambda item: ALBUM_ITEMS[item["type"]](
        media=item["media"], caption=item["caption"]
    ),
    upload=lambda upload: InputFile(upload.data, filename=upload.name),
    scope=BotCommandScope.de_json,
    command=BotCommand,
    errors=(
        (tg_error.RetryAfter, RetryAfter),
        (tg_error.Forbidden, Unreachable),
        (tg_error.BadRequest, Rejected),  # a NetworkError subclass in ptb, but final
        (tg_error.NetworkError, Transient),  # includes TimedOut and 5xx answers
        (tg_error.TelegramError, Rejected),
    ),
    retry_seconds=_retry_seconds,
    dump=lambda update: update.to_dict(),
)


class PtbRuntime(BotApiRuntime):
    """Runs the core on python-telegram-bot: polling via :meth:`run`, webhooks via
    :meth:`feed_webhook`.

    The Application keeps its default ``concurrent_updates=False``, so updates are handled one
    after another, and :meth:`telegram.ext.Application.stop` drains the queue before returning.
    """

    name = "ptb"
    framework = PTB

    def _connect(self, token: str, api_base_url: str | None, request_timeout: float) -> None:
        # Opt in to ptb's future: RetryAfter.retry_after as a timedelta (we read both), which
        # also keeps ptb from warning on every 429.
        os.environ.setdefault("PTB_TIMEDELTA", "true")
        builder = (
            Application.builder()
            .token(token)
            .connect_timeout(request_timeout)
            .read_timeout(request_timeout)
            .write_timeout(request_timeout)
        )
        if api_base_url:
            base = api_base_url.rstrip("/")
            builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
        self._app = builder.build()
        self._app.add_handler(TypeHandler(Update, self._on_update))
        self._app.add_error_handler(self._on_error)
        self._init_lock = asyncio.Lock()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set; handle what was already fetched, then shut down."""
        app, updater = self._app, self._app.updater
        if updater is None:  # the builder always creates one unless told otherwise
            raise RuntimeError("python-telegram-bot Application was built without an Updater")
        try:
            await self._ready()
            await app.start()
            with PTB.normalised_errors():  # start_polling deletes any webhook first
                await updater.start_polling(
                    allowed_updates=ALLOWED_UPDATES, error_callback=_log_polling_error
                )
            await stop.wait()
        finally:
            if updater.running:
                await updater.stop()
            if app.running:
                await app.stop()
            await self.close()

    async def feed_webhook(self, payload: dict[str, object]) -> None:
        await self._ready()
        await self._app.process_update(Update.de_json(payload, self._app.bot))

    async def bot_username(self) -> str | None:
        await self._ready()
        return self._app.bot.username

    async def close(self) -> None:
        await self._app.shutdown()
        # A failed initialize() (bad token, Telegram down) leaves the Bot's HTTP clients open
        # while the Application counts as never initialised, so its shutdown() skips them.
        await self._app.bot.shutdown()

    async def _ready(self) -> None:
        """Initialise once (``getMe``, HTTP clients); also after :meth:`close`, like aiogram."""
        async with self._init_lock:
            with PTB.normalised_errors():
                await self._app.initialize()

    async def _ready_bot(self) -> Bot:
        await self._ready()
        return self._app.bot

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await process_update(update.to_dict(), self._handler, self.execute, self._app.bot.username)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Replaces ptb's default "No error handlers are registered" dump with one log record."""
        log.error("python-telegram-bot failed on %r", update, exc_info=context.error)


def _log_polling_error(exc: tg_error.TelegramError) -> None:
    # ptb retries polling by itself; a traceback per failed getUpdates would only be noise.
    log.warning("polling for updates failed, retrying: %r", exc)
