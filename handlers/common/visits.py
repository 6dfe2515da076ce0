"""📅 Propose a visit: the job's engineer (job card) or a manager (ticket card) picks one or
more of the next working days' standard times, or types one ("tomorrow 14:00", "утре 9:30",
"12.12 10:00"), and offers them to the customer (:mod:`handlers.client.visits` takes the answer).

The chosen times live in the dialog ``visit`` (step ``time``), so typing a time and pressing
the buttons add to the same offer; a time in the past, on a day off or a holiday, or outside
working hours is refused with what is wrong.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core import dialogs
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.refusals import ending_dialog
from bot.core.replies import Button, InlineKeyboard, inline
from bot.core.router import Router
from bot.services import holidays, tickets, visits, when
from bot.services.errors import Forbidden, InvalidState, NotFound
from handlers.common.buttons import ProposeVisit, SendVisitSlots, ToggleVisitSlot
from handlers.notices import visits as visit_notices
from handlers.texts import ticket_ref, visit_time
from storage.models import Role, Ticket

router = Router()
STAFF = (Role.ENGINEER, Role.MANAGER)
DIALOG, STEP = "visit", "time"
NOT_YOURS = N_("This job is not yours or no longer open.")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def minute_of(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds()) // 60


def moment_of(minute: int) -> datetime:
    return EPOCH + timedelta(minutes=minute)


async def staff_ticket(ctx: Context, ticket_id: int) -> Ticket:
    """The open ticket, if this person may offer its visit times."""
    ticket = await tickets.card(ctx.session, ticket_id)
    if ticket is None or not visits.may_offer(ticket, ctx.person):
        raise Forbidden(NOT_YOURS)
    if not ticket.is_open:
        raise InvalidState(N_("{ref} is no longer open."), ref=ticket_ref(ticket))
    return ticket


def chosen(ctx: Context, ticket_id: int) -> list[datetime]:
    """The times chosen so far for ``ticket_id`` (none when the dialog is about another)."""
    if not dialogs.is_in(ctx, DIALOG) or ctx.dialog is None:
        return []
    if ctx.dialog.data.get("ticket_id") != ticket_id:
        return []
    return [datetime.fromisoformat(at) for at in ctx.dialog.data.get("times", [])]


async def remember(ctx: Context, ticket_id: int, times: list[datetime]) -> None:
    listed = [at.isoformat() for at in sorted(times)]
    if dialogs.is_in(ctx, DIALOG) and ctx.dialog is not None:
        if ctx.dialog.data.get("ticket_id") == ticket_id:
            dialogs.move(ctx, STEP, ticket_id=ticket_id, times=listed)
            return
    await dialogs.start(ctx, DIALOG, STEP, ticket_id=ticket_id, times=listed)


async def picker(
    ctx: Context, ticket: Ticket, times: list[datetime]
) -> tuple[str, InlineKeyboard]:
    if ctx.event.chat_type == "private":
        head = ctx._(
            "📅 A visit for {ref}: pick one or more times to offer the customer, or type one "
            '(like "tomorrow 14:00" or "12.12 10:00").',
            ref=ticket_ref(ticket),
        )
    else:  # privacy mode: in a group the bot sees a typed time only as a reply to it
        head = ctx._(
            "📅 A visit for {ref}: pick one or more times to offer the customer, or reply to "
            'this message with one (like "tomorrow 14:00" or "12.12 10:00").',
            ref=ticket_ref(ticket),
        )
    lines = [head]
    if ticket.visit_at is not None:
        lines.append(
            ctx._(
                "Agreed now: {time}. A new time moves it once the customer agrees.",
                time=visit_time(ctx.t, ticket.visit_at),
            )
        )
    if times:
        lines.append(
            ctx._("Chosen: {times}", times="; ".join(visit_time(ctx.t, at) for at in times))
        )
    standard = await visits.offer(ctx.session, ctx.now(), ctx.settings)
    buttons = [
        Button(
            ("✅ " if at in times else "") + visit_time(ctx.t, at),
            ToggleVisitSlot(ticket=ticket.id, minute=minute_of(at)).pack(),
        )
        for at in standard
    ]
    rows = [buttons[index : index + 2] for index in range(0, len(buttons), 2)]
    if times:
        label = ctx.ngettext(
            "📨 Offer {n} time to the customer", "📨 Offer {n} times to the customer", len(times)
        )
        rows.append([Button(label, SendVisitSlots(ticket=ticket.id).pack())])
    return "\n".join(lines), inline(*rows)


@router.callback(ProposeVisit, roles=STAFF)
async def propose_button(ctx: Context, button: ProposeVisit) -> None:
    ticket = await staff_ticket(ctx, button.ticket)
    ctx.answer()
    await remember(ctx, ticket.id, [])
    ctx.send(*await picker(ctx, ticket, []))


@router.callback(ToggleVisitSlot, roles=STAFF)
async def toggle_button(ctx: Context, button: ToggleVisitSlot) -> None:
    ticket = await staff_ticket(ctx, button.ticket)
    at = moment_of(button.minute)
    times = chosen(ctx, ticket.id)
    if at in times:
        times.remove(at)
    else:
        await refuse_bad_time(ctx, at)
        times.append(at)
    if len(times) > visits.MAX_SLOTS:
        raise InvalidState(N_("At most {n} times can be offered at once."), n=visits.MAX_SLOTS)
    ctx.answer()
    await remember(ctx, ticket.id, times)
    ctx.edit(*await picker(ctx, ticket, sorted(times)))


@router.dialog(DIALOG, step=STEP, roles=STAFF)
async def typed_time(ctx: Context) -> None:
    assert ctx.dialog is not None
    ticket_id = int(ctx.dialog.data["ticket_id"])
    async with ending_dialog(NOT_YOURS):
        ticket = await staff_ticket(ctx, ticket_id)
    at = when.parse(ctx.event.text or "", ctx.now(), ctx.settings.tz, ctx.t.locale)
    if at is None:
        ctx.send(
            ctx._(
                'We could not read a day and time in that. Type it like "tomorrow 14:00", "12.12 '
                '10:00" or "14:00".'
            )
        )
        return
    await refuse_bad_time(ctx, at)
    times = chosen(ctx, ticket.id)
    if at not in times:
        times.append(at)
    if len(times) > visits.MAX_SLOTS:
        raise InvalidState(N_("At most {n} times can be offered at once."), n=visits.MAX_SLOTS)
    await remember(ctx, ticket.id, times)
    ctx.send(*await picker(ctx, ticket, sorted(times)))


async def refuse_bad_time(ctx: Context, at: datetime) -> None:
    """Refuse a time no visit can be made at, saying why."""
    calendar = await holidays.company_calendar(ctx.session, ctx.settings)
    problem = visits.problem(at, ctx.now(), calendar)
    if problem is None:
        return
    local = at.astimezone(ctx.settings.tz)
    if problem is visits.Problem.PAST:
        raise InvalidState(
            N_("{time} has already passed. Pick a time from now on."),
            time=visit_time(ctx.t, at),
        )
    if problem is visits.Problem.HOLIDAY:
        name = await holidays.name_of(ctx.session, local.date())
        raise InvalidState(
            N_("{day} is a company holiday{name}. Pick a working day."),
            day=ctx.t.date(local.date()),
            name=f" ({name})" if name else "",
        )
    if problem is visits.Problem.CLOSED_DAY:
        raise InvalidState(
            N_("{day} is not a working day. Pick a working day."),
            day=ctx.t.date(local.date()),
        )
    assert calendar.hours is not None
    opens, closes = calendar.hours
    raise InvalidState(
        N_("Visits are made between {opens} and {closes}. Pick a time in working hours."),
        opens=opens.strftime("%H:%M"),
        closes=closes.strftime("%H:%M"),
    )


@router.callback(SendVisitSlots, roles=STAFF)
async def send_button(ctx: Context, button: SendVisitSlots) -> None:
    ticket = await staff_ticket(ctx, button.ticket)
    times = chosen(ctx, ticket.id)
    if not times:
        raise NotFound(N_("Pick at least one time first."))
    offer = await visits.propose(ctx.session, ticket, ctx.person, times, ctx.now(), ctx.settings)
    await dialogs.end(ctx)
    await visit_notices.proposed(ctx, offer)
    listed = "; ".join(visit_time(ctx.t, slot.starts_at) for slot in offer.slots)
    ctx.answer()
    if offer.customers:
        text = ctx._(
            "📨 Offered to the customer for {ref}: {times}. You will hear which one they pick.",
            ref=ticket_ref(ticket),
            times=listed,
        )
    else:
        text = ctx._(
            "📨 Noted for {ref}: {times}. Nobody from the customer uses the bot yet, so please "
            "call them.",
            ref=ticket_ref(ticket),
            times=listed,
        )
    ctx.edit(text)
