"""What a handler gets for one update: the event, the person, the session and the replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.clock import Clock
from bot.core.events import Attachment, EventKind, Incoming
from bot.core.i18n import Catalogs, Translator
from bot.core.replies import (
    AnswerCallback,
    Edit,
    ForceReply,
    InlineKeyboard,
    Markup,
    RemoveKeyboard,
    Reply,
    ReplyKeyboard,
    Send,
    shorten,
    split_text,
)
from storage.models import Dialog, Person

if TYPE_CHECKING:
    from bot.core.router import Router


@dataclass
class Context:
    event: Incoming
    session: AsyncSession
    person: Person
    settings: Settings
    catalogs: Catalogs
    clock: Clock
    t: Translator
    router: Router | None = None  # the one dispatching: deep links and refusals go through it
    dialog: Dialog | None = None
    replies: list[Reply] = field(default_factory=list)
    answered: bool = False

    # -- language -------------------------------------------------------------------------
    def _(self, message: str, **values: Any) -> str:
        """Translate for this person; ``{name}`` placeholders are filled from ``values``."""
        return self.t._(message, **values)

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        return self.t.ngettext(singular, plural, n, **values)

    def use_locale(self, locale: str) -> None:
        self.t = self.catalogs.get(locale)

    def now(self) -> datetime:
        return self.clock.now()

    # -- replies --------------------------------------------------------------------------
    def send(
        self,
        text: str,
        markup: Markup | None = None,
        *,
        media: tuple[Attachment, ...] = (),
        document: bytes | None = None,
        document_name: str | None = None,
    ) -> None:
        """A new message in this chat, in the same forum topic when the event came from one.

        A text over Telegram's limit goes out as several messages, the buttons under the last.
        Keys under the input field stay until others replace them: the person's record says
        whether they are the main menu's (see ``handlers.common.help.main_menu``).
        """
        if (
            isinstance(markup, ReplyKeyboard | RemoveKeyboard)
            and self.event.chat_type == "private"
        ):
            main = markup if isinstance(markup, ReplyKeyboard) and markup.persistent else None
            self.person.keyboard = None if main is None else main.signature()
        if not media and document is None:
            *head, text = split_text(text)
            for part in head:
                self.replies.append(Send(self.event.chat_id, part, thread_id=self.event.thread_id))
        self.replies.append(
            Send(
                self.event.chat_id,
                text,
                markup,
                media=media,
                document=document,
                document_name=document_name,
                thread_id=self.event.thread_id,
            )
        )

    def ask(self, text: str, markup: InlineKeyboard | None = None) -> None:
        """A question the person answers by typing. In a group their app opens the reply by
        itself instead of showing ``markup`` (a message has one or the other): with privacy
        mode on, a bot sees only commands and replies to its messages there."""
        self.send(text, markup if self.event.chat_type == "private" else ForceReply())

    def edit(
        self, text: str, markup: InlineKeyboard | None = None, *, message_id: int | None = None
    ) -> None:
        """Edit the message whose button was pressed (or ``message_id``, an earlier message of
        this chat); a plain send if there is none. A typed message's id is the person's own
        message, which the bot cannot edit: answering typed text is always a new message."""
        if message_id is None and self.event.kind is EventKind.CALLBACK:
            message_id = self.event.message_id
        if message_id is None:
            self.send(text, markup)
        else:
            self.replies.append(Edit(self.event.chat_id, message_id, shorten(text), markup))

    def answer(self, text: str | None = None, alert: bool = False) -> None:
        """Acknowledge the pressed button first, so the client stops its spinner."""
        if self.event.callback_id is None or self.answered:
            return
        self.answered = True
        self.replies.insert(0, AnswerCallback(self.event.callback_id, text, alert))
