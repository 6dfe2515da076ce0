"""Files, albums, Telegram replies and edits in the sandbox, through both real clients and raw
calls: what issue 9's conversation relies on (sendVoice, sendVideo, sendMediaGroup, re-sending
by file id, reply_to_message, editMessageReplyMarkup)."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
import telegram
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
)

from bot.sandbox import SandboxServer
from tests.support.sandbox import TOKEN, api

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Take", callback_data="take")]]
)


async def test_voice_and_video_upload_and_resend_by_id(
    sandbox: SandboxServer, aiogram_bot: Bot
) -> None:
    user = sandbox.user(42)
    user.send_text("hi")
    voice = await aiogram_bot.send_voice(
        42, BufferedInputFile(b"OggS voice", "note.ogg"), caption="Listen", duration=4
    )
    assert voice.voice is not None and voice.caption == "Listen"
    assert sandbox.file_bytes(voice.voice.file_id) == b"OggS voice"
    again = await aiogram_bot.send_voice(42, voice.voice.file_id, reply_markup=KEYBOARD)
    assert again.voice is not None and again.voice.file_id == voice.voice.file_id
    assert again.reply_markup is not None
    video = await aiogram_bot.send_video(42, BufferedInputFile(b"mp4", "clip.mp4"))
    assert video.video is not None and video.video.mime_type == "video/mp4"
    resent = await aiogram_bot.send_video(42, video.video.file_id, caption="Again")
    assert resent.video is not None and resent.video.file_id == video.video.file_id
    assert [call.method for call in sandbox.calls] == [
        "sendVoice",
        "sendVoice",
        "sendVideo",
        "sendVideo",
    ]
    assert user.last is not None and user.last.video is not None and user.last.caption == "Again"


async def test_what_people_sent_is_sent_again_by_file_id(
    sandbox: SandboxServer, aiogram_bot: Bot
) -> None:
    user = sandbox.user(42)
    photo = user.send_photo()
    document = user.send_document(b"%PDF act", "act.pdf")
    voice = user.send_voice()
    video = user.send_video()
    assert voice.voice is not None and video.video is not None and document.document
    photo_id = photo.photo[-1]["file_id"]
    assert (await aiogram_bot.send_photo(42, photo_id)).photo
    sent = await aiogram_bot.send_document(42, document.document["file_id"], caption="Act")
    assert sent.document is not None and sent.document.file_name == "act.pdf"
    assert (await aiogram_bot.send_voice(42, voice.voice["file_id"])).voice
    assert (await aiogram_bot.send_video(42, video.video["file_id"])).video
    # Telegram's refusals: an id it never issued, and an id of another kind of file.
    with pytest.raises(TelegramBadRequest, match="wrong file identifier/HTTP URL specified"):
        await aiogram_bot.send_photo(42, "AgACAgIAAxkBAAI-not-a-file")
    with pytest.raises(TelegramBadRequest, match="wrong file identifier/HTTP URL specified"):
        await aiogram_bot.send_document(42, "BQACAgIAAxkBAAI-not-a-file")
    with pytest.raises(TelegramBadRequest, match="type of file mismatch"):
        await aiogram_bot.send_photo(42, voice.voice["file_id"])
    with pytest.raises(TelegramBadRequest, match="type of file mismatch"):
        await aiogram_bot.send_voice(42, photo_id)
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await aiogram_bot.send_voice(42, voice.voice["file_id"], caption="c" * 1025)


async def test_album_of_photos_and_videos_shares_a_media_group(
    sandbox: SandboxServer, aiogram_bot: Bot
) -> None:
    user = sandbox.user(42)
    photos = [user.send_photo().photo[-1]["file_id"] for _ in range(2)]
    video = user.send_video().video
    assert video is not None
    sent = await aiogram_bot.send_media_group(
        42,
        [
            InputMediaPhoto(media=photos[0], caption="Leak"),
            InputMediaPhoto(media=photos[1]),
            InputMediaVideo(media=video["file_id"], caption="Noise"),
        ],
    )
    assert len(sent) == 3
    assert len({message.media_group_id for message in sent}) == 1
    assert sent[0].media_group_id is not None
    assert [message.caption for message in sent] == ["Leak", None, "Noise"]
    assert [message.photo[-1].file_id for message in sent[:2] if message.photo] == photos
    album = user.messages[-3:]
    assert [m.media_group_id for m in album] == [sent[0].media_group_id] * 3
    assert [m.message_id for m in album] == [m.message_id for m in sent]
    assert [c.method for c in sandbox.calls] == ["sendMediaGroup"]


async def test_album_of_documents_uploaded_and_by_id(
    sandbox: SandboxServer, aiogram_bot: Bot
) -> None:
    user = sandbox.user(42)
    known = user.send_document(b"%PDF one", "one.pdf").document
    assert known is not None
    sent = await aiogram_bot.send_media_group(
        42,
        [
            InputMediaDocument(media=known["file_id"]),
            InputMediaDocument(media=BufferedInputFile(b"two", "two.txt"), caption="Both"),
        ],
    )
    assert [m.document.file_name for m in sent if m.document] == ["one.pdf", "two.txt"]
    assert user.last is not None and user.last.document_bytes == b"two"


async def test_album_refusals_are_telegrams(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    user = sandbox.user(42)
    photo = {"type": "photo", "media": user.send_photo().photo[-1]["file_id"]}
    document = user.send_document().document
    assert document is not None
    voice = user.send_voice().voice
    assert voice is not None

    async def album(media: Any) -> str:
        status, body = await api(http, sandbox, "sendMediaGroup", chat_id=42, media=media)
        assert status == 400, body
        return str(body["description"])

    assert await album(None) == 'Bad Request: parameter "media" is required'
    assert await album([]) == "Bad Request: there are no messages to send"
    assert await album([photo] * 11) == "Bad Request: too many messages to send as an album"
    assert await album([photo, {"type": "document", "media": document["file_id"]}]) == (
        "Bad Request: document can't be mixed with other media types"
    )
    assert await album([photo, {"type": "voice", "media": voice["file_id"]}]) == (
        'Bad Request: can\'t parse InputMedia: type "voice" is unsupported'
    )
    assert await album([photo, {"type": "photo", "media": "attach://missing"}]) == (
        "Bad Request: can't parse InputMedia: media not found"
    )
    assert await album([photo, {"type": "photo", "media": "AgAC-unknown"}]) == (
        "Bad Request: wrong file identifier/HTTP URL specified"
    )
    assert await album([photo, {**photo, "caption": "c" * 1025}]) == (
        "Bad Request: message caption is too long"
    )
    assert len(user.messages) == 0  # nothing refused reached the chat
    # Ten is the most; a keyboard is no parameter of sendMediaGroup, so it is ignored; one item
    # goes as an ordinary message.
    markup = {"inline_keyboard": [[{"text": "x", "callback_data": "x"}]]}
    status, body = await api(
        http, sandbox, "sendMediaGroup", chat_id=42, media=[photo] * 10, reply_markup=markup
    )
    assert status == 200 and len(body["result"]) == 10
    assert all("reply_markup" not in message for message in body["result"])
    status, body = await api(http, sandbox, "sendMediaGroup", chat_id=42, media=[photo])
    assert status == 200 and "media_group_id" not in body["result"][0]


async def test_ptb_sends_voice_and_albums(sandbox: SandboxServer, ptb_bot: telegram.Bot) -> None:
    user = sandbox.user(42)
    photos = [user.send_photo().photo[-1]["file_id"] for _ in range(3)]
    sent = await ptb_bot.send_media_group(
        42, [telegram.InputMediaPhoto(photo, caption="Three") for photo in photos]
    )
    assert len(sent) == 3 and len({message.media_group_id for message in sent}) == 1
    voice = await ptb_bot.send_voice(42, b"OggS ptb", caption="Hear")
    assert voice.voice is not None
    again = await ptb_bot.send_voice(42, voice.voice.file_id)
    assert again.voice is not None and again.voice.file_id == voice.voice.file_id
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)wrong file identifier"):
        await ptb_bot.send_document(42, "BQAC-unknown")
    assert [c.method for c in sandbox.calls if c.method != "getMe"] == [
        "sendMediaGroup",
        "sendVoice",
        "sendVoice",
        "sendDocument",
    ]


async def test_people_send_files_and_replies(
    sandbox: SandboxServer, http: aiohttp.ClientSession, aiogram_bot: Bot
) -> None:
    user = sandbox.user(42, first_name="Maria", language_code="en")
    user.send_text("hi")
    question = await aiogram_bot.send_message(42, "Which floor is the machine on?")
    shown = user.send_photo().photo[-1]["file_id"]
    photo = await aiogram_bot.send_photo(42, shown, caption="This?")
    answer = user.send_text("The second", reply_to=question.message_id)
    user.send_voice(caption="listen", duration=7, reply_to=answer)  # a reply to one's own message
    user.send_document(b"%PDF plan", "plan.pdf", caption="Floor plan", reply_to=photo.message_id)
    user.send_video(reply_to=question.message_id)
    with pytest.raises(LookupError, match="no message 999"):
        user.send_text("to nothing", reply_to=999)

    _, body = await api(http, sandbox, "getUpdates")
    text, voice, document, video = (update["message"] for update in body["result"][2:])
    assert text["reply_to_message"]["message_id"] == question.message_id
    assert text["reply_to_message"]["text"] == "Which floor is the machine on?"
    assert text["reply_to_message"]["from"]["is_bot"] is True
    assert voice["voice"]["duration"] == 7 and voice["voice"]["mime_type"] == "audio/ogg"
    assert voice["caption"] == "listen"
    # Telegram never nests a reply's own reply_to_message.
    assert voice["reply_to_message"]["text"] == "The second"
    assert "reply_to_message" not in voice["reply_to_message"]
    assert document["document"]["file_name"] == "plan.pdf"
    assert document["document"]["mime_type"] == "application/pdf"
    assert document["reply_to_message"]["caption"] == "This?"
    assert {"width", "height", "duration"} <= set(video["video"])
    # What people sent is downloadable by the bot, like any file.
    _, file = await api(http, sandbox, "getFile", file_id=voice["voice"]["file_id"])
    path = file["result"]["file_path"]
    async with http.get(f"{sandbox.base_url}/file/bot{TOKEN}/{path}") as response:
        assert (await response.read()).startswith(b"OggS")


async def test_edits_of_text_keyboard_and_caption_are_kept_in_the_log(
    sandbox: SandboxServer, aiogram_bot: Bot
) -> None:
    user = sandbox.user(42)
    user.send_text("hi")
    alert = await aiogram_bot.send_message(42, "New job #7", reply_markup=KEYBOARD)
    voice = await aiogram_bot.send_voice(42, BufferedInputFile(b"OggS", "v.ogg"), caption="v1")
    assert (await user.wait_for("New job #7")).button_texts == ["Take"]
    await aiogram_bot.edit_message_reply_markup(chat_id=42, message_id=alert.message_id)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await aiogram_bot.edit_message_reply_markup(chat_id=42, message_id=alert.message_id)
    await aiogram_bot.edit_message_text(
        "Job #7: taken by Petar", chat_id=42, message_id=alert.message_id
    )
    await aiogram_bot.edit_message_caption(chat_id=42, message_id=voice.message_id, caption="v2")
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await aiogram_bot.edit_message_text("x", chat_id=42, message_id=voice.message_id)

    # Each version stays in the chat's log in order, as the page and wait_for read it.
    unkeyed = await user.wait_for(lambda m: m.message_id == alert.message_id)
    assert (unkeyed.content, unkeyed.buttons, unkeyed.edit_date is not None) == (
        "New job #7",
        [],
        True,
    )
    assert (await user.wait_for("taken by Petar")).message_id == alert.message_id
    assert (await user.wait_for("v2")).voice is not None
    events = [(e.kind, e.message.content) for e in user.bot.events(42) if e.message]
    assert events[-3:] == [
        ("edit", "New job #7"),
        ("edit", "Job #7: taken by Petar"),
        ("edit", "v2"),
    ]
    statuses = [(c.method, c.status) for c in sandbox.calls if c.method.startswith("edit")]
    assert statuses == [
        ("editMessageReplyMarkup", 200),
        ("editMessageReplyMarkup", 400),
        ("editMessageText", 200),
        ("editMessageCaption", 200),
        ("editMessageText", 400),
    ]


async def test_control_api_sends_files_and_replies(
    sandbox: SandboxServer, http: aiohttp.ClientSession, aiogram_bot: Bot
) -> None:
    sandbox.user(42).send_text("hi")
    question = await aiogram_bot.send_message(42, "Anything else?")

    async def act(path: str, **body: Any) -> dict[str, Any]:
        async with http.post(f"{sandbox.base_url}/sandbox/users/42/{path}", json=body) as answer:
            return dict(await answer.json())

    text = await act("text", text="Yes", reply_to=question.message_id)
    assert text["result"]["message"]["reply_to_message"]["text"] == "Anything else?"
    voice = await act("voice", reply_to=question.message_id, duration=2)
    assert voice["result"]["message"]["voice"]["duration"] == 2
    document = await act("document", file_name="act.pdf", caption="Signed")
    assert document["result"]["message"]["document"]["file_name"] == "act.pdf"
    video = await act("video")
    assert video["ok"] and video["result"]["message"]["video"]["mime_type"] == "video/mp4"
    assert (await act("text", text="x", reply_to=999)) == {
        "ok": False,
        "error": "no message 999 in chat 42 to reply to",
    }


async def test_each_message_of_an_album_counts_against_the_group_limit(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    team = sandbox.group(-100500, "Service managers")
    user = sandbox.user(42)
    photo = {"type": "photo", "media": user.send_photo().photo[-1]["file_id"]}
    sandbox.flood.enable(per_group_minute=20)
    for _ in range(2):
        status, _ = await api(
            http, sandbox, "sendMediaGroup", chat_id=team.chat_id, media=[photo] * 10
        )
        assert status == 200
    status, body = await api(http, sandbox, "sendMessage", chat_id=team.chat_id, text="one more")
    assert status == 429 and body["parameters"]["retry_after"] > 0
    assert len(team.messages) == 20
