"""Field engineers' jobs: the board of open jobs, taking one, and working it to the end.

Every function re-checks role, ownership and state, because buttons can be forged. Taking a
job is one conditional UPDATE, so of several engineers (or processes) pressing Accept at once
exactly one wins, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from math import cos, pi, radians, sin
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Float,
    case,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.events import Attachment
from bot.core.i18n import N_
from bot.services import geo, sla, tickets
from bot.services.business_hours import Calendar
from bot.services.errors import Forbidden, InvalidState, NotFound
from bot.services.holidays import days as company_holidays
from storage.models import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    UNTAKEN,
    URGENCY,
    URGENCY_RANK,
    Customer,
    CustomerContact,
    EquipmentModel,
    Person,
    Role,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketStatus,
    TimelineKind,
)
from storage.types import UTCDateTime


async def _calendar(session: AsyncSession, ticket: Ticket, settings: Settings) -> Calendar:
    """The ticket's SLA calendar, without the company holidays."""
    return sla.calendar_for(ticket, settings, await company_holidays(session, settings))


# Where an engineer may move their job. ``resolved`` is set only by the resolve flow;
# ``waiting_customer`` by a question to the customer, whose answer (or the engineer going on
# without it) moves the job back to where it was.
ASKING = frozenset({TicketStatus.ASSIGNED, TicketStatus.EN_ROUTE, TicketStatus.ON_SITE})
TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.ASSIGNED: frozenset(
        {
            TicketStatus.EN_ROUTE,
            TicketStatus.ON_SITE,
            TicketStatus.RESOLVED,
            TicketStatus.WAITING_CUSTOMER,
        }
    ),
    TicketStatus.EN_ROUTE: frozenset(
        {TicketStatus.ON_SITE, TicketStatus.RESOLVED, TicketStatus.WAITING_CUSTOMER}
    ),
    TicketStatus.ON_SITE: frozenset(
        {TicketStatus.WAITING_PARTS, TicketStatus.RESOLVED, TicketStatus.WAITING_CUSTOMER}
    ),
    TicketStatus.WAITING_PARTS: frozenset({TicketStatus.ON_SITE, TicketStatus.RESOLVED}),
    TicketStatus.WAITING_CUSTOMER: frozenset({*ASKING, TicketStatus.RESOLVED}),
}
WORKING_STATUSES = frozenset(TRANSITIONS)
NOT_ASSIGNED = N_("This job is not assigned to you.")
GONE = N_("This job is no longer available.")


class JobTaken(InvalidState):
    """Someone took the job first; ``mine`` when it was this very engineer (a double press)."""

    def __init__(self, ticket_id: int, mine: bool) -> None:
        super().__init__(f"ticket {ticket_id} is already taken")
        self.mine = mine


@dataclass(frozen=True)
class JobMoved:
    """An engineer moved their job from ``previous`` to ``status``: took it, set out (expected
    at ``eta``), arrived, waits for parts, is back at work, resolved it or handed it back
    (saying why: ``reason``). ``reporter`` is who hears of it: whoever reported the job,
    unless that is the engineer."""

    ticket: Ticket
    engineer: Person
    previous: TicketStatus
    status: TicketStatus
    reporter: Person | None
    eta: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True)
class BoardItem:
    ticket: Ticket
    customer_name: str
    distance_km: float | None


# -- who may do what ------------------------------------------------------------------------
def require_engineer(person: Person) -> None:
    if person.role is not Role.ENGINEER:
        raise Forbidden("only engineers work jobs")


def skills_of(person: Person) -> set[str]:
    return {str(skill) for skill in person.skills or [] if skill}


def category_of(ticket: Ticket) -> str | None:
    """The job's equipment category; None when the job names no registered equipment."""
    if ticket.equipment is None:
        return None
    return ticket.equipment.model.category or None


def can_take(engineer: Person, ticket: Ticket) -> bool:
    """An engineer without skills takes anything; a job without a category suits everyone."""
    skills, category = skills_of(engineer), category_of(ticket)
    return not skills or category is None or category in skills


def site_position(ticket: Ticket) -> tuple[float, float] | None:
    site = ticket.equipment.site if ticket.equipment is not None else None
    if site is None or site.latitude is None or site.longitude is None:
        return None
    return site.latitude, site.longitude


def distance_to(engineer: Person, ticket: Ticket) -> float | None:
    position = site_position(ticket)
    if position is None or engineer.latitude is None or engineer.longitude is None:
        return None
    return geo.distance_km(engineer.latitude, engineer.longitude, *position)


# -- the board -----------------------------------------------------------------------------
def nearness(engineer: Person) -> ColumnElement[float | None] | None:
    """A key that orders jobs as :func:`geo.distance_km` from the engineer to their site does,
    in plain arithmetic both databases compute alike (None when the engineer has no position).

    The equirectangular squared distance in degrees, with the cosine of the mean latitude
    taken to first order around the engineer's (``cos φ0 − sin φ0 · Δφ/2``), so only constants
    are computed here: within 100 km of the engineer it stays within 2 m of the haversine
    distance, within 300 km within 60 m (at 60° north 5 and 120 m), so the board's order and the
    distances shown on it, to 0.1 km, agree. NULL for a job without a site position."""
    if engineer.latitude is None or engineer.longitude is None:
        return None
    lat0, lon0 = engineer.latitude, engineer.longitude
    north = Ticket.equipment_latitude - literal(lat0, Float())
    east = (Ticket.equipment_longitude - literal(lon0, Float())) * (
        literal(cos(radians(lat0)), Float())
        - north * literal(sin(radians(lat0)) * pi / 360, Float())
    )
    return east * east + north * north


async def board(
    session: AsyncSession, engineer: Person, now: datetime, offset: int = 0, limit: int = 6
) -> tuple[list[BoardItem], int]:
    """One page of the jobs this engineer could take and the total count.

    Most urgent first, then nearest (unknown distance after known), then oldest, then by
    number: filtered by the skills check of :func:`can_take` (the one Accept applies), ordered,
    paged and counted in one statement that reads the index of untaken jobs alone
    (``ix_tickets_board``: the equipment's category and site position are copied onto the
    ticket); then the page's tickets are loaded, and their distances computed here.
    """
    require_engineer(engineer)
    near = nearness(engineer)
    order: list[Any] = [URGENCY]
    if near is not None:
        order += [case((near.is_(None), 1), else_=0), near]
    order += [Ticket.created_at, Ticket.id]
    query = select(
        Ticket.id, Ticket.equipment_latitude, Ticket.equipment_longitude, func.count().over()
    ).where(UNTAKEN)
    skills = skills_of(engineer)
    if skills:  # the same rule as can_take: no category suits everyone
        query = query.where(
            or_(
                Ticket.equipment_category.is_(None),
                Ticket.equipment_category.in_(sorted(skills)),
            )
        )
    page = (await session.execute(query.order_by(*order).offset(offset).limit(limit))).all()
    if page:
        total = int(page[0][3])
    elif not offset:
        total = 0
    else:  # past the end (the board shrank since the page was shown): count on its own
        total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    here = (engineer.latitude, engineer.longitude)

    def distance(latitude: float | None, longitude: float | None) -> float | None:
        if latitude is None or longitude is None or here[0] is None or here[1] is None:
            return None
        return geo.distance_km(here[0], here[1], latitude, longitude)

    loaded = {
        ticket.id: (ticket, name)
        for ticket, name in (
            await session.execute(
                select(Ticket, Customer.name)
                .join(Customer, Customer.id == Ticket.customer_id)
                .where(Ticket.id.in_([row[0] for row in page]))
                .options(*tickets.LISTED)
            )
        ).unique()
    }
    items = [
        BoardItem(*loaded[ticket_id], distance(latitude, longitude))
        for ticket_id, latitude, longitude, _total in page
        if ticket_id in loaded
    ]
    return items, total


async def board_job(session: AsyncSession, ticket_id: int, engineer: Person) -> Ticket:
    """A job as the board opens it: one nobody has taken, or the engineer's own."""
    require_engineer(engineer)
    ticket = await tickets.card(session, ticket_id)
    if ticket is None or ticket.engineer_id not in (None, engineer.id):
        raise NotFound(GONE)
    return ticket


async def accept(
    session: AsyncSession, ticket_id: int, engineer: Person, now: datetime
) -> JobMoved:
    """Take a job from the board. Raises JobTaken (an InvalidState) when someone was faster."""
    require_engineer(engineer)
    ticket = await tickets.card(session, ticket_id)
    if ticket is None:
        raise NotFound(GONE)
    if not can_take(engineer, ticket):
        raise Forbidden(
            N_("{ref} needs skills that are not in your profile."),
            ref=tickets.ticket_ref(ticket_id),
        )
    when = literal(now, UTCDateTime())
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Ticket)
            .where(
                Ticket.id == ticket_id,
                Ticket.status == TicketStatus.NEW,
                Ticket.engineer_id.is_(None),
            )
            .values(
                engineer_id=engineer.id,
                status=TicketStatus.ASSIGNED,
                responded_at=func.coalesce(Ticket.responded_at, when),
                updated_at=when,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        current = await tickets.card(session, ticket_id)
        raise JobTaken(ticket_id, mine=current is not None and current.engineer_id == engineer.id)
    tickets.add_event(
        session,
        ticket,
        engineer,
        TimelineKind.ASSIGNED,
        now,
        status=TicketStatus.ASSIGNED,
        data={"engineer_id": engineer.id},
    )
    await session.flush()
    await session.refresh(ticket)
    return await _moved(session, ticket, engineer, TicketStatus.NEW)


# -- my jobs -------------------------------------------------------------------------------
async def engineers_and_loads(session: AsyncSession) -> tuple[list[Person], dict[int, int]]:
    """Every engineer, and how many open jobs each has (absent: none)."""
    people = list(
        (await session.scalars(select(Person).where(Person.role == Role.ENGINEER))).unique()
    )
    rows = await session.execute(
        select(Ticket.engineer_id, func.count(Ticket.id))
        .where(Ticket.engineer_id.is_not(None), Ticket.status.in_(OPEN_STATUSES))
        .group_by(Ticket.engineer_id)
    )
    return people, {engineer: count for engineer, count in rows.all() if engineer is not None}


async def my_jobs(session: AsyncSession, engineer: Person) -> list[Ticket]:
    """The engineer's open jobs, most urgent and oldest first."""
    require_engineer(engineer)
    rows = await session.scalars(
        select(Ticket)
        .where(Ticket.engineer_id == engineer.id, Ticket.status.in_(WORKING_STATUSES))
        .order_by(Ticket.created_at, Ticket.id)
        .options(*tickets.LISTED)
    )
    return sorted(rows.unique(), key=lambda ticket: URGENCY_RANK[ticket.priority])


async def get_my_job(
    session: AsyncSession, ticket_id: int, engineer: Person, missing: str = NOT_ASSIGNED
) -> Ticket:
    """The engineer's own open or resolved job, locked for this transaction so concurrent
    presses on it queue up; NotFound saying ``missing`` otherwise, so ids reveal nothing."""
    require_engineer(engineer)
    ticket = await tickets.locked(session, ticket_id)
    if (
        ticket is None
        or ticket.engineer_id != engineer.id
        or (ticket.status not in OPEN_STATUSES and ticket.status is not TicketStatus.RESOLVED)
    ):
        raise NotFound(missing)
    return ticket


def _require_own(ticket: Ticket, engineer: Person) -> None:
    require_engineer(engineer)
    if ticket.engineer_id != engineer.id:
        raise Forbidden(f"ticket {ticket.id} is not this engineer's")


async def _moved(
    session: AsyncSession, ticket: Ticket, engineer: Person, previous: TicketStatus
) -> JobMoved:
    """What the engineer just did to the job, and who hears of it."""
    told = await reporter(session, ticket, unless=engineer)
    eta = ticket.eta if ticket.status is TicketStatus.EN_ROUTE else None
    return JobMoved(ticket, engineer, previous, ticket.status, told, eta)


async def set_status(
    session: AsyncSession,
    ticket: Ticket,
    engineer: Person,
    new_status: TicketStatus,
    now: datetime,
    settings: Settings,
    *,
    eta: datetime | None = None,
    note: str | None = None,
) -> JobMoved:
    """Move the engineer's job along ``TRANSITIONS``; the SLA clocks stop while waiting for
    parts or for the customer (counted in the ticket's own calendar: business hours or 24/7).
    Waiting for the customer remembers the status it came from (``data["back_to"]``)."""
    _require_own(ticket, engineer)
    previous = ticket.status
    if new_status not in TRANSITIONS.get(previous, frozenset()):
        raise InvalidState(f"ticket {ticket.id}: {previous} → {new_status} is not allowed")
    if previous in PAUSED_STATUSES:
        sla.resume(ticket, now, await _calendar(session, ticket, settings))
    if new_status in PAUSED_STATUSES:
        sla.pause(ticket, now)
    if new_status is TicketStatus.EN_ROUTE:
        ticket.eta = eta
    if new_status is TicketStatus.RESOLVED:
        ticket.resolved_at = now
    ticket.status = new_status
    ticket.updated_at = now
    data: dict[str, Any] = {"eta": eta.isoformat()} if eta is not None else {}
    if new_status is TicketStatus.WAITING_CUSTOMER:
        data["back_to"] = previous.value
    tickets.add_event(
        session,
        ticket,
        engineer,
        TimelineKind.STATUS,
        now,
        status=new_status,
        note=note,
        data=data,
    )
    await session.flush()
    return await _moved(session, ticket, engineer, previous)


async def customer_answered(
    session: AsyncSession, ticket: Ticket, customer: Person, now: datetime, settings: Settings
) -> JobMoved | None:
    """The customer answered a job waiting for them: it goes back to the status it was asked
    from and the SLA clocks run again; None when the job was not waiting for them."""
    if ticket.status is not TicketStatus.WAITING_CUSTOMER or ticket.engineer_id is None:
        return None
    engineer = await session.get(Person, ticket.engineer_id)
    if engineer is None:
        return None
    asked = await session.scalar(
        select(TicketEvent)
        .where(
            TicketEvent.ticket_id == ticket.id,
            TicketEvent.kind == TimelineKind.STATUS,
            TicketEvent.status == TicketStatus.WAITING_CUSTOMER,
        )
        .order_by(TicketEvent.at.desc(), TicketEvent.id.desc())
        .limit(1)
    )
    back = str(asked.data.get("back_to", "")) if asked is not None else ""
    status = TicketStatus(back) if back in ASKING else TicketStatus.ASSIGNED
    sla.resume(ticket, now, await _calendar(session, ticket, settings))
    ticket.status = status
    ticket.updated_at = now
    tickets.add_event(
        session, ticket, customer, TimelineKind.STATUS, now, status=status, data={"answered": True}
    )
    await session.flush()
    return JobMoved(ticket, engineer, TicketStatus.WAITING_CUSTOMER, status, None, ticket.eta)


async def hand_back(
    session: AsyncSession,
    ticket: Ticket,
    engineer: Person,
    reason: str,
    now: datetime,
    settings: Settings,
) -> JobMoved:
    """Give the job back to the board for someone else, saying why."""
    _require_own(ticket, engineer)
    previous = ticket.status
    if previous not in WORKING_STATUSES:
        raise InvalidState(f"ticket {ticket.id} is {previous}")
    sla.resume(ticket, now, await _calendar(session, ticket, settings))
    ticket.status = TicketStatus.NEW
    ticket.engineer_id = None
    ticket.eta = None
    ticket.updated_at = now
    tickets.add_event(
        session,
        ticket,
        engineer,
        TimelineKind.HANDED_BACK,
        now,
        status=TicketStatus.NEW,
        note=reason,
    )
    await session.flush()
    await session.refresh(ticket)
    return replace(await _moved(session, ticket, engineer, previous), reason=reason)


def _require_workable(ticket: Ticket, engineer: Person) -> None:
    _require_own(ticket, engineer)
    if ticket.status not in WORKING_STATUSES:
        raise InvalidState(f"ticket {ticket.id} is {ticket.status}")


async def add_note(
    session: AsyncSession, ticket: Ticket, engineer: Person, text: str, now: datetime
) -> TicketEvent:
    _require_workable(ticket, engineer)
    event = tickets.add_event(session, ticket, engineer, TimelineKind.NOTE, now, note=text)
    ticket.updated_at = now
    await session.flush()
    return event


async def add_attachment(
    session: AsyncSession,
    ticket: Ticket,
    engineer: Person,
    attachment: Attachment,
    now: datetime,
    caption: str | None = None,
) -> TicketAttachment:
    _require_workable(ticket, engineer)
    row = tickets.stored(ticket, attachment, engineer, now)
    session.add(row)
    data = {"kind": attachment.kind.value}
    tickets.add_event(
        session, ticket, engineer, TimelineKind.ATTACHMENT, now, note=caption or None, data=data
    )
    ticket.updated_at = now
    await session.flush()
    return row


# -- details for the job card --------------------------------------------------------------
async def customer_name(session: AsyncSession, ticket: Ticket) -> str:
    customer = await session.get(Customer, ticket.customer_id)
    return customer.name if customer is not None else ""


async def contact_phone(session: AsyncSession, ticket: Ticket) -> str | None:
    """Whom to call on site: the reporter's phone, else the customer's first known number."""
    if ticket.reporter_id is not None:
        reporter = await session.get(Person, ticket.reporter_id)
        if reporter is not None and reporter.phone:
            return reporter.phone
    return await session.scalar(
        select(CustomerContact.phone)
        .where(CustomerContact.customer_id == ticket.customer_id)
        .order_by(CustomerContact.id)
        .limit(1)
    )


async def reporter(
    session: AsyncSession, ticket: Ticket, *, unless: Person | None = None
) -> Person | None:
    """Who hears how the request moves along: whoever reported it, unless that is ``unless``
    (who moved it)."""
    if ticket.reporter_id is None or (unless is not None and ticket.reporter_id == unless.id):
        return None
    return await session.get(Person, ticket.reporter_id)


# -- the engineer's profile ----------------------------------------------------------------
async def skill_choices(session: AsyncSession) -> list[str]:
    """Equipment categories present in the catalog: what an engineer can be skilled in."""
    rows = await session.scalars(
        select(EquipmentModel.category).where(EquipmentModel.category != "").distinct()
    )
    return sorted(set(rows))


async def set_profile(
    session: AsyncSession,
    engineer: Person,
    *,
    name: str | None = None,
    skills: list[str] | None = None,
) -> None:
    """Name customers will see and skills (known categories only) that filter the board."""
    require_engineer(engineer)
    if name is not None:
        engineer.name = name.strip()[:200]
    if skills is not None:
        known = set(await skill_choices(session))
        engineer.skills = sorted(set(skills) & known)
    await session.flush()


async def set_duty(session: AsyncSession, engineer: Person, on_duty: bool) -> None:
    require_engineer(engineer)
    engineer.on_duty = on_duty
    await session.flush()


async def record_location(
    session: AsyncSession, engineer: Person, latitude: float, longitude: float, now: datetime
) -> datetime | None:
    """Keep the engineer's last position for the board's distances; returns when the
    previous one was taken (None if never)."""
    require_engineer(engineer)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("coordinates out of range")
    previous = engineer.located_at
    engineer.latitude, engineer.longitude, engineer.located_at = latitude, longitude, now
    await session.flush()
    return previous
