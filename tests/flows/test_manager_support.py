"""Shared setup for the manager flows (no tests of its own): a manager chat, two managers,
and reading the alerts the outbox holds for that chat."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from sqlalchemy import select

from bot.app import App
from bot.config import Settings
from bot.core.events import EventKind, Incoming
from bot.core.replies import InlineKeyboard, Reply, Send, markup_from_json
from storage.models import OutboxMessage, Person, Role
from tests.support.chat import FlowChat, Shown, _message_ids

MANAGER_CHAT = -1001234567890
MANAGER_ID, OTHER_MANAGER_ID = 900, 901


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The suite's settings plus a manager chat and a second manager."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        bot_token="123456:TEST",  # type: ignore[arg-type]
        timezone="Europe/Sofia",
        default_locale="en",
        admins=frozenset({MANAGER_ID, OTHER_MANAGER_ID}),
        manager_chat_id=MANAGER_CHAT,
    )


@pytest.fixture
async def manager(seeded: App) -> FlowChat:
    return FlowChat(seeded, user_id=MANAGER_ID, name="Olga", language_code="en")


@pytest.fixture
async def other_manager(seeded: App) -> FlowChat:
    return FlowChat(seeded, user_id=OTHER_MANAGER_ID, name="Boris", language_code="en")


async def alerts(app: App, kind: str | None = None) -> list[OutboxMessage]:
    """Outbox rows addressed to the manager chat, oldest first."""
    async with app.db.transaction() as session:
        query = select(OutboxMessage).where(OutboxMessage.chat_id == MANAGER_CHAT)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list(await session.scalars(query.order_by(OutboxMessage.id)))


async def messages_to(app: App, chat_id: int) -> list[OutboxMessage]:
    async with app.db.transaction() as session:
        query = select(OutboxMessage).where(OutboxMessage.chat_id == chat_id)
        return list(await session.scalars(query.order_by(OutboxMessage.id)))


def buttons(message: OutboxMessage) -> list[tuple[str, str]]:
    markup = markup_from_json(message.markup)
    assert isinstance(markup, InlineKeyboard)
    return [(button.text, button.data or "") for row in markup.rows for button in row]


@dataclass
class GroupChat(FlowChat):
    """A person writing in a group (the manager chat by default), optionally in a topic."""

    group_id: int = MANAGER_CHAT
    thread_id: int | None = None

    def event(self, kind: EventKind, **values: object) -> Incoming:
        base = super().event(kind, **values)
        return replace(
            base, chat_id=self.group_id, chat_type="supergroup", thread_id=self.thread_id
        )

    def _apply(self, reply: Reply) -> None:
        if isinstance(reply, Send) and reply.chat_id == self.group_id:
            self.shown.append(Shown(next(_message_ids), reply.text, reply.markup, reply.photo))
        else:
            super()._apply(reply)


async def report(chat: FlowChat, urgency: str = "Urgent") -> None:
    """The client reports a Linea PB breakdown with the given urgency button."""
    await chat.say("/report")
    await chat.press("Linea PB")
    await chat.say("Steam wand leaks, pressure drops to 0.5 bar")
    await chat.press("Done")
    await chat.press(urgency)
    await chat.press("Send")
    assert "is registered" in chat.joined()


async def add_engineer(
    app: App,
    user_id: int,
    name: str,
    skills: tuple[str, ...] = (),
    on_duty: bool = True,
    locale: str = "en",
) -> int:
    async with app.db.transaction() as session:
        person = Person(
            tg_user_id=user_id,
            chat_id=user_id,
            role=Role.ENGINEER,
            name=name,
            locale=locale,
            skills=list(skills),
            on_duty=on_duty,
        )
        session.add(person)
        await session.flush()
        return person.id
