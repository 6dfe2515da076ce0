"""What the manager flows share: the role, answering in the chat (and forum topic) the command
came from, and the manager's ticket card. (The manager chat's language is the engine's.)"""

from __future__ import annotations

from sqlalchemy import select

from bot.core.context import Context
from bot.core.replies import InlineKeyboard, Markup
from bot.services import tickets
from handlers.alerts import brief, brief_lines
from handlers.texts import STATUS, ticket_heading, timeline_line
from storage.models import Person, Role, Ticket, TicketEvent

MANAGERS = (Role.MANAGER,)
TIMELINE_TAIL = 6


def reply(
    ctx: Context,
    text: str,
    markup: Markup | None = None,
    *,
    document: bytes | None = None,
    document_name: str | None = None,
) -> None:
    """A new message in the chat the manager wrote in, in the same forum topic."""
    ctx.send(text, markup, document=document, document_name=document_name)


def show(ctx: Context, text: str, markup: Markup | None, in_place: bool) -> None:
    """Edit the pressed message (paging, filters) or send a new one."""
    if in_place and ctx.event.message_id is not None and (markup is None or _inline(markup)):
        ctx.edit(text, markup if isinstance(markup, InlineKeyboard) else None)
    else:
        reply(ctx, text, markup)


def _inline(markup: Markup) -> bool:
    return isinstance(markup, InlineKeyboard)


async def card_text(ctx: Context, ticket: Ticket) -> str:
    facts = await brief(ctx.session, ticket)
    lines = [
        ticket_heading(ctx, ticket),
        ctx._("Status: {status}", status=ctx._(STATUS[ticket.status])),
        *brief_lines(ctx.t, facts),
    ]
    if ticket.is_open and ticket.responded_at is None and ticket.response_due is not None:
        lines.append(ctx._("Respond by {due}", due=ctx.t.datetime(ticket.response_due)))
    if ticket.sla_paused_at is not None:
        lines.append(ctx._("Deadline paused while waiting for parts"))
    elif ticket.is_open and ticket.resolution_due is not None:
        lines.append(ctx._("Resolution due by {due}", due=ctx.t.datetime(ticket.resolution_due)))
    timeline = await tickets.timeline(ctx.session, ticket.id)
    if timeline:
        names = await actor_names(ctx, timeline)
        lines += ["", ctx._("Timeline:")]
        lines += [
            timeline_line(ctx, event, names.get(event.actor_id or 0, ""), staff=True)
            for event in timeline[-TIMELINE_TAIL:]
        ]
    return "\n".join(lines)


async def actor_names(ctx: Context, events: list[TicketEvent]) -> dict[int, str]:
    ids = {event.actor_id for event in events if event.actor_id is not None}
    if not ids:
        return {}
    rows = await ctx.session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
    return {person_id: name for person_id, name in rows.all()}
