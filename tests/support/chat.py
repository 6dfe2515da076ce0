"""Drives the engine directly with Incoming events, as a runtime would, and keeps the
conversation as the person would see it (message ids, edits, the buttons on screen), in their
private chat or, with ``group_id``, in a group (the manager chat) and one of its topics."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.app import App
from bot.core.events import Attachment, Contact, EventKind, Incoming, Location
from bot.core.replies import (
    AnswerCallback,
    Edit,
    InlineKeyboard,
    Markup,
    RemoveKeyboard,
    Reply,
    ReplyKeyboard,
    Send,
)
from storage.models import AttachmentKind

_update_ids = itertools.count(1)
_message_ids = itertools.count(1000)
_file_ids = itertools.count(1)


@dataclass
class Shown:
    """A bot message as it stands on the person's screen."""

    message_id: int
    text: str
    markup: Markup | None = None
    media: tuple[Attachment, ...] = ()

    def buttons(self) -> list[tuple[str, str]]:
        if not isinstance(self.markup, InlineKeyboard):
            return []
        return [(b.text, b.data or "") for row in self.markup.rows for b in row]


@dataclass
class FlowChat:
    app: App
    user_id: int
    name: str = "Ivan"
    language_code: str | None = "en"
    group_id: int | None = None
    thread_id: int | None = None
    shown: list[Shown] = field(default_factory=list)
    answers: list[AnswerCallback] = field(default_factory=list)
    last_replies: list[Reply] = field(default_factory=list)
    typed: set[int] = field(default_factory=set)  # ids of the person's own text messages
    keys: ReplyKeyboard | None = None  # the keys under the input field

    # -- acting -------------------------------------------------------------------------------
    def event(self, kind: EventKind, **values: object) -> Incoming:
        return Incoming(
            update_id=next(_update_ids),
            kind=kind,
            chat_id=self.user_id if self.group_id is None else self.group_id,
            user_id=self.user_id,
            chat_type="private" if self.group_id is None else "supergroup",
            thread_id=self.thread_id,
            user_name=self.name,
            language_code=self.language_code,
            **values,  # type: ignore[arg-type]
        )

    async def deliver(self, event: Incoming) -> list[Reply]:
        replies = list(await self.app.engine.handle(event))
        self.last_replies = replies
        for reply in replies:
            self._apply(reply)
        return replies

    async def say(self, text: str, reply_to: Shown | None = None) -> list[Reply]:
        """Type ``text``; with ``reply_to``, as a Telegram reply to that bot message."""
        split = Incoming.split_command(text)
        if split is not None:
            name, args = split
            return await self.deliver(
                self.event(EventKind.COMMAND, text=text, command=name, args=args)
            )
        message_id = next(_message_ids)
        self.typed.add(message_id)
        return await self.deliver(
            self.event(EventKind.TEXT, text=text, message_id=message_id, **_reply(reply_to))
        )

    async def press(self, label: str) -> list[Reply]:
        """Press the newest on-screen button whose text contains ``label``, else the key under
        the input field (a key sends its text)."""
        for shown in reversed(self.shown):
            for text, data in shown.buttons():
                if label in text:
                    return await self.press_data(data, shown.message_id)
        for key in self.keys.labels() if self.keys else ():
            if label in key:
                return await self.say(key)
        on_screen = self.button_texts() + (self.keys.labels() if self.keys else [])
        raise AssertionError(f"no button {label!r}; on screen: {on_screen}")

    async def press_data(self, data: str, message_id: int | None = None) -> list[Reply]:
        """Any callback data at all, as a modified client could send."""
        message_id = message_id or (self.shown[-1].message_id if self.shown else 1)
        return await self.deliver(
            self.event(
                EventKind.CALLBACK,
                callback_id=f"cb{next(_update_ids)}",
                callback_data=data,
                message_id=message_id,
            )
        )

    async def share_contact(self, phone: str, own: bool = True) -> list[Reply]:
        contact = Contact(phone=phone, user_id=self.user_id if own else self.user_id + 1)
        return await self.deliver(self.event(EventKind.CONTACT, contact=contact))

    async def share_location(self, latitude: float, longitude: float) -> list[Reply]:
        location = Location(latitude, longitude)
        return await self.deliver(self.event(EventKind.LOCATION, location=location))

    async def send_photo(self, caption: str = "") -> list[Reply]:
        return await self.send_file(AttachmentKind.PHOTO, caption)

    async def send_file(
        self, kind: AttachmentKind, caption: str = "", reply_to: Shown | None = None
    ) -> list[Reply]:
        """A photo, document, voice note or video, as a Telegram reply to ``reply_to`` if given."""
        attachment = Attachment(kind, f"{kind.value}-{next(_file_ids)}")
        return await self.deliver(
            self.event(
                EventKind.ATTACHMENT, text=caption, attachments=(attachment,), **_reply(reply_to)
            )
        )

    # -- reading ------------------------------------------------------------------------------
    def _apply(self, reply: Reply) -> None:
        if isinstance(reply, Send) and reply.chat_id in (self.user_id, self.group_id):
            self.shown.append(Shown(next(_message_ids), reply.text, reply.markup, reply.media))
            if isinstance(reply.markup, ReplyKeyboard):
                self.keys = reply.markup
            elif isinstance(reply.markup, RemoveKeyboard):
                self.keys = None
        elif isinstance(reply, Edit):
            # Telegram refuses to edit a message the bot did not send (the person's own)
            assert reply.message_id not in self.typed, f"edit of the typed {reply.message_id}"
            for shown in self.shown:
                if shown.message_id == reply.message_id:
                    shown.text, shown.markup = reply.text, reply.markup
        elif isinstance(reply, AnswerCallback):
            self.answers.append(reply)

    @property
    def last(self) -> Shown:
        return self.shown[-1]

    def texts(self) -> list[str]:
        """Texts of the messages the last update sent or edited."""
        out = []
        for reply in self.last_replies:
            if isinstance(reply, Send | Edit):
                out.append(reply.text)
        return out

    def answer(self) -> AnswerCallback:
        """How the bot answered the button pressed last: the update's first reply, and its
        only answer."""
        answers = [reply for reply in self.last_replies if isinstance(reply, AnswerCallback)]
        assert len(answers) == 1 and self.last_replies[0] is answers[0], self.last_replies
        return answers[0]

    def joined(self) -> str:
        return "\n".join(self.texts())

    def button_texts(self) -> list[str]:
        return [text for shown in self.shown for text, _ in shown.buttons()]


def _reply(shown: Shown | None) -> dict[str, object]:
    """The event fields of a Telegram reply to ``shown``."""
    if shown is None:
        return {}
    return {"reply_to_message_id": shown.message_id, "reply_to_text": shown.text}
