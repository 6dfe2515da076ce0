"""Messages as the sandbox keeps them, and their Telegram JSON form.

A :class:`SandboxMessage` is immutable: an edit stores a new version, so a snapshot handed to a
test never changes under it while the chat's current view does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.markup import inline_buttons, inline_only, reply_keyboard

_COMMAND = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{4,32}(?!\w)")


def utf16_len(text: str) -> int:
    """Entity offsets and lengths are counted in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def detect_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` and ``mention`` entities Telegram's servers attach to user text."""
    found: list[tuple[int, str, str]] = []
    for kind, pattern in (("bot_command", _COMMAND), ("mention", _MENTION)):
        found.extend((m.start(), m.group(), kind) for m in pattern.finditer(text))
    return [
        {"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(token)}
        for start, token, kind in sorted(found)
    ]


@dataclass(frozen=True, slots=True)
class SandboxMessage:
    """One version of a message, with both what Telegram returns and what tests want to read."""

    message_id: int
    chat: dict[str, Any]
    sender: dict[str, Any]
    date: int
    from_bot: bool
    text: str | None = None
    entities: tuple[dict[str, Any], ...] = ()
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    photo: tuple[dict[str, Any], ...] = ()
    document: dict[str, Any] | None = None
    document_bytes: bytes | None = None
    voice: dict[str, Any] | None = None
    video: dict[str, Any] | None = None
    media_group_id: str | None = None
    location: dict[str, Any] | None = None
    contact: dict[str, Any] | None = None
    thread_id: int | None = None
    is_topic_message: bool = False
    parse_mode: str | None = None
    edit_date: int | None = None
    deleted: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def has_media(self) -> bool:
        """A photo, document, voice note or video: what a caption may be edited on."""
        return bool(self.photo) or any(
            part is not None for part in (self.document, self.voice, self.video)
        )

    @property
    def document_name(self) -> str | None:
        return self.document.get("file_name") if self.document else None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline buttons, flattened row by row."""
        return inline_buttons(self.reply_markup)

    @property
    def button_texts(self) -> list[str]:
        return [button["text"] for button in self.buttons]

    @property
    def keyboard(self) -> list[list[str]] | None:
        """Texts of the reply keyboard this message shows, if it carries one."""
        return reply_keyboard(self.reply_markup)

    def find_button(self, label_or_data: str) -> dict[str, Any] | None:
        """The inline button with this text, else the one with this callback data."""
        for key in ("text", "callback_data"):
            for button in self.buttons:
                if button.get(key) == label_or_data:
                    return button
        return None

    def to_api(self) -> dict[str, Any]:
        """The Telegram ``Message`` object."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": dict(self.chat),
        }
        if self.sender:
            message["from"] = dict(self.sender)
        if self.chat.get("type") == "channel":
            message["sender_chat"] = dict(self.chat)
        if self.thread_id is not None:
            message["message_thread_id"] = self.thread_id
            if self.is_topic_message:
                message["is_topic_message"] = True
        if self.media_group_id is not None:
            message["media_group_id"] = self.media_group_id
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = list(self.entities)
        if self.caption:
            message["caption"] = self.caption
            if self.entities:
                message["caption_entities"] = list(self.entities)
        if self.photo:
            message["photo"] = list(self.photo)
        if self.document is not None:
            message["document"] = dict(self.document)
        if self.voice is not None:
            message["voice"] = dict(self.voice)
        if self.video is not None:
            message["video"] = dict(self.video)
        if self.location is not None:
            message["location"] = dict(self.location)
        if self.contact is not None:
            message["contact"] = dict(self.contact)
        message.update(self.extra)
        markup = inline_only(self.reply_markup)
        if markup is not None:
            message["reply_markup"] = markup
        return message

    def as_replied(self) -> dict[str, Any]:
        """The message as another one's ``reply_to_message``: Telegram never nests a further
        ``reply_to_message`` in it."""
        message = self.to_api()
        message.pop("reply_to_message", None)
        return message

    def to_json(self) -> dict[str, Any]:
        """The Telegram object plus what a viewer needs: reply keyboards and who sent it."""
        data = self.to_api()
        data["from_bot"] = self.from_bot
        data["deleted"] = self.deleted
        if self.reply_markup is not None:
            data["reply_markup"] = self.reply_markup
        return data
