"""Queueing a rendered notice: for one person in their language, or for the managers' chat in
the chat's language and forum topic.

A notice is a :data:`Render`, called with the reader's translator, so the words are chosen
only once the reader is known. It becomes an outbox row in the current transaction (never a
direct send), so a notice exists exactly when the change that caused it was committed.

Topics: in a forum supergroup, ``FIELDBOT_MANAGER_TOPICS=true`` and
``FIELDBOT_MANAGER_TOPIC_IDS=new_ticket=12,part_request=14,sla=16,default=2`` send each notice
kind to its topic: the exact kind first, then its family (the part before the first ``_``, so
``sla=16`` also takes ``sla_response``), then ``default``; otherwise the chat's General topic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.events import Attachment
from bot.core.i18n import Catalogs, Translator
from bot.core.replies import Markup
from bot.services import outbox
from storage.models import OutboxMessage, Person, Role

Render = Callable[[Translator], tuple[str, Markup | None]]


class Speaker(Protocol):
    """Where a notice is spoken from: an update's ``Context``, or a scheduler job's
    :class:`Background`."""

    @property
    def session(self) -> AsyncSession: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def catalogs(self) -> Catalogs: ...

    def now(self) -> datetime: ...


@dataclass(frozen=True)
class Background:
    """A scheduler job's stand-in for the Context: it speaks without a conversation, at the
    time of the run."""

    session: AsyncSession
    settings: Settings
    catalogs: Catalogs
    at: datetime

    def now(self) -> datetime:
        return self.at


async def to_person(
    speaker: Speaker,
    person: Person,
    render: Render,
    kind: str = "",
    *,
    ticket_id: int | None = None,
    media: Sequence[Attachment] = (),
) -> OutboxMessage:
    """Queue ``render``'s text for ``person``, rendered with their translator; about
    ``ticket_id`` (a Telegram reply to it is routed to that ticket), with ``media`` attached
    (the text as caption). Returns the row, so it can be kept live
    (:mod:`handlers.notices.live`)."""
    text, markup = render(speaker.catalogs.get(person.locale))
    return await outbox.enqueue(
        speaker.session,
        outbox.messages(
            person.chat_id,
            text,
            speaker.now(),
            markup=markup,
            person_id=person.id,
            kind=kind,
            ticket_id=ticket_id,
            media=media,
        ),
    )


async def to_people(
    speaker: Speaker,
    people: Iterable[Person],
    render: Render,
    kind: str = "",
    *,
    ticket_id: int | None = None,
) -> None:
    """:func:`to_person` for each of ``people``, each in their own language."""
    for person in people:
        await to_person(speaker, person, render, kind, ticket_id=ticket_id)


async def to_managers(
    speaker: Speaker,
    render: Render,
    kind: str,
    *,
    document: bytes | None = None,
    document_name: str | None = None,
    upload_as_photo: bool = False,
    ticket_id: int | None = None,
    media: Sequence[Attachment] = (),
) -> bool:
    """Queue a notice of ``kind`` for the managers (with a file attached when given, the text
    as its caption; an image ``upload_as_photo`` shows in the chat), about ``ticket_id`` if
    given: in the manager chat, or without one to each manager privately; False when nobody
    would receive it."""
    rows = await managers_rows(
        speaker,
        render,
        kind,
        document=document,
        document_name=document_name,
        upload_as_photo=upload_as_photo,
        ticket_id=ticket_id,
        media=media,
    )
    return bool(rows)


async def managers_rows(
    speaker: Speaker,
    render: Render,
    kind: str,
    *,
    document: bytes | None = None,
    document_name: str | None = None,
    upload_as_photo: bool = False,
    ticket_id: int | None = None,
    media: Sequence[Attachment] = (),
) -> list[OutboxMessage]:
    """:func:`to_managers`, returning the rows queued (so they can be kept live): one for the
    manager chat, else one per manager in their own language; none when there is nobody."""
    settings = speaker.settings

    def message(
        chat_id: int,
        reader: Translator,
        thread_id: int | None = None,
        person_id: int | None = None,
    ) -> list[OutboxMessage]:
        text, markup = render(reader)
        return outbox.messages(
            chat_id,
            text,
            speaker.now(),
            markup=markup,
            kind=kind,
            document=document,
            document_name=document_name,
            upload_as_photo=upload_as_photo,
            ticket_id=ticket_id,
            media=media,
            thread_id=thread_id,
            person_id=person_id,
        )

    if settings.manager_chat_id is not None:
        translator = manager_translator(settings, speaker.catalogs)
        topic = topic_for(settings, kind)
        rows = message(settings.manager_chat_id, translator, thread_id=topic)
        return [await outbox.enqueue(speaker.session, rows)]
    queued = []
    for manager in await managers_in_private(speaker.session, settings):
        rows = message(manager.chat_id, speaker.catalogs.get(manager.locale), person_id=manager.id)
        queued.append(await outbox.enqueue(speaker.session, rows))
    return queued


async def managers_in_private(session: AsyncSession, settings: Settings) -> list[Person]:
    """Who hears the managers' notices when there is no manager chat: every manager who has
    started the bot (``FIELDBOT_ADMINS`` become managers at /start, invited ones at joining)."""
    query = select(Person).where(
        or_(Person.role == Role.MANAGER, Person.tg_user_id.in_(settings.admins))
    )
    return list((await session.scalars(query.order_by(Person.id))).all())


async def nobody_hears_managers(session: AsyncSession, settings: Settings) -> bool:
    """True when a notice for the managers would reach nobody at all: no manager chat, and no
    manager who has started the bot (an admin who never wrote cannot be messaged yet)."""
    if settings.manager_chat_id is not None:
        return False
    return not await managers_in_private(session, settings)


def manager_translator(settings: Settings, catalogs: Catalogs) -> Translator:
    """The manager chat's language, not that of whoever caused the notice."""
    return catalogs.get(settings.manager_locale or settings.default_locale)


def topic_for(settings: Settings, kind: str) -> int | None:
    """The forum topic (``message_thread_id``) for notices of ``kind``; None for no topic."""
    if not settings.manager_topics:
        return None
    topics = settings.manager_topic_ids
    for key in (kind, kind.split("_", 1)[0], "default"):
        if key in topics:
            return topics[key]
    return None
