"""What a manager reads about a ticket: on every alert and escalation, and on the ticket's card.

The facts are loaded first (:func:`brief`), so the renderers do no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import Translator
from bot.core.replies import Button, InlineKeyboard, inline
from bot.services import equipment as equipment_service
from bot.services import maintenance
from handlers.manager.buttons import Candidates, OpenTicket, WriteCustomer
from handlers.texts import (
    KIND,
    description_line,
    due_day,
    equipment_label,
    maintenance_words,
    request_lines,
    site_label,
    visit_time,
)
from storage.models import (
    Customer,
    MaintenancePlan,
    Person,
    Priority,
    Site,
    Ticket,
    TicketKind,
)

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
    kind: TicketKind = TicketKind.BREAKDOWN
    site: str | None = None  # the site's name and address
    order_ref: str | None = None
    preferred_date: str | None = None
    # The equipment's previous ticket within the repeat window: its number and when it was
    # opened (a repeat breakdown).
    repeat_of: tuple[int, datetime] | None = None
    plan: MaintenancePlan | None = None  # a planned maintenance job's contract and interval
    resolution_due: datetime | None = None
    visit_at: datetime | None = None  # the agreed visit of an open ticket


async def brief(session: AsyncSession, ticket: Ticket) -> TicketBrief:
    customer = await session.get(Customer, ticket.customer_id)
    item = (
        await equipment_service.get(session, ticket.equipment_id) if ticket.equipment_id else None
    )
    engineer = await session.get(Person, ticket.engineer_id) if ticket.engineer_id else None
    equipment = equipment_label(item) if item is not None else ticket.equipment_text
    site = await session.get(Site, ticket.site_id) if ticket.site_id else None
    if site is None and item is not None:
        site = item.site
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
        ticket.kind,
        site_label(site),
        ticket.order_ref,
        ticket.preferred_date,
        plan=await maintenance.plan_of(session, ticket),
        resolution_due=ticket.resolution_due,
        visit_at=ticket.visit_at if ticket.is_open else None,
    )


def brief_lines(t: Translator, facts: TicketBrief, *, description: bool = True) -> list[str]:
    lines = [t._("Customer: {customer}", customer=facts.customer)]
    if facts.new_customer:
        lines.append(t._("⚠️ New customer, not reviewed yet"))
    lines.append(
        t._("Equipment: {equipment}", equipment=facts.equipment or t._("equipment not specified"))
    )
    lines += request_lines(t, facts.site, facts.order_ref, facts.preferred_date)
    if description and facts.description:
        lines.append(description_line(t, facts.kind, facts.description[:500]))
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
