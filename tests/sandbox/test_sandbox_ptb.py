"""The real python-telegram-bot stack against the sandbox: calls, refusals and an Application."""

from __future__ import annotations

from datetime import timedelta

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.sandbox import SandboxServer
from tests.support.sandbox import TOKEN


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in pairs]
    )


def seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def test_send_edit_answer(sandbox: SandboxServer, ptb_bot: telegram.Bot) -> None:
    user = sandbox.user(42)
    user.send_command("/start")
    sent = await ptb_bot.send_message(42, "Pick one", reply_markup=keyboard(("A", "a")))
    assert sent.reply_markup is not None
    query_id = user.press("a")  # by callback data
    updates = await ptb_bot.get_updates()
    assert updates[-1].callback_query is not None and updates[-1].callback_query.id == query_id
    assert await ptb_bot.answer_callback_query(query_id, text="Ok")
    assert sandbox.unanswered_callbacks() == []
    edited = await ptb_bot.edit_message_text(
        "Picked A", chat_id=42, message_id=sent.message_id, reply_markup=keyboard(("Undo", "u"))
    )
    assert isinstance(edited, telegram.Message) and edited.text == "Picked A"
    assert user.last is not None and user.last.button_texts == ["Undo"]
    same = edited.reply_markup
    with pytest.raises(BadRequest, match="Message is not modified"):
        await ptb_bot.edit_message_reply_markup(42, sent.message_id, reply_markup=same)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await ptb_bot.edit_message_text("x", chat_id=42, message_id=12345)
    with pytest.raises(BadRequest, match="Query is too old"):
        await ptb_bot.answer_callback_query(query_id)


async def test_telegram_limits_raise_bad_request(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    sandbox.user(42).send_text("hi")
    with pytest.raises(BadRequest, match="Message is too long"):
        await ptb_bot.send_message(42, "я" * 4097)
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await ptb_bot.send_message(42, "data", reply_markup=keyboard(("A", "ж" * 33)))
    with pytest.raises(BadRequest, match="Chat not found"):
        await ptb_bot.send_message(777, "nobody started me")


# ptb 22 itself warns, on building RetryAfter, that retry_after will become a timedelta.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_injected_faults(sandbox: SandboxServer, ptb_bot: telegram.Bot) -> None:
    user = sandbox.user(42)
    user.send_text("hi")
    sandbox.faults.fail_next("429", methods=["sendMessage"], retry_after=3)
    with pytest.raises(RetryAfter) as retry:
        await ptb_bot.send_message(42, "first try")
    assert seconds(retry.value) == 3
    sandbox.faults.fail_next("5xx", methods=["sendMessage"])
    with pytest.raises(NetworkError):
        await ptb_bot.send_message(42, "second try")
    sandbox.faults.fail_next("timeout", methods=["sendMessage"], delay=3)
    with pytest.raises(TimedOut):
        await ptb_bot.send_message(42, "third try", read_timeout=0.5)
    await ptb_bot.send_message(42, "delivered")
    assert [m.content for m in user.messages] == ["delivered"]
    sandbox.faults.block(42)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await ptb_bot.send_message(42, "are you there?")


async def test_document_round_trip(sandbox: SandboxServer, ptb_bot: telegram.Bot) -> None:
    user = sandbox.user(42)
    user.send_text("hi")
    sent = await ptb_bot.send_document(42, b"%PDF-1.4 act", filename="act.pdf", caption="Act")
    assert sent.document is not None and sent.document.mime_type == "application/pdf"
    assert user.last is not None and user.last.document_bytes == b"%PDF-1.4 act"
    file = await ptb_bot.get_file(sent.document.file_id)
    assert await file.download_as_bytearray() == bytearray(b"%PDF-1.4 act")
    photo = user.send_photo()
    photo_file = await ptb_bot.get_file(photo.photo[0]["file_id"])
    assert (await photo_file.download_as_bytearray()).startswith(b"\xff\xd8")


async def test_application_polls_the_sandbox(sandbox: SandboxServer) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Hello!", reply_markup=keyboard(("Go", "go")))

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text("Went")

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{sandbox.base_url}/bot")
        .base_file_url(f"{sandbox.base_url}/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            user = sandbox.user(42)
            user.send_command("/start")
            hello = await user.wait_for("Hello")
            user.press("Go")
            went = await user.wait_for("Went")
            assert went.message_id == hello.message_id
            await user.wait_idle(quiet=0.2)
            assert sandbox.unanswered_callbacks() == []
        finally:
            await application.updater.stop()
            await application.stop()
