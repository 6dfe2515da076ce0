"""What the bot answers, in terms no Telegram framework owns.

Handlers return a list of these; a runtime turns each into one Bot API call.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bot.core.events import Attachment

CALLBACK_DATA_LIMIT = 64
TEXT_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button carrying callback data (at most 64 bytes, checked on creation)."""

    text: str
    data: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if self.data is not None and len(self.data.encode()) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {self.data!r}")
        if (self.data is None) == (self.url is None):
            raise ValueError("a button has either callback data or a url")


@dataclass(frozen=True, slots=True)
class InlineKeyboard:
    rows: tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class KeyButton:
    """A reply-keyboard button; it may ask the client to share the contact or location."""

    text: str
    request_contact: bool = False
    request_location: bool = False


@dataclass(frozen=True, slots=True)
class ReplyKeyboard:
    """Keys under the input field; a pressed key sends its text. One-time keys (share a
    phone or a location) hide after use; a ``persistent`` keyboard is the person's main menu
    and stays until another replaces it."""

    rows: tuple[tuple[KeyButton, ...], ...]
    one_time: bool = True
    persistent: bool = False
    placeholder: str | None = None

    def labels(self) -> list[str]:
        return [key.text for row in self.rows for key in row]

    def signature(self) -> str:
        """Short and stable for the same keys: what the person's chat is showing."""
        return hashlib.sha1("\n".join(self.labels()).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class RemoveKeyboard:
    pass


@dataclass(frozen=True, slots=True)
class ForceReply:
    """Opens the reply to this message in the person's app. In a group it is how a typed answer
    reaches the bot at all: with privacy mode on, a bot sees only commands and replies to it."""

    placeholder: str | None = None


Markup = InlineKeyboard | ReplyKeyboard | RemoveKeyboard | ForceReply


@dataclass(frozen=True, slots=True)
class Send:
    """A new message. With ``media`` it is those files with ``text`` as the caption: one file
    goes as a photo, document, voice note or video, several as one album (photos and videos,
    or documents; at most 10, no keyboard). ``document`` is a file uploaded from memory: a
    document, or a photo with ``upload_as_photo`` (a chart to see in the chat)."""

    chat_id: int
    text: str
    markup: Markup | None = None
    media: tuple[Attachment, ...] = ()
    document: bytes | None = None
    document_name: str | None = None
    thread_id: int | None = None
    upload_as_photo: bool = False


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text and inline keyboard of a message the bot sent earlier."""

    chat_id: int
    message_id: int
    text: str
    markup: InlineKeyboard | None = None


@dataclass(frozen=True, slots=True)
class AnswerCallback:
    """Acknowledge a button press (Telegram requires it), optionally with a toast or alert."""

    callback_id: str
    text: str | None = None
    alert: bool = False


@dataclass(frozen=True, slots=True)
class BotCommand:
    """One line of Telegram's "/" menu: ``/command`` and what it does."""

    command: str
    description: str


@dataclass(frozen=True, slots=True)
class SetCommands:
    """The "/" menu Telegram shows: in one chat (``chat_id``) or in every private chat (None),
    to people whose app speaks ``language_code`` (None: everyone without a list in their own
    language). No ``commands`` removes the list, so the broader one applies again."""

    commands: tuple[BotCommand, ...]
    chat_id: int | None = None
    language_code: str | None = None


Reply = Send | Edit | AnswerCallback | SetCommands


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut a text Telegram would refuse as too long into messages, at line breaks where it can
    (a single overlong line is cut where it must be)."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts


def shorten(text: str, limit: int = TEXT_LIMIT) -> str:
    """For an edit, which cannot become two messages: cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


ALBUM_LIMIT = 10
# Kinds Telegram lets share an album: photos with videos, documents with documents; a voice
# note always goes alone.
_ALBUM_FAMILY = {"photo": "visual", "video": "visual", "document": "document"}


def albums(attachments: Sequence[Attachment]) -> list[tuple[Attachment, ...]]:
    """The attachments as the fewest messages Telegram accepts, in their order of kinds."""
    groups: dict[str, list[list[Attachment]]] = {}
    single: list[tuple[Attachment, ...]] = []
    for item in attachments:
        family = _ALBUM_FAMILY.get(item.kind.value)
        if family is None:
            single.append((item,))
            continue
        chunks = groups.setdefault(family, [[]])
        if len(chunks[-1]) == ALBUM_LIMIT:
            chunks.append([])
        chunks[-1].append(item)
    return [tuple(chunk) for chunks in groups.values() for chunk in chunks] + single


def inline(*rows: list[Button] | tuple[Button, ...]) -> InlineKeyboard:
    """Build an inline keyboard from rows, dropping empty ones."""
    return InlineKeyboard(tuple(tuple(row) for row in rows if row))


def markup_to_json(markup: Markup | None) -> dict[str, Any] | None:
    """A keyboard as plain JSON, to keep in the outbox until it is sent."""
    if markup is None:
        return None
    if isinstance(markup, RemoveKeyboard):
        return {"remove": True}
    if isinstance(markup, ForceReply):
        return {"force_reply": True, "placeholder": markup.placeholder}
    if isinstance(markup, ReplyKeyboard):
        return {
            "keyboard": [[asdict(button) for button in row] for row in markup.rows],
            "one_time": markup.one_time,
            "persistent": markup.persistent,
            "placeholder": markup.placeholder,
        }
    return {"inline": [[asdict(button) for button in row] for row in markup.rows]}


def markup_from_json(data: dict[str, Any] | None) -> Markup | None:
    if not data:
        return None
    if data.get("remove"):
        return RemoveKeyboard()
    if data.get("force_reply"):
        return ForceReply(data.get("placeholder"))
    if "keyboard" in data:
        rows = tuple(tuple(KeyButton(**button) for button in row) for row in data["keyboard"])
        return ReplyKeyboard(
            rows,
            one_time=bool(data.get("one_time", True)),
            persistent=bool(data.get("persistent", False)),
            placeholder=data.get("placeholder"),
        )
    return InlineKeyboard(
        tuple(tuple(Button(**button) for button in row) for row in data["inline"])
    )
