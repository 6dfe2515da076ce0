"""The update → Incoming rules, on plain Bot API dicts, and their agreement across frameworks."""

from __future__ import annotations

from typing import Any

import pytest
import telegram
from aiogram.types import Update as AiogramUpdate

from bot.core.events import Attachment, Contact, EventKind, Incoming, Location
from bot.runtimes.convert import incoming_from_update
from storage.models import AttachmentKind

USER = {
    "id": 42,
    "is_bot": False,
    "first_name": "Anna",
    "last_name": "Petrova",
    "username": "anna_p",
    "language_code": "ru",
}
PRIVATE = {"id": 42, "type": "private", "first_name": "Anna"}
GROUP = {"id": -100123, "type": "supergroup", "title": "Service team"}


def message(update_id: int = 1, chat: dict[str, Any] = PRIVATE, **fields: Any) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {"message_id": 7, "date": 1_700_000_000, "chat": chat, "from": USER, **fields},
    }


def photo_sizes() -> list[dict[str, Any]]:
    # Deliberately not in size order: the converter must put the largest last.
    return [
        {"file_id": "big", "file_unique_id": "b", "width": 1280, "height": 960},
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 67},
        {"file_id": "mid", "file_unique_id": "m", "width": 320, "height": 240},
    ]


BOT = {"id": 123456, "is_bot": True, "first_name": "fieldbot", "username": "fieldbot"}
# Bot messages a person answers with Telegram's Reply: a question, and a photo with a caption.
BOT_QUESTION = {
    "message_id": 5,
    "date": 1_700_000_000,
    "chat": PRIVATE,
    "from": BOT,
    "text": "#12: which floor is the machine on?",
}
BOT_PHOTO = {
    "message_id": 6,
    "date": 1_700_000_000,
    "chat": PRIVATE,
    "from": BOT,
    "photo": photo_sizes(),
    "caption": "#12: is this the one?",
}

CALLBACK: dict[str, Any] = {
    "update_id": 9,
    "callback_query": {
        "id": "cb-1",
        "from": USER,
        "chat_instance": "ci",
        "data": "job:17",
        "message": {"message_id": 55, "date": 1_700_000_000, "chat": GROUP, "text": "Pick"},
    },
}

SAMPLES: dict[str, dict[str, Any]] = {
    "text": message(text="Hello"),
    "command": message(text="/report@fieldbot pump 3"),
    "contact": message(
        contact={"phone_number": "+79001234567", "first_name": "Anna", "user_id": 42}
    ),
    "location": message(location={"latitude": 55.75, "longitude": 37.61}),
    "photo": message(photo=photo_sizes(), caption="broken valve"),
    "callback": CALLBACK,
    "group_text": message(chat=GROUP, text="hi all"),
    "document": message(
        document={
            "file_id": "doc",
            "file_unique_id": "d",
            "file_name": "act.pdf",
            "mime_type": "application/pdf",
        },
        caption="signed act",
    ),
    "voice": message(voice={"file_id": "voc", "file_unique_id": "v", "duration": 4}),
    "video": message(
        video={"file_id": "vid", "file_unique_id": "w", "width": 640, "height": 360, "duration": 5}
    ),
    "reply": message(text="The second floor", reply_to_message=BOT_QUESTION),
    "photo_reply": message(photo=photo_sizes(), reply_to_message=BOT_PHOTO),
}


def test_text_carries_person_and_chat() -> None:
    incoming = incoming_from_update(SAMPLES["text"])
    assert incoming == Incoming(
        update_id=1,
        kind=EventKind.TEXT,
        chat_id=42,
        user_id=42,
        chat_type="private",
        user_name="Anna Petrova",
        username="anna_p",
        language_code="ru",
        text="Hello",
        message_id=7,
    )


def test_command_is_split_and_bot_suffix_dropped() -> None:
    incoming = incoming_from_update(SAMPLES["command"], bot_username="FieldBot")
    assert incoming is not None
    assert (incoming.kind, incoming.command, incoming.args) == (
        EventKind.COMMAND,
        "report",
        "pump 3",
    )
    assert incoming.text == "/report@fieldbot pump 3"


def test_command_for_another_bot_stays_text() -> None:
    update = message(chat=GROUP, text="/start@otherbot")
    incoming = incoming_from_update(update, bot_username="fieldbot")
    assert incoming is not None
    assert (incoming.kind, incoming.command, incoming.chat_type) == (
        EventKind.TEXT,
        None,
        "supergroup",
    )
    # Without knowing our own name every addressed command counts as ours.
    assert incoming_from_update(update).kind is EventKind.COMMAND  # type: ignore[union-attr]


def test_contact() -> None:
    incoming = incoming_from_update(SAMPLES["contact"])
    assert incoming is not None
    assert incoming.kind is EventKind.CONTACT
    assert incoming.contact == Contact(phone="+79001234567", user_id=42, first_name="Anna")


def test_location_static_and_live_edit() -> None:
    incoming = incoming_from_update(SAMPLES["location"])
    assert incoming is not None
    assert incoming.kind is EventKind.LOCATION
    assert incoming.location == Location(latitude=55.75, longitude=37.61, live=False)

    live_edit = {
        "update_id": 3,
        "edited_message": {
            "message_id": 8,
            "date": 1_700_000_000,
            "edit_date": 1_700_000_060,
            "chat": PRIVATE,
            "from": USER,
            "location": {"latitude": 55.76, "longitude": 37.62, "live_period": 900},
        },
    }
    moved = incoming_from_update(live_edit)
    assert moved is not None
    assert moved.kind is EventKind.LOCATION
    assert moved.location == Location(latitude=55.76, longitude=37.62, live=True)


def test_photo_ids_largest_last_with_caption_as_text() -> None:
    incoming = incoming_from_update(SAMPLES["photo"])
    assert incoming is not None
    assert incoming.kind is EventKind.ATTACHMENT
    assert incoming.attachments == (Attachment(AttachmentKind.PHOTO, "big"),)
    assert incoming.text == "broken valve"


@pytest.mark.parametrize(
    ("name", "expected", "text"),
    [
        ("document", Attachment(AttachmentKind.DOCUMENT, "doc", "act.pdf"), "signed act"),
        ("voice", Attachment(AttachmentKind.VOICE, "voc"), ""),
        ("video", Attachment(AttachmentKind.VIDEO, "vid"), ""),
    ],
)
def test_documents_voice_notes_and_videos_are_attachments(
    name: str, expected: Attachment, text: str
) -> None:
    incoming = incoming_from_update(SAMPLES[name])
    assert incoming is not None
    assert (incoming.kind, incoming.attachments, incoming.text) == (
        EventKind.ATTACHMENT,
        (expected,),
        text,
    )
    assert (incoming.reply_to_message_id, incoming.reply_to_text) == (None, "")


def test_a_reply_carries_the_answered_message_and_its_text_or_caption() -> None:
    reply = incoming_from_update(SAMPLES["reply"])
    assert reply is not None
    assert (reply.kind, reply.text) == (EventKind.TEXT, "The second floor")
    assert (reply.reply_to_message_id, reply.reply_to_text) == (
        5,
        "#12: which floor is the machine on?",
    )
    photo = incoming_from_update(SAMPLES["photo_reply"])
    assert photo is not None and photo.kind is EventKind.ATTACHMENT
    assert (photo.reply_to_message_id, photo.reply_to_text) == (6, "#12: is this the one?")


def test_contact_wins_over_text_and_photo_over_command_caption() -> None:
    both = message(text="+7 900", contact={"phone_number": "+7900"})
    assert incoming_from_update(both).kind is EventKind.CONTACT  # type: ignore[union-attr]
    captioned = message(photo=photo_sizes(), caption="/report")
    assert incoming_from_update(captioned).kind is EventKind.ATTACHMENT  # type: ignore[union-attr]


def test_callback_takes_chat_and_message_from_the_pressed_message() -> None:
    incoming = incoming_from_update(CALLBACK)
    assert incoming is not None
    assert incoming.kind is EventKind.CALLBACK
    assert (incoming.callback_id, incoming.callback_data) == ("cb-1", "job:17")
    assert (incoming.chat_id, incoming.chat_type, incoming.message_id) == (
        -100123,
        "supergroup",
        55,
    )
    assert incoming.user_id == 42


def test_callback_without_message_answers_in_private() -> None:
    query = {k: v for k, v in CALLBACK["callback_query"].items() if k != "message"}
    incoming = incoming_from_update(
        {"update_id": 4, "callback_query": query | {"inline_message_id": "im"}}
    )
    assert incoming is not None
    assert (incoming.chat_id, incoming.message_id) == (42, None)


@pytest.mark.parametrize(
    "update",
    [
        message(sticker={"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1}),
        {"update_id": 5, "edited_message": message(text="edited")["message"]},
        {
            "update_id": 6,
            "my_chat_member": {
                "chat": PRIVATE,
                "from": USER,
                "date": 1_700_000_000,
                "old_chat_member": {"status": "member", "user": USER},
                "new_chat_member": {"status": "kicked", "user": USER, "until_date": 0},
            },
        },
    ],
    ids=["sticker", "edited-text", "blocked-bot"],
)
def test_other_things_people_do_are_other(update: dict[str, Any]) -> None:
    incoming = incoming_from_update(update)
    assert incoming is not None
    assert (incoming.kind, incoming.user_id) == (EventKind.OTHER, 42)


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 10, "poll": {"id": "p", "question": "?", "options": []}},
        {
            "update_id": 11,
            "channel_post": {"message_id": 1, "date": 0, "chat": GROUP, "text": "news"},
        },
        {"update_id": 13, "message": {**message(text="anonymous")["message"], "from": None}},
        {
            "update_id": 12,
            "message": {**message(text="hi")["message"], "from": {**USER, "is_bot": True}},
        },
        {  # an anonymous group admin: from GroupAnonymousBot, on behalf of the group
            "update_id": 14,
            "message": {
                **message(chat=GROUP, text="/status")["message"],
                "from": {"id": 1087968824, "is_bot": True, "first_name": "Group"},
                "sender_chat": GROUP,
            },
        },
        {  # a linked channel's post forwarded into its discussion group: "from" 777000
            "update_id": 15,
            "message": {
                **message(chat=GROUP, text="/report")["message"],
                "from": {"id": 777000, "is_bot": False, "first_name": "Telegram"},
                "sender_chat": {"id": -100999, "type": "channel", "title": "News"},
                "is_automatic_forward": True,
            },
        },
        {  # a member writing as one of their channels
            "update_id": 16,
            "message": {
                **message(chat=GROUP, text="/status")["message"],
                "sender_chat": {"id": -100998, "type": "channel", "title": "Mine"},
            },
        },
    ],
    ids=[
        "poll",
        "channel-post",
        "no-sender",
        "bot-sender",
        "anonymous-admin",
        "linked-channel",
        "as-channel",
    ],
)
def test_updates_without_a_person_are_ignored(update: dict[str, Any]) -> None:
    assert incoming_from_update(update) is None


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_both_frameworks_dump_to_the_same_incoming(name: str) -> None:
    """The shared converter relies on each framework's dict export keeping Bot API names."""
    raw = SAMPLES[name]
    aiogram_dict = AiogramUpdate.model_validate(raw).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    ptb_dict = telegram.Update.de_json(raw, None).to_dict()

    expected = incoming_from_update(raw, bot_username="fieldbot")
    assert expected is not None
    assert incoming_from_update(aiogram_dict, bot_username="fieldbot") == expected
    assert incoming_from_update(ptb_dict, bot_username="fieldbot") == expected
