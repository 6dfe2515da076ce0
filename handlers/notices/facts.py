"""What a manager reads about a ticket: on every alert and escalation, and on the ticket's card.

The facts are loaded first (:func:`brief`), so the renderers do no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import Translator
from bot.core.replies import Button, InlineKeyboard, inline
from handlers.manager.buttons import Candidates, OpenTicket, WriteCustomer
from handlers.texts import (
    KIND,
    due_day,
    equipment_label,
    maintenance_plan,
    maintenance_words,
    visit_time,
)
from storage.models import Customer, Equipment, MaintenancePlan, Person, Priority, Ticket

PRIORITY_MARK = {Priority.PRODUCTION_STOPPED: "🔴", Priority.URGENT: "🟠", Priority.NORMAL: "🆕"}


@dataclass(frozen=True)
class TicketBrief:
    """A ticket's facts for a manager."""

    ticket_id: int
    kind_label: str
    priority: Priority
    customer: str
    new_customer: bool
    equipment: str | None  # None: not specified
    description: str
    engineer: str | None
    response_due: datetime | None
    plan: MaintenancePlan | None = None  # a planned maintenance job's contract and interval
    resolution_due: datetime | None = None
    visit_at: datetime | None = None  # the agreed visit of an open ticket


async def brief(session: AsyncSession, ticket: Ticket) -> TicketBrief:
    customer = await session.get(Customer, ticket.customer_id)
    item = await session.get(Equipment, ticket.equipment_id) if ticket.equipment_id else None
    engineer = await session.get(Person, ticket.engineer_id) if ticket.engineer_id else None
    equipment = equipment_label(item) if item is not None else ticket.equipment_text
    return TicketBrief(
        ticket.id,
        KIND[ticket.kind],
        ticket.priority,
        customer.name if customer is not None else "",
        bool(customer is not None and customer.needs_review),
        equipment,
        ticket.description,
        engineer.name if engineer is not None else None,
        ticket.response_due,
        maintenance_plan(ticket),
        ticket.resolution_due,
        ticket.visit_at if ticket.is_open else None,
    )


def brief_lines(t: Translator, facts: TicketBrief, *, description: bool = True) -> list[str]:
    lines = [t._("Customer: {customer}", customer=facts.customer)]
    if facts.new_customer:
        lines.append(t._("⚠️ New customer, not reviewed yet"))
    lines.append(
        t._("Equipment: {equipment}", equipment=facts.equipment or t._("equipment not specified"))
    )
    if description and facts.description:
        lines.append(t._("Problem: {description}", description=facts.description[:500]))
    elif description and facts.plan is not None:
        due = due_day(facts.resolution_due, facts.plan, t.tz)
        lines.append(maintenance_words(t, facts.plan, due))
    if facts.engineer:
        lines.append(t._("Engineer: {name}", name=facts.engineer))
    if facts.visit_at is not None:
        lines.append(t._("📅 Visit: {time}", time=visit_time(t, facts.visit_at)))
    return lines


def open_button(t: Translator, ticket_id: int) -> Button:
    return Button(t._("🔎 Open"), OpenTicket(ticket=ticket_id).pack())


def write_button(t: Translator, ticket_id: int) -> Button:
    return Button(t._("💬 Write to customer"), WriteCustomer(ticket=ticket_id).pack())


def ticket_buttons(t: Translator, ticket_id: int, assigned: bool) -> InlineKeyboard:
    """🔎 Open and 👷 Assign (👷 Reassign once an engineer has it), 💬 Write to customer."""
    assign = t._("👷 Reassign") if assigned else t._("👷 Assign")
    return inline(
        [open_button(t, ticket_id), Button(assign, Candidates(ticket=ticket_id).pack())],
        [write_button(t, ticket_id)],
    )
