"""Staff over time: who is an engineer or manager, taking the role away, and keeping the
configured managers what ``FIELDBOT_ADMINS`` says.

Deactivating someone makes them a client: their open jobs go back to the board (the caller
passes each :class:`~bot.services.jobs.JobMoved` on, so the managers hear and the job is
pushed anew), their dialog ends, and every button they still hold is refused by the role
checks. The last manager stays, and a configured manager is taken off the list instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import N_
from bot.services import audit, jobs, tickets
from bot.services.assignments import require_manager
from bot.services.audit import Action
from bot.services.errors import InvalidState, NotFound
from bot.services.jobs import WORKING_STATUSES, JobMoved
from bot.services.people import change_role, sync_role
from storage.models import Dialog, Person, Role, RoleSource, Ticket

STAFF = (Role.ENGINEER, Role.MANAGER)
PAGE_SIZE = 8


@dataclass(frozen=True)
class Deactivated:
    person: Person
    was: Role
    moved: list[JobMoved] = field(default_factory=list)  # jobs back on the board


async def page(
    session: AsyncSession, offset: int, size: int = PAGE_SIZE
) -> tuple[list[Person], int]:
    """A page of the engineers and managers, managers first; and how many there are."""
    staff = Person.role.in_(STAFF)
    total = int(await session.scalar(select(func.count()).where(staff)) or 0)
    people = await session.scalars(
        select(Person)
        .where(staff)
        .order_by(Person.role.desc(), Person.name, Person.id)
        .offset(offset)
        .limit(size)
    )
    return list(people), total


async def deactivate(
    session: AsyncSession,
    person_id: int,
    now: datetime,
    settings: Settings,
    *,
    by: Person | str,
    reason: str,
) -> Deactivated:
    """Take the engineer's or manager's role away ``by`` a manager (or an operator on the
    server); ``reason`` is the note on each job handed back."""
    if isinstance(by, Person):
        require_manager(by)
    # Locked, so two managers deactivating each other cannot leave nobody in charge.
    managers = list(
        await session.scalars(
            select(Person.id).where(Person.role == Role.MANAGER).with_for_update()
        )
    )
    person = await session.get(Person, person_id)
    if person is None or person.role not in STAFF:
        raise NotFound(N_("This person is not an engineer or manager any more."))
    if person.role is Role.MANAGER:
        if person.tg_user_id in settings.admins:
            raise InvalidState(
                N_(
                    "{name} is a manager because FIELDBOT_ADMINS lists them: take them off "
                    "that list and restart the bot."
                ),
                name=person.name,
            )
        if managers == [person.id]:
            raise InvalidState(
                N_("{name} is the last manager, so they stay a manager."), name=person.name
            )
    was = person.role
    moved = [
        await jobs.hand_back(session, ticket, person, reason, now, settings)
        for ticket in await session.scalars(
            select(Ticket)
            .where(Ticket.engineer_id == person.id, Ticket.status.in_(WORKING_STATUSES))
            .order_by(Ticket.id)
            .options(*tickets.CARD)
        )
    ]
    await session.execute(delete(Dialog).where(Dialog.person_id == person.id))
    person.on_duty = False
    await change_role(session, person, Role.CLIENT, None, now, by=by, how="deactivated")
    await audit.record(
        session,
        Action.DEACTIVATED,
        now,
        by=by,
        person=person,
        role=was.value,
        jobs=[event.ticket.id for event in moved],
    )
    return Deactivated(person, was, moved)


async def sync_configured(session: AsyncSession, settings: Settings, now: datetime) -> None:
    """At start: every id in ``FIELDBOT_ADMINS`` that has written before is a configured
    manager, and every configured manager whose id left the list is a client again."""
    listed = Person.tg_user_id.in_(settings.admins) if settings.admins else None
    configured = Person.role_source == RoleSource.CONFIGURED.value
    where = configured if listed is None else (configured | listed)
    for person in await session.scalars(select(Person).where(where).order_by(Person.id)):
        await sync_role(session, person, settings, now)
