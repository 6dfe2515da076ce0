"""People talk through the ticket: a customer's message (text or a file) goes to whoever works
the ticket, a staff message or question goes to the customer, and both stay on the timeline.

Who may talk about which ticket is checked here, whatever button or reply brought the message:
a customer only about their own company's tickets, an engineer only about their own jobs, a
manager about any. A closed or cancelled ticket takes no more messages. A question from the
engineer makes the job wait for the customer (its SLA clocks stop); the customer's next
message on it answers and resumes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.events import Attachment
from bot.core.i18n import N_
from bot.services import jobs, tickets
from bot.services.errors import InvalidState, NotFound
from bot.services.jobs import JobMoved
from storage.models import (
    OutboxMessage,
    Person,
    Role,
    Ticket,
    TicketStatus,
    TimelineKind,
)

CUSTOMER = "customer"
STAFF = "staff"
NOT_FOUND = N_("Request not found.")
CLOSED = N_(
    "{ref} is already closed, so nothing more can be added to it. "
    "If the problem is back or something new is wrong, please report it with /report."
)
CLOSED_FOR_STAFF = N_("{ref} is closed or cancelled: messages can no longer be added to it.")
NOBODY = N_("{ref} has no customer contact who uses this bot, so the message cannot be relayed.")
MAX_TEXT = 3000
_REF = re.compile(r"#(\d{1,9})\b")


@dataclass(frozen=True)
class Said:
    """A message added to ``ticket`` by ``author``: ``text`` and/or one ``attachment``.

    It goes to ``recipient`` (the engineer, or the customer's contact), or to the managers'
    chat when ``to_managers`` (a customer's message before anyone took the job). ``moved`` is
    the status change it caused: a question made the job wait for the customer, or the
    customer's message answered one."""

    ticket: Ticket
    author: Person
    from_customer: bool
    text: str
    attachment: Attachment | None
    recipient: Person | None
    to_managers: bool = False
    question: bool = False
    moved: JobMoved | None = None


# -- which ticket ---------------------------------------------------------------------------
def may_talk(ticket: Ticket, person: Person) -> None:
    """Refused for a ticket that is closed or cancelled; the customer is told how to report
    anew, staff that it is over."""
    if ticket.status in (TicketStatus.CLOSED, TicketStatus.CANCELLED):
        words = CLOSED if person.role is Role.CLIENT else CLOSED_FOR_STAFF
        raise InvalidState(words, ref=tickets.ticket_ref(ticket))


async def customer_ticket(session: AsyncSession, ticket_id: int, person: Person) -> Ticket:
    """A ticket of the customer's own company, locked; NotFound otherwise (ids reveal
    nothing)."""
    if person.role is not Role.CLIENT or person.customer_id is None:
        raise NotFound(NOT_FOUND)
    ticket = await tickets.locked(session, ticket_id)
    if ticket is None or ticket.customer_id != person.customer_id:
        raise NotFound(NOT_FOUND)
    return ticket


async def staff_ticket(session: AsyncSession, ticket_id: int, person: Person) -> Ticket:
    """A ticket a member of staff may talk about: any for a manager, an engineer's own job
    (open or resolved); NotFound otherwise."""
    if person.role is Role.ENGINEER:
        return await jobs.get_my_job(session, ticket_id, person, missing=NOT_FOUND)
    if person.role is not Role.MANAGER:
        raise NotFound(NOT_FOUND)
    ticket = await tickets.locked(session, ticket_id)
    if ticket is None:
        raise NotFound(NOT_FOUND)
    return ticket


async def replied_ticket(
    session: AsyncSession, chat_id: int, message_id: int, kinds: frozenset[str] | None = None
) -> int | None:
    """The ticket a bot message in that chat was about (the outbox row that sent it), if it
    was one of ``kinds`` (any kind when None)."""
    query = select(OutboxMessage.ticket_id, OutboxMessage.kind).where(
        OutboxMessage.chat_id == chat_id,
        OutboxMessage.message_id == message_id,
        OutboxMessage.ticket_id.is_not(None),
    )
    for ticket_id, kind in (await session.execute(query.order_by(OutboxMessage.id))).all():
        if ticket_id is not None and (kinds is None or kind in kinds):
            return int(ticket_id)
    return None


async def referenced_tickets(session: AsyncSession, text: str, person: Person) -> list[Ticket]:
    """The customer's own tickets that ``text`` names as ``#N``, in the order named."""
    ids = list(dict.fromkeys(int(found) for found in _REF.findall(text)))
    if not ids or person.customer_id is None:
        return []
    rows = await session.scalars(
        select(Ticket).where(Ticket.id.in_(ids), Ticket.customer_id == person.customer_id)
    )
    found = {ticket.id: ticket for ticket in rows.unique()}
    return [found[ticket_id] for ticket_id in ids if ticket_id in found]


# -- saying something -----------------------------------------------------------------------
def _keep(
    session: AsyncSession,
    ticket: Ticket,
    author: Person,
    side: str,
    text: str,
    attachment: Attachment | None,
    now: datetime,
    question: bool = False,
) -> None:
    """The message on the timeline: a MESSAGE line for the text, an ATTACHMENT line (and the
    file) for the attachment."""
    if text:
        data = {"from": side, "question": question}
        tickets.add_event(session, ticket, author, TimelineKind.MESSAGE, now, note=text, data=data)
    if attachment is not None:
        session.add(tickets.stored(ticket, attachment, author, now))
        data = {"kind": attachment.kind.value, "from": side}
        tickets.add_event(session, ticket, author, TimelineKind.ATTACHMENT, now, data=data)
    ticket.updated_at = now


def _content(text: str, attachment: Attachment | None) -> str:
    text = text.strip()[:MAX_TEXT]
    if not text and attachment is None:
        raise InvalidState(N_("Please send a text, a photo, a document, a voice note or a video."))
    return text


async def customer_writes(
    session: AsyncSession,
    ticket: Ticket,
    person: Person,
    text: str,
    attachment: Attachment | None,
    now: datetime,
    settings: Settings,
) -> Said:
    """The customer adds to their ticket (from :func:`customer_ticket`); it goes to the
    engineer, or the managers before anyone took it, and answers a question waiting for
    them."""
    if person.role is not Role.CLIENT or ticket.customer_id != person.customer_id:
        raise NotFound(NOT_FOUND)
    may_talk(ticket, person)
    text = _content(text, attachment)
    _keep(session, ticket, person, CUSTOMER, text, attachment, now)
    moved = await jobs.customer_answered(session, ticket, person, now, settings)
    await session.flush()
    engineer = None
    if ticket.engineer_id is not None:  # open or resolved: closed tickets were refused
        engineer = await session.get(Person, ticket.engineer_id)
    return Said(
        ticket,
        person,
        True,
        text,
        attachment,
        engineer,
        to_managers=engineer is None,
        moved=moved,
    )


async def customer_contact(session: AsyncSession, ticket: Ticket) -> Person | None:
    """Whom staff messages about the ticket reach: whoever reported it, else the customer's
    first contact registered in the bot."""
    if ticket.reporter_id is not None:
        reporter = await session.get(Person, ticket.reporter_id)
        if reporter is not None and reporter.role is Role.CLIENT:
            return reporter
    return await session.scalar(
        select(Person)
        .where(Person.customer_id == ticket.customer_id, Person.role == Role.CLIENT)
        .order_by(Person.id)
        .limit(1)
    )


async def staff_writes(
    session: AsyncSession,
    ticket: Ticket,
    person: Person,
    text: str,
    attachment: Attachment | None,
    now: datetime,
    settings: Settings,
    *,
    question: bool = False,
) -> Said:
    """An engineer (their own job) or a manager writes to the customer; an engineer's
    ``question`` makes the job wait for the answer, with its SLA clocks stopped."""
    if person.role is Role.ENGINEER:
        if ticket.engineer_id != person.id:
            raise NotFound(NOT_FOUND)
    elif person.role is not Role.MANAGER or question:
        raise NotFound(NOT_FOUND)
    may_talk(ticket, person)
    text = _content(text, attachment)
    recipient = await customer_contact(session, ticket)
    if recipient is None:
        raise InvalidState(NOBODY, ref=tickets.ticket_ref(ticket))
    moved = None
    if question:
        if ticket.status not in jobs.ASKING:
            raise InvalidState(
                N_("{ref} cannot wait for the customer in its current status."),
                ref=tickets.ticket_ref(ticket),
            )
        moved = await jobs.set_status(
            session, ticket, person, TicketStatus.WAITING_CUSTOMER, now, settings
        )
    _keep(session, ticket, person, STAFF, text, attachment, now, question)
    await session.flush()
    return Said(ticket, person, False, text, attachment, recipient, question=question, moved=moved)
