"""Bot API methods that send, edit and delete messages and answer button presses.

Validation follows Telegram's order and wording, so a bot that passes here is refused by
Telegram for the same reasons only.
"""

from __future__ import annotations

import mimetypes
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlparse

from bot.sandbox.errors import bad_request, forbidden
from bot.sandbox.files import FileStore, StoredFile
from bot.sandbox.markup import inline_only, normalize_markup
from bot.sandbox.messages import SandboxMessage
from bot.sandbox.params import Upload, chat_ref, get_bool, get_float, get_int, get_json, get_str
from bot.sandbox.registry import Call, method

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ALBUM_LIMIT = 10
# What the sandbox's sendMediaGroup accepts (Telegram's audio albums are not simulated).
ALBUM_KINDS = ("photo", "video", "document")
PARSE_MODES = ("html", "markdown", "markdownv2")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_BLOCKED = {
    "private": "bot was blocked by the user",
    "group": "bot was kicked from the group chat",
    "supergroup": "bot was kicked from the supergroup chat",
    "channel": "bot is not a member of the channel chat",
}


Files = tuple[StoredFile, ...]  # a photo's sizes, or the one file of any other kind


def target_chat(call: Call) -> dict[str, Any]:
    """The chat named by ``chat_id``: 403 when blocked, 400 when unknown."""
    ref = chat_ref(call.params)
    state = call.state
    if isinstance(ref, int) and ref in state.faults.blocked:
        if ref in state.groups:
            raise forbidden(_BLOCKED.get(state.groups[ref].type, _BLOCKED["supergroup"]))
        if ref in state.people:
            raise forbidden(_BLOCKED["private"])
    return state.chat_object(call.bot, ref)


def _text(raw: str | None) -> str:
    text = (raw or "").strip()
    if not text:
        raise bad_request("message text is empty")
    if len(text) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return text


def _caption(raw: str | None) -> str | None:
    caption = (raw or "").strip()
    if len(caption) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    return caption or None


def _parse_mode(call: Call) -> str | None:
    return _checked_parse_mode(get_str(call.params, "parse_mode"))


def _checked_parse_mode(mode: str | None) -> str | None:
    if mode and mode.lower() not in PARSE_MODES:
        raise bad_request(f"unsupported parse_mode {mode}")
    return mode or None


def _entities(call: Call, name: str) -> tuple[dict[str, Any], ...]:
    entities = get_json(call.params, name)
    if entities is None:
        return ()
    if not isinstance(entities, list):
        raise bad_request(f"can't parse {name} JSON array")
    return tuple(entities)


def _thread(call: Call, chat: dict[str, Any]) -> tuple[int | None, bool]:
    """``message_thread_id``, and whether it is a forum topic."""
    thread_id = get_int(call.params, "message_thread_id")
    if thread_id is None:
        return None, False
    group = call.state.groups.get(int(chat["id"]))
    if group is not None and group.is_forum:
        if thread_id not in group.topics:
            raise bad_request("message thread not found")
        return thread_id, True
    return thread_id, False


def _reply_to(call: Call, chat: dict[str, Any]) -> dict[str, Any]:
    params = get_json(call.params, "reply_parameters") or {}
    reply_id = get_int(call.params, "reply_to_message_id") or get_int(params, "message_id")
    if reply_id is None:
        return {}
    original = call.bot.message(int(chat["id"]), reply_id)
    if original is None:
        allowed = get_bool(params, "allow_sending_without_reply") or get_bool(
            call.params, "allow_sending_without_reply"
        )
        if allowed:
            return {}
        raise bad_request("message to be replied not found")
    return {"reply_to_message": original.as_replied()}


def _send(call: Call, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
    """Store a new bot message in ``chat`` and return its Telegram form."""
    markup = normalize_markup(get_json(call.params, "reply_markup"))
    message = _store(call, chat, markup, _parse_mode(call), **content)
    return message.to_api()


def _store(
    call: Call,
    chat: dict[str, Any],
    markup: dict[str, Any] | None,
    parse_mode: str | None,
    **content: Any,
) -> SandboxMessage:
    thread_id, is_topic = _thread(call, chat)
    message = SandboxMessage(
        message_id=call.bot.new_message_id(int(chat["id"])),
        chat=chat,
        sender={} if chat.get("type") == "channel" else call.bot.as_sender(),
        date=int(time.time()),
        from_bot=True,
        reply_markup=markup,
        thread_id=thread_id,
        is_topic_message=is_topic,
        parse_mode=parse_mode,
        extra=_reply_to(call, chat),
        **content,
    )
    call.bot.store(message)
    return message


def _upload(call: Call, name: str) -> Upload | str | None:
    """A file parameter: an upload (direct or ``attach://``), a file id or URL, or None."""
    value = call.params.get(name)
    if isinstance(value, str) and value.startswith("attach://"):
        value = call.params.get(value.removeprefix("attach://"))
        if not isinstance(value, Upload):
            raise bad_request(f"wrong HTTP URL specified for {name}")
    if isinstance(value, Upload) or value is None:
        return value
    return str(value)


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _new_file(files: FileStore, kind: str, upload: Upload | None, url: str = "") -> Files:
    """Store what the bot uploads (or what Telegram would fetch from ``url``) as ``kind``."""
    name = upload.filename if upload else urlparse(url).path.rsplit("/", 1)[-1] or "file"
    data = upload.data if upload else None
    if kind == "photo":
        return files.add_photo(data)
    if kind == "voice":
        mime = upload.content_type if upload and upload.content_type.startswith("audio/") else None
        return (files.add_voice(data, mime_type=mime or "audio/ogg"),)
    if kind == "video":
        return (files.add_video(data, file_name=name),)
    guessed = mimetypes.guess_type(name)[0] or (upload.content_type if upload else None)
    return (files.add_document(data or b"", name, guessed),)


def _known_file(files: FileStore, kind: str, file_id: str) -> Files:
    """A file the bot may send again by its id, if it is of this kind (Telegram's way)."""
    found = files.photo_set(file_id) if kind == "photo" else None
    stored = files.get(file_id)
    if found is not None:
        return found
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request("type of file mismatch")
    return (stored,)


def _file(call: Call, kind: str, value: Upload | str) -> Files:
    if isinstance(value, Upload):
        return _new_file(call.bot.files, kind, value)
    if _is_url(value):
        return _new_file(call.bot.files, kind, None, value)
    return _known_file(call.bot.files, kind, value)


def _file_content(kind: str, files: Files) -> dict[str, Any]:
    """What a message carrying these files holds, as :class:`SandboxMessage` fields."""
    if kind == "photo":
        return {"photo": tuple(size.as_photo_size() for size in files)}
    stored = files[0]
    if kind == "document":
        return {"document": stored.as_document(), "document_bytes": stored.data}
    return {kind: stored.as_object()}


async def _send_file(call: Call, kind: str) -> dict[str, Any]:
    """sendPhoto, sendDocument, sendVoice and sendVideo: one file with an optional caption."""
    chat = target_chat(call)
    value = _upload(call, kind)
    if value is None:
        raise bad_request(f"there is no {kind} in the request")
    files = _file(call, kind, value)
    caption = _caption(get_str(call.params, "caption"))
    return _send(
        call,
        chat,
        caption=caption,
        entities=_entities(call, "caption_entities"),
        **_file_content(kind, files),
    )


@method("sendMessage")
async def send_message(call: Call) -> dict[str, Any]:
    chat = target_chat(call)
    text = _text(get_str(call.params, "text"))
    return _send(call, chat, text=text, entities=_entities(call, "entities"))


@method("sendPhoto")
async def send_photo(call: Call) -> dict[str, Any]:
    return await _send_file(call, "photo")


@method("sendDocument")
async def send_document(call: Call) -> dict[str, Any]:
    return await _send_file(call, "document")


@method("sendVoice")
async def send_voice(call: Call) -> dict[str, Any]:
    return await _send_file(call, "voice")


@method("sendVideo")
async def send_video(call: Call) -> dict[str, Any]:
    return await _send_file(call, "video")


@dataclass(frozen=True, slots=True)
class _AlbumItem:
    kind: str
    media: Upload | str
    caption: str | None
    entities: tuple[dict[str, Any], ...]
    parse_mode: str | None


def _album_item(call: Call, raw: Any) -> _AlbumItem:
    """One ``InputMedia`` of sendMediaGroup, refused with the Bot API's words."""
    if not isinstance(raw, dict):
        raise bad_request("can't parse InputMedia: object expected")
    kind = str(raw.get("type", ""))
    if kind not in ALBUM_KINDS:
        raise bad_request(f'can\'t parse InputMedia: type "{kind}" is unsupported')
    media = raw.get("media")
    if isinstance(media, str) and media.startswith("attach://"):
        media = call.params.get(media.removeprefix("attach://"))
    if not isinstance(media, Upload | str) or not media:
        raise bad_request("can't parse InputMedia: media not found")
    entities = raw.get("caption_entities") or ()
    if not isinstance(entities, list | tuple):
        raise bad_request("can't parse InputMedia: caption_entities must be an array")
    mode, caption = raw.get("parse_mode"), raw.get("caption")
    return _AlbumItem(
        kind,
        media,
        _caption(None if caption is None else str(caption)),
        tuple(entities),
        _checked_parse_mode(mode if isinstance(mode, str) else None),
    )


def _album(call: Call) -> list[_AlbumItem]:
    raw = get_json(call.params, "media")
    if raw is None:
        raise bad_request('parameter "media" is required')
    if not isinstance(raw, list):
        raise bad_request("expected an Array of InputMedia")
    if not raw:
        raise bad_request("there are no messages to send")
    if len(raw) > ALBUM_LIMIT:
        raise bad_request("too many messages to send as an album")
    items = [_album_item(call, item) for item in raw]
    kinds = {item.kind for item in items}
    if "document" in kinds and len(kinds) > 1:  # photos and videos mix; documents do not
        raise bad_request("document can't be mixed with other media types")
    return items


@method("sendMediaGroup")
async def send_media_group(call: Call) -> list[dict[str, Any]]:
    """An album: 2–10 photos and videos, or documents, each with its own caption; Telegram
    takes no keyboard here. The messages share a ``media_group_id`` (one item is sent as an
    ordinary message)."""
    items = _album(call)
    chat = target_chat(call)
    contents = [_file_content(item.kind, _file(call, item.kind, item.media)) for item in items]
    group_id = str(secrets.randbits(62)) if len(items) > 1 else None
    sent = [
        _store(
            call,
            chat,
            None,
            item.parse_mode,
            caption=item.caption,
            entities=item.entities if item.caption else (),
            media_group_id=group_id,
            **content,
        )
        for item, content in zip(items, contents, strict=True)
    ]
    return [message.to_api() for message in sent]


@method("sendLocation")
async def send_location(call: Call) -> dict[str, Any]:
    chat = target_chat(call)
    latitude = get_float(call.params, "latitude")
    longitude = get_float(call.params, "longitude")
    if latitude is None or not -90 <= latitude <= 90:
        raise bad_request("wrong latitude")
    if longitude is None or not -180 <= longitude <= 180:
        raise bad_request("wrong longitude")
    location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    live_period = get_int(call.params, "live_period")
    if live_period:
        location["live_period"] = live_period
    return _send(call, chat, location=location)


@method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    target_chat(call)
    if get_str(call.params, "action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


def _editable(call: Call) -> tuple[dict[str, Any], SandboxMessage]:
    if get_str(call.params, "inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = target_chat(call)
    message_id = get_int(call.params, "message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = call.bot.message(int(chat["id"]), message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message


def _edit_markup(call: Call) -> dict[str, Any] | None:
    markup = normalize_markup(get_json(call.params, "reply_markup"))
    if markup is not None and inline_only(markup) is None:
        raise bad_request("inline keyboard expected")
    return markup


def _save_edit(call: Call, old: SandboxMessage, new: SandboxMessage) -> dict[str, Any]:
    if new.content == old.content and new.reply_markup == inline_only(old.reply_markup):
        raise bad_request(NOT_MODIFIED)
    edited = replace(new, edit_date=int(time.time()))
    call.bot.store(edited, "edit")
    return edited.to_api()


@method("editMessageText")
async def edit_message_text(call: Call) -> dict[str, Any]:
    _, old = _editable(call)
    if old.text is None:
        raise bad_request("there is no text in the message to edit")
    text = _text(get_str(call.params, "text"))
    markup = _edit_markup(call)
    new = replace(
        old,
        text=text,
        entities=_entities(call, "entities"),
        reply_markup=markup,
        parse_mode=_parse_mode(call),
    )
    return _save_edit(call, old, new)


@method("editMessageCaption")
async def edit_message_caption(call: Call) -> dict[str, Any]:
    _, old = _editable(call)
    if not old.has_media:
        raise bad_request("there is no caption in the message to edit")
    caption = _caption(get_str(call.params, "caption"))
    new = replace(
        old,
        caption=caption,
        entities=_entities(call, "caption_entities"),
        reply_markup=_edit_markup(call),
        parse_mode=_parse_mode(call),
    )
    return _save_edit(call, old, new)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    _, old = _editable(call)
    return _save_edit(call, old, replace(old, reply_markup=_edit_markup(call)))


@method("deleteMessage")
async def delete_message(call: Call) -> bool:
    chat = target_chat(call)
    message_id = get_int(call.params, "message_id")
    message = call.bot.message(int(chat["id"]), message_id or 0)
    if message is None:
        raise bad_request("message to delete not found")
    call.bot.store(replace(message, deleted=True), "delete")
    return True


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    query_id = get_str(call.params, "callback_query_id") or ""
    record = call.bot.callbacks.get(query_id)
    if record is None or record.answered:
        raise bad_request(QUERY_TOO_OLD)
    text = get_str(call.params, "text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    record.text = text or None
    record.show_alert = get_bool(call.params, "show_alert")
    record.url = get_str(call.params, "url")
    call.bot.log_answer(record)
    return True
