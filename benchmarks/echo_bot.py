"""The bare echo bot `benchmarks/inbound.py` measures fieldbot against: one message handler
answering the text and one callback handler answering the press, on aiogram or
python-telegram-bot, long-polling the given Bot API. Imports nothing of fieldbot. Run:

    python benchmarks/echo_bot.py aiogram|ptb BASE_URL TOKEN
"""

from __future__ import annotations

import asyncio
import sys


async def aiogram_echo(base_url: str, token: str) -> None:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import CallbackQuery, Message

    session = AiohttpSession(api=TelegramAPIServer.from_base(base_url))
    bot = Bot(token, session=session)
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    @dispatcher.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer()
        if query.message is not None:
            await bot.send_message(query.message.chat.id, query.data or "?")

    await dispatcher.start_polling(bot, handle_signals=True)


def ptb_echo(base_url: str, token: str) -> None:
    from telegram import Update
    from telegram.ext import (
        Application,
        CallbackQueryHandler,
        ContextTypes,
        MessageHandler,
        filters,
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "?")

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        if query.message is not None:
            await context.bot.send_message(query.message.chat.id, query.data or "?")

    base = base_url.rstrip("/")
    application = (
        Application.builder()
        .token(token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .build()
    )
    application.add_handler(MessageHandler(filters.ALL, echo))
    application.add_handler(CallbackQueryHandler(pressed))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


def main() -> None:
    runtime, base_url, token = sys.argv[1:4]
    if runtime == "aiogram":
        asyncio.run(aiogram_echo(base_url, token))
    else:
        ptb_echo(base_url, token)


if __name__ == "__main__":
    main()
