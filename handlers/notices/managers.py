"""Alerts to the managers' chat about what customers and engineers did: new tickets, part
requests and low stock, low ratings and their comments, reopened and handed back jobs,
complaints.

Each takes what the service returned; the service has decided whether the managers hear of
it (``Rated.low``, ``PartMoved.low_stock``). The outbox ``kind`` below is also the key of
``FIELDBOT_MANAGER_TOPIC_IDS``. An alert about a ticket's state (new, reopened, handed back,
and the escalations and maintenance jobs) is live (:func:`live_alert`): it is edited as the
ticket moves, to say how it stands (:func:`alert_now`) with only the buttons that still apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.core.i18n import N_, Translator, format_phone
from bot.core.replies import Button, InlineKeyboard, Markup, inline
from bot.services import equipment as equipment_service
from bot.services import live, parts, reports
from bot.services.cancelling import Cancelled
from bot.services.closing import Commented, Rated, Reopened
from bot.services.complaints import ComplaintFiled
from bot.services.equipment import Coverage, coverage
from bot.services.jobs import JobMoved
from bot.services.parts import LowStock, PartRequested
from handlers.manager.buttons import (
    CustomerTickets,
    IssuePart,
    OpenTicket,
    OrderPart,
    PartArrived,
    RejectPart,
    ReviewConfirm,
    ReviewLink,
)
from handlers.notices.facts import (
    PRIORITY_MARK,
    TicketBrief,
    brief,
    brief_lines,
    open_button,
    ticket_buttons,
)
from handlers.notices.outbox import (
    Render,
    Speaker,
    manager_translator,
    managers_rows,
    to_managers,
)
from handlers.texts import (
    KIND,
    PRIORITY,
    STATUS,
    cancel_reason,
    coverage_line,
    heading,
    ticket_ref,
)
from storage.models import (
    Customer,
    LivePurpose,
    PartRequest,
    PartStatus,
    Person,
    Ticket,
    TicketStatus,
)

NEW_TICKET = "new_ticket"
PART_REQUEST = "part_request"
LOW_STOCK = "low_stock"
LOW_RATING = "low_rating"
COMPLAINT = "complaint"
REOPENED = "reopened"
HANDED_BACK = "handed_back"
CANCELLED = "cancelled"
NEW_CUSTOMER = "new_customer"
HISTORY_SIZE = 5

# How a live alert says where its ticket stands now; {name} is the engineer. A new ticket
# nobody has taken says nothing more than the alert did.
NOW = {
    TicketStatus.ASSIGNED: N_("👷 Now: taken by {name}"),
    TicketStatus.EN_ROUTE: N_("🚗 Now: {name} is on the way"),
    TicketStatus.ON_SITE: N_("📍 Now: {name} is on site"),
    TicketStatus.WAITING_PARTS: N_("⏸ Now: {name} is waiting for parts"),
    TicketStatus.WAITING_CUSTOMER: N_("⏸ Now: {name} is waiting for the customer's reply"),
    TicketStatus.RESOLVED: N_("✅ Now: resolved by {name}, waiting for the customer's sign-off"),
    TicketStatus.CLOSED: N_("☑️ Now: closed"),
    TicketStatus.CANCELLED: N_("✖ Now: cancelled"),
}


# -- live alerts ----------------------------------------------------------------------------------
async def live_alert(speaker: Speaker, ticket_id: int, render: Render, kind: str) -> bool:
    """Queue an alert about a ticket and keep it live; False when no chat is configured."""
    rows = await managers_rows(speaker, render, kind, ticket_id=ticket_id)
    for row in rows:
        await live.record(
            speaker.session, ticket_id, LivePurpose.ALERT, row, speaker.now(), row.person_id
        )
    return bool(rows)


def alert_buttons(t: Translator, ticket: Ticket) -> InlineKeyboard | None:
    """What managers can still do from an alert: open and (re)assign an open ticket; nothing
    once it is resolved, closed or cancelled."""
    return ticket_buttons(t, ticket.id, ticket.engineer_id is not None) if ticket.is_open else None


def alert_now(
    ticket: Ticket, engineer: str | None, sent: str, fresh: Render | None = None
) -> Render:
    """A live alert as it should read now: written afresh by ``fresh`` (the new-ticket alert)
    or else the words ``sent``, and a line saying where the ticket stands."""

    def render(t: Translator) -> tuple[str, Markup | None]:
        text = fresh(t)[0] if fresh is not None else sent
        now = NOW.get(ticket.status)
        if now is not None:
            text = "\n".join([text, t._(now, name=engineer or "—")])
        return text, alert_buttons(t, ticket)

    return render


# -- new ticket -----------------------------------------------------------------------------------
def new_ticket_render(facts: TicketBrief, cover: Coverage | None = None) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._(
                "{mark} New request {heading}",
                mark=PRIORITY_MARK[facts.priority],
                heading=heading(t, ticket_ref(facts.ticket_id), facts.kind, facts.priority),
            ),
        ]
        if facts.repeat_of is not None:
            number, opened = facts.repeat_of
            day = t.day(opened)
            lines.append(t._("🔁 Repeat: {ref} on {date}", ref=ticket_ref(number), date=day))
        lines += brief_lines(t, facts)
        covered = coverage_line(t, cover) if cover is not None else None
        if covered:
            lines.append(covered)
        if facts.response_due is not None:
            lines.append(t._("Respond by {due}", due=t.datetime(facts.response_due)))
        return "\n".join(lines), ticket_buttons(t, facts.ticket_id, facts.engineer is not None)

    return render


async def new_ticket(speaker: Speaker, ticket: Ticket) -> bool:
    """A client registered a ticket: urgent and production-stopped ones are marked 🟠/🔴."""
    return await live_alert(
        speaker, ticket.id, await new_ticket_alert(speaker, ticket), NEW_TICKET
    )


async def new_ticket_alert(speaker: Speaker, ticket: Ticket) -> Render:
    """The new-ticket alert as of now, with the equipment's warranty or contract and a repeat
    breakdown's previous ticket (what a live edit writes afresh, too)."""
    cover = None
    if ticket.equipment_id is not None:
        item = await equipment_service.get(speaker.session, ticket.equipment_id)
        assert item is not None  # the ticket's foreign key
        cover = coverage(item, speaker.now().astimezone(speaker.settings.tz).date())
    facts = await brief(speaker.session, ticket)
    repeat = await reports.repeat_of(speaker.session, ticket)
    return new_ticket_render(replace(facts, repeat_of=repeat), cover)


async def handed_back(speaker: Speaker, moved: JobMoved) -> bool:
    """An engineer gave a job back: why, and how urgent it is, with Assign."""
    ticket = moved.ticket
    facts = await brief(speaker.session, ticket)

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._(
                "{mark} {ref} was handed back by {engineer} — {priority}",
                mark=PRIORITY_MARK[ticket.priority],
                ref=ticket_ref(ticket),
                engineer=moved.engineer.name,
                priority=t._(PRIORITY[ticket.priority]),
            ),
        ]
        if moved.reason:
            lines.append(t._("Reason: {reason}", reason=moved.reason[:1000]))
        lines += brief_lines(t, facts, description=False)
        return "\n".join(lines), alert_buttons(t, ticket)

    return await live_alert(speaker, ticket.id, render, HANDED_BACK)


# -- part requests and low stock ------------------------------------------------------------------
# Where a part request stands, on its alert; {name} is the manager who decided.
PART_NOW = {
    PartStatus.ISSUED: N_("✅ Now: issued from {warehouse} by {name}"),
    PartStatus.ORDERED: N_("🚚 Now: ordered by {name}, expected on {date}"),
    PartStatus.REJECTED: N_("✖ Now: rejected by {name}: {reason}"),
    PartStatus.USED: N_("🔧 Now: used on the job (issued from {warehouse})"),
    PartStatus.RETURNED: N_("↩ Now: returned to {warehouse}"),
}


async def part_alert(speaker: Speaker, request: PartRequest) -> Render:
    """The alert about a part request as it should read now: the request, the job, the stock
    in each warehouse, where the request stands, and what managers can still do with it."""
    session = speaker.session
    known = await parts.facts(session, request)
    facts = await brief(session, known.ticket)
    handler = await session.get(Person, request.handled_by) if request.handled_by else None
    part, ticket = known.part, known.ticket

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._(
                "📦 Part request for {ref}: {number} · {name} × {n}",
                ref=ticket_ref(ticket.id),
                number=part.number,
                name=parts.part_name(part, t.locale),
                n=request.quantity,
            ),
            t._(
                "Requested by {engineer}", engineer=known.engineer.name if known.engineer else "—"
            ),
            *brief_lines(t, facts, description=False),
        ]
        if known.stock:
            lines.append(t._("In stock:"))
            lines += [
                t._("{warehouse}: {n}", warehouse=item.name, n=item.quantity)
                for item in known.stock
            ]
        else:
            lines.append(t._("Not in stock in any warehouse."))
        now = PART_NOW.get(request.status)
        if now is not None:
            lines.append(
                t._(
                    now,
                    name=handler.name if handler is not None else "—",
                    warehouse=known.warehouse.name if known.warehouse is not None else "—",
                    date=t.date(request.expected_on) if request.expected_on else "—",
                    reason=request.reason or "—",
                )
            )
        return "\n".join(lines), part_buttons(t, known)

    return render


def part_buttons(t: Translator, known: parts.RequestFacts) -> InlineKeyboard:
    """Issue from a warehouse that has it, Order or Reject a new request; Arrived, a new date
    or Reject an ordered one; only Open once it is decided (or its job is no longer open)."""
    request, rows = known.request, []
    open_job = known.ticket.is_open
    if request.status is PartStatus.REQUESTED and open_job:
        rows += [
            [
                Button(
                    t._("📤 Issue from {warehouse} ({n})", warehouse=item.name, n=item.quantity),
                    IssuePart(request=request.id, warehouse=item.warehouse_id).pack(),
                )
            ]
            for item in known.stock
            if item.quantity > 0
        ]
        rows.append([Button(t._("🚚 Order"), OrderPart(request=request.id).pack())])
    if request.status is PartStatus.ORDERED and open_job:
        rows.append([Button(t._("📥 Arrived — issue"), PartArrived(request=request.id).pack())])
        rows.append([Button(t._("🚚 Another date"), OrderPart(request=request.id).pack())])
    if request.status in parts.PENDING:
        rows.append([Button(t._("✖ Reject"), RejectPart(request=request.id).pack())])
    rows.append([open_button(t, known.ticket.id)])
    return inline(*rows)


async def part_requested(speaker: Speaker, event: PartRequested) -> bool:
    """An engineer asked for a part: a live alert, edited as the request moves."""
    request, ticket = event.request, event.ticket
    rows = await managers_rows(
        speaker, await part_alert(speaker, request), PART_REQUEST, ticket_id=ticket.id
    )
    if not rows:
        return False
    for row in rows:
        await live.record(
            speaker.session, ticket.id, LivePurpose.ALERT, row, speaker.now(), row.person_id
        )
    request.alert_id = rows[0].id  # the chat's alert; private copies are not rewritten
    await speaker.session.flush()
    return True


async def part_alert_now(speaker: Speaker, outbox_id: int) -> Render | None:
    """The part-request alert sent as ``outbox_id`` as it should read now (None when no
    request names it)."""
    request = await parts.request_by_alert(speaker.session, outbox_id)
    return await part_alert(speaker, request) if request is not None else None


async def part_request_changed(speaker: Speaker, request: PartRequest) -> None:
    """The request moved: its alert says so and keeps only the buttons that still apply."""
    if request.alert_id is None:
        return
    t = manager_translator(speaker.settings, speaker.catalogs)
    render = await part_alert(speaker, request)
    for item in await live.of_ticket(speaker.session, request.ticket_id, LivePurpose.ALERT):
        if item.original.id == request.alert_id:
            text, markup = render(t)
            await live.edit(speaker.session, item, text, markup, speaker.now())


async def low_stock(speaker: Speaker, low: LowStock, ticket_id: int) -> bool:
    """A part's stock went below its minimum (the service tells it once per fall)."""
    part = low.part

    def render(t: Translator) -> tuple[str, Markup | None]:
        text = t._(
            "⚠️ Low stock: {number} · {name}. {total} left in all warehouses, below the "
            "minimum of {minimum}.",
            number=part.number,
            name=parts.part_name(part, t.locale),
            total=t.number(low.total),
            minimum=t.number(low.minimum),
        )
        return text, inline([open_button(t, ticket_id)])

    return await to_managers(speaker, render, LOW_STOCK)


# -- ratings, comments and reopened jobs ----------------------------------------------------------
async def rated(speaker: Speaker, event: Rated) -> bool:
    """A customer rated a job; managers hear of the low ratings."""
    if not event.low:
        return False
    ticket, rating = event.ticket, event.rating
    facts = await brief(speaker.session, ticket)

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._(
                "👎 Low rating for {ref}: {stars} ({rating} of 5)",
                ref=ticket_ref(ticket),
                stars="⭐" * rating,
                rating=rating,
            ),
            *brief_lines(t, facts, description=False),
        ]
        return "\n".join(lines), inline([open_button(t, ticket.id)])

    return await to_managers(speaker, render, LOW_RATING)


async def rating_comment(speaker: Speaker, event: Commented) -> bool:
    """The comment a customer added to a low rating, as a follow-up alert."""
    if not event.low:
        return False
    ticket = event.ticket

    def render(t: Translator) -> tuple[str, Markup | None]:
        text = t._(
            "💬 Comment on the low rating of {ref}: {comment}",
            ref=ticket_ref(ticket),
            comment=event.comment[:1000],
        )
        return text, inline([open_button(t, ticket.id)])

    return await to_managers(speaker, render, LOW_RATING)


async def reopened(speaker: Speaker, event: Reopened) -> bool:
    """The customer said a resolved job is not fixed; it is back with its engineer."""
    ticket, reason = event.ticket, event.reason
    facts = await brief(speaker.session, ticket)

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._(
                "🔁 {ref} is reopened: the customer says it is not fixed.", ref=ticket_ref(ticket)
            ),
            *brief_lines(t, facts, description=False),
        ]
        if reason:
            lines.append(t._("What is still wrong: {reason}", reason=reason[:1000]))
        return "\n".join(lines), ticket_buttons(t, ticket.id, facts.engineer is not None)

    return await live_alert(speaker, ticket.id, render, REOPENED)


# -- cancelled by the customer --------------------------------------------------------------------
async def cancelled(speaker: Speaker, event: Cancelled) -> bool:
    """The customer cancelled their request, saying why (the service decided the managers
    hear: ``Cancelled.managers``)."""
    if not event.managers:
        return False
    ticket = event.ticket
    facts = await brief(speaker.session, ticket)

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._(
                "✖ The customer cancelled {ref}: {reason}",
                ref=ticket_ref(ticket),
                reason=cancel_reason(t, event.reason, event.note),
            ),
            t._("Cancelled by {name}", name=contact_of(event.by)),
            *brief_lines(t, facts, description=False),
        ]
        return "\n".join(lines), inline([open_button(t, ticket.id)])

    return await to_managers(speaker, render, CANCELLED, ticket_id=event.ticket.id)


# -- a new customer to review ---------------------------------------------------------------------
async def new_customer(speaker: Speaker, person: Person, customer: Customer) -> bool:
    """Someone shared a phone number no customer has: a new customer was made for them,
    which a manager links to an existing customer or confirms as new."""

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._("👤 New customer to review: {contact}", contact=contact_of(person)),
            t._(
                "Their phone number matched no customer; they are registered as “{name}”.",
                name=customer.name,
            ),
            t._("Link them to an existing customer, or confirm them as a new one."),
        ]
        markup = inline(
            [Button(t._("🔗 Link to existing customer"), ReviewLink(customer=customer.id).pack())],
            [Button(t._("✅ Confirm as new"), ReviewConfirm(customer=customer.id).pack())],
        )
        return "\n".join(lines), markup

    return await to_managers(speaker, render, NEW_CUSTOMER)


# -- complaints -----------------------------------------------------------------------------------
def history_line(t: Translator, item: reports.HistoryItem) -> str:
    ticket = item.ticket
    line = t._(
        "{ref} · {date} · {kind} · {status}",
        ref=ticket_ref(ticket),
        date=t.date(ticket.created_at.astimezone(t.tz).date()),
        kind=t._(KIND[ticket.kind]),
        status=t._(STATUS[ticket.status]),
    )
    return f"{line} · {'⭐' * item.rating}" if item.rating else line


def complaint_render(
    event: ComplaintFiled, customer: str, history: Sequence[reports.HistoryItem]
) -> Render:
    complaint, contact = event.complaint, contact_of(event.author)

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._("❗ Complaint from {customer} ({contact}):", customer=customer, contact=contact),
            complaint.text,
            "",
        ]
        if history:
            lines.append(t._("Their latest requests:"))
            lines += [history_line(t, item) for item in history]
        else:
            lines.append(t._("They have no requests yet."))
        opens = [
            Button(ticket_ref(i.ticket), OpenTicket(ticket=i.ticket.id).pack()) for i in history
        ]
        theirs = CustomerTickets(customer=complaint.customer_id).pack()
        return "\n".join(lines), inline(opens, [Button(t._("📋 Their open requests"), theirs)])

    return render


def contact_of(person: Person) -> str:
    return f"{person.name}, {format_phone(person.phone)}" if person.phone else person.name


async def complaint(speaker: Speaker, event: ComplaintFiled) -> bool:
    """A customer complained: the alert carries their latest tickets with status and rating."""
    customer_id = event.complaint.customer_id
    customer = await speaker.session.get_one(Customer, customer_id)
    history = await reports.customer_history(speaker.session, customer_id, HISTORY_SIZE)
    return await to_managers(speaker, complaint_render(event, customer.name, history), COMPLAINT)
