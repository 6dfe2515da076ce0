"""What the bot queued to send, as the tests read it: outbox rows oldest first (to a chat, of
a kind; messages, not the edits of them), the edits queued for a message, the manager chat's
alerts, and the buttons a row carries."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.core.replies import InlineKeyboard, markup_from_json
from storage.db import Database
from storage.models import OutboxMessage
from tests.support.databases import database
from tests.support.people import MANAGER_CHAT


async def outbox(
    where: App | Database,
    chat_id: int | None = None,
    kind: str | None = None,
    with_edits: bool = False,
) -> list[OutboxMessage]:
    """Queued messages, oldest first; edits of earlier ones only ``with_edits``."""
    async with database(where).transaction() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if not with_edits:
            query = query.where(OutboxMessage.edit_of.is_(None))
        if chat_id is not None:
            query = query.where(OutboxMessage.chat_id == chat_id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list(await session.scalars(query))


async def edits(where: App | Database, message: OutboxMessage) -> list[OutboxMessage]:
    """The edits queued for ``message``, oldest first."""
    async with database(where).transaction() as session:
        query = select(OutboxMessage).where(OutboxMessage.edit_of == message.id)
        return list(await session.scalars(query.order_by(OutboxMessage.id)))


async def alerts(app: App, kind: str | None = None) -> list[OutboxMessage]:
    """Rows addressed to the manager chat."""
    return await outbox(app, MANAGER_CHAT, kind)


def buttons(message: OutboxMessage) -> list[tuple[str, str]]:
    """(text, callback data) of the row's inline buttons; none for an edit that removes them."""
    markup = markup_from_json(message.markup)
    if markup is None and message.edit_of is not None:
        return []
    assert isinstance(markup, InlineKeyboard)
    return [(button.text, button.data or "") for row in markup.rows for button in row]
