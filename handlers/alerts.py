"""Alerts to the managers' notification chat, in that chat's language.

Every producer (new tickets, escalations, part requests, ratings, complaints, the digest) goes
through :func:`alert_managers`, so the chat, its language and its topics are decided in one
place. The alert is an outbox row in the current transaction.

Topics: in a forum supergroup, ``FIELDBOT_MANAGER_TOPICS=true`` and
``FIELDBOT_MANAGER_TOPIC_IDS=new_ticket=12,part_request=14,sla=16,default=2`` send each alert
kind to its topic: the exact kind first, then its family (the part before the first ``_``, so
``sla=16`` also takes ``sla_response``), then ``default``; otherwise the chat's General topic.

The producers below render with a :class:`Translator` and put ``mg:`` buttons on each alert
(``mg:t:<ticket>`` open, ``mg:as:<ticket>`` assign or reassign, ``mg:cu:<customer>`` the
customer's open tickets); the router lets only managers press them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.context import Context
from bot.core.i18n import Catalogs, Translator
from bot.core.replies import Button, InlineKeyboard, Markup, inline
from bot.services import outbox, parts, reports
from handlers.texts import KIND, PRIORITY, STATUS, equipment_label, ticket_ref
from storage.models import (
    Complaint,
    Customer,
    Equipment,
    Part,
    PartRequest,
    Person,
    Priority,
    Ticket,
)

Render = Callable[[Translator], tuple[str, Markup | None]]

# Alert kinds: outbox ``kind`` and the key of FIELDBOT_MANAGER_TOPIC_IDS.
NEW_TICKET = "new_ticket"
PART_REQUEST = "part_request"
LOW_STOCK = "low_stock"
LOW_RATING = "low_rating"
COMPLAINT = "complaint"
REOPENED = "reopened"
LOW_RATING_MAX = 2
PRIORITY_MARK = {Priority.PRODUCTION_STOPPED: "🔴", Priority.URGENT: "🟠", Priority.NORMAL: "🆕"}
HISTORY_SIZE = 5


def manager_translator(settings: Settings, catalogs: Catalogs) -> Translator:
    return catalogs.get(settings.manager_locale or settings.default_locale)


def topic_for(settings: Settings, kind: str) -> int | None:
    """The forum topic (``message_thread_id``) for alerts of ``kind``; None for no topic."""
    if not settings.manager_topics:
        return None
    topics = settings.manager_topic_ids
    for key in (kind, kind.split("_", 1)[0], "default"):
        if key in topics:
            return topics[key]
    return None


async def alert_managers(
    session: AsyncSession,
    settings: Settings,
    catalogs: Catalogs,
    kind: str,
    render: Render,
    now: datetime,
    *,
    document: bytes | None = None,
    document_name: str | None = None,
) -> bool:
    """Queue an alert of ``kind`` for the manager chat (with a file attached when given, the
    text as its caption); False when no chat is configured."""
    if settings.manager_chat_id is None:
        return False
    text, markup = render(manager_translator(settings, catalogs))
    await outbox.enqueue(
        session,
        settings.manager_chat_id,
        text,
        now,
        markup=markup,
        kind=kind,
        thread_id=topic_for(settings, kind),
        document=document,
        document_name=document_name,
    )
    return True


async def _alert(ctx: Context, kind: str, render: Render) -> bool:
    return await alert_managers(ctx.session, ctx.settings, ctx.catalogs, kind, render, ctx.now())


# -- what an alert says about a ticket ------------------------------------------------------------
@dataclass(frozen=True)
class TicketBrief:
    """A ticket's facts for a manager, loaded before rendering (renderers do no I/O)."""

    ticket_id: int
    kind_label: str
    priority: Priority
    customer: str
    new_customer: bool
    equipment: str | None  # None: not specified
    description: str
    engineer: str | None
    response_due: datetime | None


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
    if facts.engineer:
        lines.append(t._("Engineer: {name}", name=facts.engineer))
    return lines


def ticket_buttons(t: Translator, ticket_id: int, assigned: bool) -> InlineKeyboard:
    assign = t._("👷 Reassign") if assigned else t._("👷 Assign")
    return inline(
        [Button(t._("🔎 Open"), f"mg:t:{ticket_id}"), Button(assign, f"mg:as:{ticket_id}")]
    )


# -- new ticket -----------------------------------------------------------------------------------
def new_ticket_render(facts: TicketBrief) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._(
                "{mark} New request {ref} — {kind}, {priority}",
                mark=PRIORITY_MARK[facts.priority],
                ref=ticket_ref(facts.ticket_id),
                kind=t._(facts.kind_label),
                priority=t._(PRIORITY[facts.priority]),
            ),
            *brief_lines(t, facts),
        ]
        if facts.response_due is not None:
            lines.append(t._("Respond by {due}", due=t.datetime(facts.response_due)))
        return "\n".join(lines), ticket_buttons(t, facts.ticket_id, facts.engineer is not None)

    return render


async def new_ticket(ctx: Context, ticket: Ticket) -> bool:
    """A client registered a ticket: urgent and production-stopped ones are marked 🟠/🔴."""
    return await _alert(ctx, NEW_TICKET, new_ticket_render(await brief(ctx.session, ticket)))


# -- part requests and low stock ------------------------------------------------------------------
async def part_requested(ctx: Context, request: PartRequest) -> bool:
    """An engineer asked for a part; a second alert when the request leaves the stock under
    ``FIELDBOT_LOW_STOCK_THRESHOLD`` (stock is not decremented by requests, so the quantity
    requested is taken from what the warehouses hold)."""
    ticket = await ctx.session.get_one(Ticket, request.ticket_id)
    part = await ctx.session.get_one(Part, request.part_id)
    engineer = (
        await ctx.session.get(Person, request.requested_by) if request.requested_by else None
    )
    facts = await brief(ctx.session, ticket)
    stock = await parts.stock_by_warehouse(ctx.session, part.id)
    total = sum(quantity for _, quantity in stock)
    who = engineer.name if engineer is not None else ""

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._(
                "📦 Part request for {ref}: {number} · {name} × {n}",
                ref=ticket_ref(ticket.id),
                number=part.number,
                name=part.name,
                n=request.quantity,
            ),
            t._("Requested by {engineer}", engineer=who),
            *brief_lines(t, facts, description=False),
        ]
        if stock:
            lines.append(t._("In stock:"))
            lines += [t._("{warehouse}: {n}", warehouse=name, n=count) for name, count in stock]
        else:
            lines.append(t._("Not in stock in any warehouse."))
        return "\n".join(lines), ticket_buttons(t, ticket.id, assigned=True)

    sent = await _alert(ctx, PART_REQUEST, render)
    left = total - request.quantity
    if left < ctx.settings.low_stock_threshold:

        def render_low(t: Translator) -> tuple[str, Markup | None]:
            text = t._(
                "⚠️ Low stock: {number} · {name}. In stock: {stock}; {n} requested for {ref}.",
                number=part.number,
                name=part.name,
                stock=t.number(total),
                n=request.quantity,
                ref=ticket_ref(ticket.id),
            )
            return text, inline([Button(t._("🔎 Open"), f"mg:t:{ticket.id}")])

        await _alert(ctx, LOW_STOCK, render_low)
    return sent


# -- ratings, comments and reopened jobs ----------------------------------------------------------
async def rated(ctx: Context, ticket_id: int, rating: int) -> bool:
    """A customer rated a job; managers hear of ratings of ``LOW_RATING_MAX`` or less."""
    if rating > LOW_RATING_MAX:
        return False
    ticket = await ctx.session.get_one(Ticket, ticket_id)
    facts = await brief(ctx.session, ticket)

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._(
                "👎 Low rating for {ref}: {stars} ({rating} of 5)",
                ref=ticket_ref(ticket_id),
                stars="⭐" * rating,
                rating=rating,
            ),
            *brief_lines(t, facts, description=False),
        ]
        return "\n".join(lines), inline([Button(t._("🔎 Open"), f"mg:t:{ticket_id}")])

    return await _alert(ctx, LOW_RATING, render)


async def rating_comment(ctx: Context, ticket_id: int, rating: int | None, comment: str) -> bool:
    """The comment a customer added to a low rating, as a follow-up alert."""
    if rating is None or rating > LOW_RATING_MAX:
        return False

    def render(t: Translator) -> tuple[str, Markup | None]:
        text = t._(
            "💬 Comment on the low rating of {ref}: {comment}",
            ref=ticket_ref(ticket_id),
            comment=comment[:1000],
        )
        return text, inline([Button(t._("🔎 Open"), f"mg:t:{ticket_id}")])

    return await _alert(ctx, LOW_RATING, render)


async def reopened(ctx: Context, ticket: Ticket, reason: str) -> bool:
    """The customer said a resolved job is not fixed; it is back with its engineer."""
    facts = await brief(ctx.session, ticket)

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

    return await _alert(ctx, REOPENED, render)


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
    complaint: Complaint, customer: str, author: Person, history: Sequence[reports.HistoryItem]
) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        contact = f"{author.name}, +{author.phone.lstrip('+')}" if author.phone else author.name
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
        rows = [[Button(ticket_ref(item.ticket), f"mg:t:{item.ticket.id}") for item in history]]
        rows.append([Button(t._("📋 Their open requests"), f"mg:cu:{complaint.customer_id}")])
        return "\n".join(lines), inline(*rows)

    return render


async def complaint(ctx: Context, complaint: Complaint) -> bool:
    """A customer complained: the alert carries their latest tickets with status and rating."""
    customer = await ctx.session.get_one(Customer, complaint.customer_id)
    history = await reports.customer_history(ctx.session, complaint.customer_id, HISTORY_SIZE)
    return await _alert(
        ctx, COMPLAINT, complaint_render(complaint, customer.name, ctx.person, history)
    )
