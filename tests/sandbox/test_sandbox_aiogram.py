"""The real aiogram stack against the sandbox: calls, Telegram's refusals and a polling bot."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.sandbox import SandboxServer


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data)] for text, data in pairs
        ]
    )


async def test_send_edit_answer(sandbox: SandboxServer, aiogram_bot: Bot) -> None:
    user = sandbox.user(42)
    user.send_command("/start")
    sent = await aiogram_bot.send_message(
        42, "Pick one", reply_markup=keyboard(("A", "a"), ("B", "b"))
    )
    assert sent.from_user is not None and sent.from_user.id == 123456
    assert user.last is not None and user.last.button_texts == ["A", "B"]
    query_id = user.press("B")
    [*_, update] = await aiogram_bot.get_updates()
    assert update.callback_query is not None and update.callback_query.data == "b"
    assert await aiogram_bot.answer_callback_query(query_id, text="Saved", show_alert=True)
    answer = await user.wait_answer(query_id)
    assert (answer.text, answer.show_alert) == ("Saved", True)
    edited = await aiogram_bot.edit_message_text(
        "Picked B", chat_id=42, message_id=sent.message_id
    )
    assert (
        isinstance(edited, Message) and edited.text == "Picked B" and edited.reply_markup is None
    )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await aiogram_bot.edit_message_text("Picked B", chat_id=42, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await aiogram_bot.edit_message_text("x", chat_id=42, message_id=999)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await aiogram_bot.answer_callback_query(query_id)
    assert await aiogram_bot.delete_message(42, sent.message_id)
    assert user.messages == []


async def test_telegram_limits_raise_bad_request(sandbox: SandboxServer, aiogram_bot: Bot) -> None:
    sandbox.user(42).send_text("hi")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await aiogram_bot.send_message(42, "x" * 4097)
    await aiogram_bot.send_message(42, "x" * 4096)
    with pytest.raises(TelegramBadRequest, match="Bad Request: BUTTON_DATA_INVALID"):
        await aiogram_bot.send_message(42, "too long data", reply_markup=keyboard(("A", "d" * 65)))
    with pytest.raises(TelegramBadRequest, match="Bad Request: message text is empty"):
        await aiogram_bot.send_message(42, "   ")
    photo = sandbox.user(42).send_photo()
    with pytest.raises(TelegramBadRequest, match="Bad Request: message caption is too long"):
        await aiogram_bot.send_photo(42, photo.photo[0]["file_id"], caption="c" * 1025)
    with pytest.raises(TelegramBadRequest, match="Bad Request: chat not found"):
        await aiogram_bot.send_message(777, "nobody started me")


async def test_injected_faults(sandbox: SandboxServer, aiogram_bot: Bot) -> None:
    user = sandbox.user(42)
    user.send_text("hi")
    sandbox.faults.fail_next("429", methods=["sendMessage"], retry_after=7)
    with pytest.raises(TelegramRetryAfter) as retry:
        await aiogram_bot.send_message(42, "first try")
    assert retry.value.retry_after == 7
    sandbox.faults.fail_next("5xx", methods=["sendMessage"])
    with pytest.raises(TelegramServerError):
        await aiogram_bot.send_message(42, "second try")
    sandbox.faults.fail_next("timeout", methods=["sendMessage"], delay=5)
    with pytest.raises(TelegramNetworkError):
        await aiogram_bot.send_message(42, "third try", request_timeout=1)
    await aiogram_bot.send_message(42, "delivered")
    assert [m.content for m in user.messages] == ["delivered"]  # faults never perform the send
    user.block_bot()
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await aiogram_bot.send_message(42, "are you there?")
    user.unblock_bot()
    await aiogram_bot.send_message(42, "welcome back")
    statuses = [call.status for call in sandbox.calls if call.method == "sendMessage"]
    assert statuses == [429, 502, 0, 200, 403, 200] or statuses == [429, 500, 0, 200, 403, 200]


async def test_documents_and_photos_round_trip(sandbox: SandboxServer, aiogram_bot: Bot) -> None:
    user = sandbox.user(42)
    user.send_text("report please")
    payload = b"date;hours\n2026-11-22;8\n"
    sent = await aiogram_bot.send_document(
        42, BufferedInputFile(payload, filename="hours.csv"), caption="November"
    )
    assert sent.document is not None and sent.document.file_name == "hours.csv"
    assert user.last is not None
    assert (user.last.document_bytes, user.last.document_name) == (payload, "hours.csv")
    file = await aiogram_bot.get_file(sent.document.file_id)
    assert file.file_path is not None
    downloaded = await aiogram_bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == payload
    photo = user.send_photo(caption="meter")
    resent = await aiogram_bot.send_photo(42, photo.photo[-1]["file_id"])
    assert resent.photo is not None and resent.photo[-1].file_id == photo.photo[-1]["file_id"]
    location = await aiogram_bot.send_location(42, latitude=42.7, longitude=23.3)
    assert location.location is not None and location.location.latitude == 42.7


async def test_reply_keyboard_and_commands(sandbox: SandboxServer, aiogram_bot: Bot) -> None:
    user = sandbox.user(42)
    user.send_text("hi")
    share = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Share phone", request_contact=True)]],
        one_time_keyboard=True,
        resize_keyboard=True,
    )
    sent = await aiogram_bot.send_message(42, "Your phone?", reply_markup=share)
    assert sent.reply_markup is None  # Telegram echoes inline keyboards only
    assert user.keyboard == [["Share phone"]]
    await aiogram_bot.send_message(42, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert user.keyboard is None
    assert await aiogram_bot.set_my_commands([BotCommand(command="start", description="Begin")])
    commands = await aiogram_bot.get_my_commands()
    assert [c.command for c in commands] == ["start"]
    assert await aiogram_bot.delete_my_commands()
    assert await aiogram_bot.get_my_commands() == []
    assert await aiogram_bot.send_chat_action(42, "typing")
    chat = await aiogram_bot.get_chat(42)
    assert chat.first_name == "Ivan"


async def test_dispatcher_polls_the_sandbox(sandbox: SandboxServer, aiogram_bot: Bot) -> None:
    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Welcome! Create a ticket?", reply_markup=keyboard(("Yes", "new")))

    @dispatcher.callback_query(F.data == "new")
    async def new_ticket(query: CallbackQuery) -> None:
        await query.answer("Creating")
        assert isinstance(query.message, Message)
        await query.message.edit_text("Ticket #1 created")

    polling = asyncio.create_task(
        dispatcher.start_polling(
            aiogram_bot, polling_timeout=1, handle_signals=False, close_bot_session=False
        )
    )
    try:
        user = sandbox.user(42)
        user.send_command("/start")
        welcome = await user.wait_for("Welcome")
        query_id = user.press("Yes", welcome)
        created = await user.wait_for("created")
        assert created.message_id == welcome.message_id
        assert (await user.wait_answer(query_id)).text == "Creating"
        await user.wait_idle(quiet=0.2)
        assert sandbox.unanswered_callbacks() == []
    finally:
        await dispatcher.stop_polling()
        await asyncio.wait_for(polling, 10)
