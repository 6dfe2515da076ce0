"""What a person did, in terms no Telegram framework owns.

Runtimes build an :class:`Incoming` from their framework's update; handlers read only this.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from enum import StrEnum

from storage.models import AttachmentKind


class EventKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    CALLBACK = "callback"
    CONTACT = "contact"
    LOCATION = "location"
    ATTACHMENT = "attachment"  # a photo, document, voice note or video, maybe with a caption
    OTHER = "other"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Contact:
    phone: str
    user_id: int | None = None
    first_name: str = ""


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float
    live: bool = False


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file a person sent (or the bot sends again), by Telegram's file id."""

    kind: AttachmentKind
    file_id: str
    file_name: str | None = None


@dataclass(frozen=True, slots=True)
class Incoming:
    """One update from a person: a message, a button press, a shared contact or location."""

    update_id: int
    kind: EventKind
    chat_id: int
    user_id: int
    chat_type: str = "private"
    user_name: str = ""
    username: str | None = None
    language_code: str | None = None
    text: str = ""
    command: str | None = None
    args: str = ""
    callback_id: str | None = None
    callback_data: str | None = None
    message_id: int | None = None
    thread_id: int | None = None  # the forum topic the message was posted in
    contact: Contact | None = None
    location: Location | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    # The bot's message this one answers (a Telegram reply) and that message's text or caption.
    reply_to_message_id: int | None = None
    reply_to_text: str = ""

    @staticmethod
    def split_command(text: str) -> tuple[str, str] | None:
        """``/report@fieldbot arg`` → ``("report", "arg")``; None when it is not a command."""
        if not text.startswith("/") or len(text) < 2:
            return None
        head, _, rest = text.partition(" ")
        name = head[1:].split("@", 1)[0].lower()
        if not name or not name.replace("_", "").isalnum():
            return None
        return name, rest.strip()


def without_control_characters(event: Incoming) -> Incoming:
    """The event with control characters (other than line breaks and tabs) taken out of what
    a person typed: none is meant, PostgreSQL refuses a NUL in text and Excel refuses most."""
    texts = (event.text, event.args, event.callback_data or "")
    if not any(_CONTROL.search(text) for text in texts):
        return event
    data = None if event.callback_data is None else _CONTROL.sub("", event.callback_data)
    return dataclasses.replace(
        event,
        text=_CONTROL.sub("", event.text),
        args=_CONTROL.sub("", event.args),
        callback_data=data,
    )
