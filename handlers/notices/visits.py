"""What each side hears about a visit: the customer gets the times offered as buttons (and the
reminders); the engineer and whoever offered the times hear which one was agreed, or that the
customer wants another; the reminders are a scheduler job (:mod:`handlers.notices.periodic`).

An offer stays current: once it is answered, replaced by newer times, or its ticket is closed,
:func:`close_offers` edits it to say so and takes its buttons away.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import N_, Catalogs, Translator
from bot.core.replies import Button, InlineKeyboard, Markup, inline
from bot.services import outbox, visits
from bot.services.jobs import customer_name
from bot.services.visits import Agreed, AnotherTime, Proposed, Reminder
from handlers.common.buttons import AnotherVisitTime, PickVisit, ProposeVisit
from handlers.notices.outbox import Background, Render, Speaker, to_managers, to_people
from handlers.texts import ticket_ref, visit_time
from storage.models import OutboxMessage, Person, Ticket, VisitSlot

VISIT_OFFERED = "visit_offered"
MAINTENANCE_CUSTOMER = "maintenance_customer"
OFFER_KINDS = (VISIT_OFFERED, MAINTENANCE_CUSTOMER)
VISIT_AGREED = "visit_agreed"
VISIT_ANOTHER = "visit_another"


def offer_keyboard(t: Translator, ticket_id: int, slots: Sequence[VisitSlot]) -> InlineKeyboard:
    """One button per time offered, then "🔁 Another time"."""
    rows = [
        [Button(visit_time(t, slot.starts_at), PickVisit(slot=slot.id).pack())] for slot in slots
    ]
    rows.append([Button(t._("🔁 Another time"), AnotherVisitTime(ticket=ticket_id).pack())])
    return inline(*rows)


def propose_keyboard(t: Translator, ticket_id: int) -> InlineKeyboard:
    return inline([Button(t._("📅 Propose a visit"), ProposeVisit(ticket=ticket_id).pack())])


def _equipment(ticket: Ticket) -> str:
    if ticket.equipment is not None:
        return ticket.equipment.model.name
    return ticket.equipment_text or ""


async def proposed(speaker: Speaker, offer: Proposed) -> None:
    """The customer gets the times as buttons."""
    ticket, name = offer.ticket, offer.by.name if offer.by is not None else ""

    def render(t: Translator) -> tuple[str, Markup | None]:
        ref = ticket_ref(ticket)
        if offer.previous is not None:
            text = t._(
                "📅 {name} would like to move the visit for {ref} ({equipment}) from {time}. "
                "Which of these times suits you?",
                name=name,
                ref=ref,
                equipment=_equipment(ticket),
                time=visit_time(t, offer.previous),
            )
        else:
            text = t._(
                "📅 {name} proposes a visit for {ref} ({equipment}). "
                "Which of these times suits you?",
                name=name,
                ref=ref,
                equipment=_equipment(ticket),
            )
        return text, offer_keyboard(t, ticket.id, offer.slots)

    await close_offers(speaker, ticket.id, Outcome.REPLACED)
    await to_people(speaker, offer.customers, render, VISIT_OFFERED, ticket_id=ticket.id)


class Outcome(StrEnum):
    AGREED = "agreed"
    DECLINED = "declined"
    REPLACED = "replaced"
    CLOSED = "closed"


# The line added under an offer that no longer stands; {time} is the agreed time.
OUTCOME_WORDS = {
    Outcome.AGREED: N_("✅ Agreed: {time}"),
    Outcome.DECLINED: N_("🔁 You asked for another time."),
    Outcome.REPLACED: N_("These times were replaced by new ones."),
    Outcome.CLOSED: N_("The request is closed; these times no longer apply."),
}


async def close_offers(
    speaker: Speaker, ticket_id: int, outcome: Outcome, at: datetime | None = None
) -> None:
    """Edit every offer of times for the ticket that still has its buttons: the outcome is
    added under its text, in its reader's language, and the buttons go."""
    session = speaker.session
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.ticket_id == ticket_id, OutboxMessage.kind.in_(OFFER_KINDS))
        .order_by(OutboxMessage.id)
    )
    latest: dict[int, OutboxMessage] = {}
    originals: list[OutboxMessage] = []
    for row in rows:
        latest[row.edit_of or row.id] = row
        if row.edit_of is None:
            originals.append(row)
    for original in originals:
        if PickVisit.prefix + ":" not in str(latest[original.id].markup or ""):
            continue
        reader = await session.get(Person, original.person_id) if original.person_id else None
        t = speaker.catalogs.get(reader.locale if reader is not None else None)
        line = t._(OUTCOME_WORDS[outcome], time=visit_time(t, at) if at is not None else "")
        text = f"{original.text}\n\n{line}"
        await outbox.enqueue_edit(session, original, text, speaker.now(), markup=None)


async def _to_staff(
    speaker: Speaker, people: list[Person], render: Render, kind: str, ticket_id: int
) -> None:
    """To the engineer and whoever offered the time; the managers' chat when nobody is."""
    if people:
        await to_people(speaker, people, render, kind, ticket_id=ticket_id)
    else:
        await to_managers(speaker, render, kind, ticket_id=ticket_id)


async def agreed(speaker: Speaker, done: Agreed) -> None:
    ticket = done.ticket

    def render(t: Translator) -> tuple[str, Markup | None]:
        ref, time = ticket_ref(ticket), visit_time(t, done.at)
        if done.previous is not None:
            text = t._(
                "📅 {customer} moved the visit for {ref} from {previous} to {time}.",
                customer=done.customer.name,
                ref=ref,
                previous=visit_time(t, done.previous),
                time=time,
            )
        else:
            text = t._(
                "✅ {customer} agreed to the visit for {ref} on {time}.",
                customer=done.customer.name,
                ref=ref,
                time=time,
            )
        return text, None

    await _to_staff(speaker, done.staff, render, VISIT_AGREED, ticket.id)


async def another(speaker: Speaker, asked: AnotherTime) -> None:
    ticket = asked.ticket

    def render(t: Translator) -> tuple[str, Markup | None]:
        ref = ticket_ref(ticket)
        if asked.cancelled is not None:
            text = t._(
                "🔁 {customer} cannot make the visit for {ref} on {time} and asks for "
                "another time. The visit is off until a new time is agreed.",
                customer=asked.customer.name,
                ref=ref,
                time=visit_time(t, asked.cancelled),
            )
        else:
            text = t._(
                "🔁 {customer} asks for another time for the visit for {ref}.",
                customer=asked.customer.name,
                ref=ref,
            )
        return text, propose_keyboard(t, ticket.id)

    await _to_staff(speaker, asked.staff, render, VISIT_ANOTHER, ticket.id)


# -- reminders ----------------------------------------------------------------------------------
CUSTOMER_REMINDER = {
    Reminder.EVENING: N_(
        "⏰ Reminder: the engineer's visit for {ref} ({equipment}) is on {time}."
    ),
    Reminder.HOUR: N_("⏰ The engineer's visit for {ref} ({equipment}) is in an hour, at {time}."),
}
ENGINEER_REMINDER = {
    Reminder.EVENING: N_("⏰ Reminder: your visit to {customer} for {ref} is on {time}."),
    Reminder.HOUR: N_("⏰ Your visit to {customer} for {ref} is in an hour, at {time}."),
}


def _reminder(words: str, ticket: Ticket, customer: str) -> Render:
    assert ticket.visit_at is not None
    at = ticket.visit_at

    def render(t: Translator) -> tuple[str, Markup | None]:
        text = t._(
            words,
            ref=ticket_ref(ticket),
            equipment=_equipment(ticket),
            customer=customer,
            time=visit_time(t, at),
        )
        return text, None

    return render


async def remind_visits(
    session: AsyncSession, now: datetime, settings: Settings, catalogs: Catalogs
) -> int:
    """The visit reminders due now, each sent once; returns how many visits were recalled."""
    speaker = Background(session, settings, catalogs, now)
    due = await visits.reminders_due(session, now, settings)
    for item in due:
        ticket = item.ticket
        customer = await customer_name(session, ticket)
        words = CUSTOMER_REMINDER[item.kind]
        await to_people(
            speaker, item.customers, _reminder(words, ticket, ""), item.kind, ticket_id=ticket.id
        )
        if item.engineer is not None:
            words = ENGINEER_REMINDER[item.kind]
            await to_people(
                speaker,
                [item.engineer],
                _reminder(words, ticket, customer),
                item.kind,
                ticket_id=ticket.id,
            )
    return len(due)
