"""What the bot queued to send, as the tests read it: outbox rows oldest first (to a chat, of
a kind), the manager chat's alerts, and the buttons a row carries."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.core.replies import InlineKeyboard, markup_from_json
from storage.db import Database
from storage.models import OutboxMessage
from tests.support.databases import database
from tests.support.people import MANAGER_CHAT


async def outbox(
    where: App | Database, chat_id: int | None = None, kind: str | None = None
) -> list[OutboxMessage]:
    async with database(where).transaction() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if chat_id is not None:
            query = query.where(OutboxMessage.chat_id == chat_id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list(await session.scalars(query))


async def alerts(app: App, kind: str | None = None) -> list[OutboxMessage]:
    """Rows addressed to the manager chat."""
    return await outbox(app, MANAGER_CHAT, kind)


def buttons(message: OutboxMessage) -> list[tuple[str, str]]:
    """(text, callback data) of the row's inline buttons; it must have some."""
    markup = markup_from_json(message.markup)
    assert isinstance(markup, InlineKeyboard)
    return [(button.text, button.data or "") for row in markup.rows for button in row]
