"""python-telegram-bot 22 adapter: updates in through an Application, replies out via its Bot."""

from __future__ import annotations

import asyncio
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from telegram import (
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram import error as tg_error
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.warnings import PTBDeprecationWarning

from bot.core.replies import (
    AnswerCallback,
    Edit,
    InlineKeyboard,
    Markup,
    Reply,
    Send,
)
from bot.runtimes.base import Rejected, RetryAfter, Transient, Unreachable, UpdateHandler
from bot.runtimes.convert import (
    ALLOWED_UPDATES,
    DEFAULT_DOCUMENT_NAME,
    is_not_modified,
    markup_payload,
    process_update,
)

log = logging.getLogger(__name__)

PtbMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
_MARKUP_CLASSES: dict[str, type[PtbMarkup]] = {
    "inline_keyboard": InlineKeyboardMarkup,
    "keyboard": ReplyKeyboardMarkup,
    "remove_keyboard": ReplyKeyboardRemove,
}


class PtbRuntime:
    """Runs the core on python-telegram-bot: polling via :meth:`run`, webhooks via
    :meth:`feed_webhook`.

    The Application keeps its default ``concurrent_updates=False``, so updates are handled one
    after another, and :meth:`telegram.ext.Application.stop` drains the queue before returning.
    """

    name = "ptb"

    def __init__(
        self,
        token: str,
        handler: UpdateHandler,
        api_base_url: str | None = None,
        request_timeout: float = 30,
    ) -> None:
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
        self._handler = handler
        self._init_lock = asyncio.Lock()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set; handle what was already fetched, then shut down."""
        app, updater = self._app, self._app.updater
        if updater is None:  # the builder always creates one unless told otherwise
            raise RuntimeError("python-telegram-bot Application was built without an Updater")
        try:
            await self._ready()
            await app.start()
            with _normalised_errors():  # start_polling deletes any webhook first
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

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """Point Telegram at our webhook server; it will echo ``secret_token`` in a header."""
        await self._ready()
        with _normalised_errors():
            await self._app.bot.set_webhook(
                url, secret_token=secret_token, allowed_updates=ALLOWED_UPDATES
            )

    async def bot_username(self) -> str | None:
        await self._ready()
        return self._app.bot.username

    async def close(self) -> None:
        await self._app.shutdown()
        # A failed initialize() (bad token, Telegram down) leaves the Bot's HTTP clients open
        # while the Application counts as never initialised, so its shutdown() skips them.
        await self._app.bot.shutdown()

    async def execute(self, reply: Reply) -> int | None:
        await self._ready()
        try:
            with _normalised_errors():
                return await self._call(reply)
        except Rejected as exc:
            if isinstance(reply, Edit) and is_not_modified(str(exc)):
                return reply.message_id
            raise

    async def _ready(self) -> None:
        """Initialise once (``getMe``, HTTP clients); also after :meth:`close`, like aiogram."""
        async with self._init_lock:
            with _normalised_errors():
                await self._app.initialize()

    async def _call(self, reply: Reply) -> int | None:
        bot = self._app.bot
        match reply:
            case Send():
                return await self._send(reply)
            case Edit():
                await bot.edit_message_text(
                    reply.text,
                    chat_id=reply.chat_id,
                    message_id=reply.message_id,
                    reply_markup=_inline(reply.markup),
                )
                return reply.message_id
            case AnswerCallback():
                await bot.answer_callback_query(
                    reply.callback_id, text=reply.text, show_alert=reply.alert or None
                )
                return None

    async def _send(self, send: Send) -> int:
        bot, markup = self._app.bot, _markup(send.markup)
        message: Message
        if send.photo is not None:
            message = await bot.send_photo(
                send.chat_id,
                send.photo,
                caption=send.text or None,
                reply_markup=markup,
                message_thread_id=send.thread_id,
            )
        elif send.document is not None:
            message = await bot.send_document(
                send.chat_id,
                send.document,
                filename=send.document_name or DEFAULT_DOCUMENT_NAME,
                caption=send.text or None,
                reply_markup=markup,
                message_thread_id=send.thread_id,
            )
        else:
            message = await bot.send_message(
                send.chat_id, send.text, reply_markup=markup, message_thread_id=send.thread_id
            )
        return message.message_id

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await process_update(update.to_dict(), self._handler, self.execute, self._app.bot.username)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Replaces ptb's default "No error handlers are registered" dump with one log record."""
        log.error("python-telegram-bot failed on %r", update, exc_info=context.error)


def _log_polling_error(exc: tg_error.TelegramError) -> None:
    # ptb retries polling by itself; a traceback per failed getUpdates would only be noise.
    log.warning("polling for updates failed, retrying: %r", exc)


@contextmanager
def _normalised_errors() -> Iterator[None]:
    """Re-raise python-telegram-bot errors as the framework-free errors of ``base``."""
    try:
        yield
    except tg_error.RetryAfter as exc:
        raise RetryAfter(_retry_seconds(exc)) from exc
    except tg_error.Forbidden as exc:
        raise Unreachable(exc.message) from exc
    except tg_error.BadRequest as exc:  # a NetworkError subclass in ptb, but final
        raise Rejected(exc.message) from exc
    except tg_error.NetworkError as exc:  # includes TimedOut and 5xx answers
        raise Transient(exc.message) from exc
    except tg_error.TelegramError as exc:
        raise Rejected(exc.message) from exc


def _retry_seconds(exc: tg_error.RetryAfter) -> float:
    """ptb 22 returns int seconds (deprecated) or a timedelta (``PTB_TIMEDELTA``); take both."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _inline(keyboard: InlineKeyboard | None) -> InlineKeyboardMarkup | None:
    """Edits carry inline keyboards only."""
    payload = markup_payload(keyboard)
    return None if payload is None else InlineKeyboardMarkup.de_json(payload)


def _markup(markup: Markup | None) -> PtbMarkup | None:
    payload = markup_payload(markup)
    if payload is None:
        return None
    kind = next(key for key in _MARKUP_CLASSES if key in payload)
    return _MARKUP_CLASSES[kind].de_json(payload)
