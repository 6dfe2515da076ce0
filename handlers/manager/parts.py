"""What managers do with an engineer's part request, from its live alert: issue it from a
warehouse (the stock goes down), order it with an expected date and issue it when it arrives,
or reject it with a reason. The engineer hears of each (:func:`handlers.notices.part_moved`)
and the alert is edited to say where the request stands.

Dialogs: ``part_order`` (data ``request_id``), step ``date`` (a typed date, or a button); and
``part_reject`` (data ``request_id``), step ``reason`` (typed).
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.core import dialogs
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.refusals import ending_dialog
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import parts
from bot.services.errors import InvalidState
from handlers import notices, part_texts
from handlers.answers import typed
from handlers.manager.buttons import (
    ArrivedAt,
    IssuePart,
    KeepPartRequest,
    OrderIn,
    OrderPart,
    PartArrived,
    RejectPart,
    ShowPartRequest,
)
from handlers.manager.chat import MANAGERS
from handlers.notices import managers
from handlers.texts import ticket_ref
from storage.models import PartRequest, PartStatus

router = Router()
ORDER = "part_order"
REJECT = "part_reject"
ORDER_DAYS = (1, 3, 7, 14)
MAX_DAYS = 366
ASK_DATE = N_("Please type the expected date, for example 12.12 or 2026-12-12.")


async def pending(ctx: Context, request_id: int, *statuses: PartStatus) -> PartRequest:
    """The request, if it still stands where the button expects it; refused otherwise."""
    request = await parts.get_request(ctx.session, request_id)
    if request.status not in statuses:
        raise InvalidState(parts.ALREADY[request.status])
    return request


async def described(ctx: Context, request: PartRequest) -> str:
    """``LM-GSK-85 · Group head gasket × 2 for #12``"""
    known = await parts.facts(ctx.session, request)
    return ctx._(
        "{part} for {ref}",
        part=part_texts.what(ctx.t, known.part, request.quantity),
        ref=ticket_ref(request.ticket_id),
    )


def keep_row(ctx: Context, request_id: int) -> list[Button]:
    return [Button(ctx._("Leave it as it is"), KeepPartRequest(request=request_id).pack())]


def in_dialog_about(ctx: Context, request_id: int) -> bool:
    if ctx.dialog is None or not (dialogs.is_in(ctx, ORDER) or dialogs.is_in(ctx, REJECT)):
        return False
    return bool(ctx.dialog.data.get("request_id") == request_id)


async def end_dialog_about(ctx: Context, request_id: int) -> None:
    if in_dialog_about(ctx, request_id):
        await dialogs.end(ctx)


@router.callback(ShowPartRequest, roles=MANAGERS)
async def show_request(ctx: Context, button: ShowPartRequest) -> None:
    """The part request as its alert reads now, with the buttons that still apply."""
    request = await parts.get_request(ctx.session, button.request)
    text, markup = (await managers.part_alert(ctx, request))(ctx.t)
    ctx.answer()
    ctx.send(text, markup)


# -- issue from a warehouse -----------------------------------------------------------------------
@router.callback(IssuePart, roles=MANAGERS)
async def issue(ctx: Context, button: IssuePart) -> None:
    moved = await parts.issue(
        ctx.session, button.request, button.warehouse, ctx.person, ctx.now(), ctx.settings
    )
    await end_dialog_about(ctx, button.request)
    await notices.part_moved(ctx, moved)
    ctx.answer(
        ctx._(
            "Issued from {warehouse}: {number} × {n}. {left} left there.",
            warehouse=moved.warehouse.name if moved.warehouse else "—",
            number=moved.part.number,
            n=moved.request.quantity,
            left=moved.left if moved.left is not None else "—",
        )
    )


# -- order, and issue on arrival ------------------------------------------------------------------
@router.callback(OrderPart, roles=MANAGERS)
async def order(ctx: Context, button: OrderPart) -> None:
    request = await pending(ctx, button.request, *parts.PENDING)
    ctx.answer()
    await dialogs.start(ctx, ORDER, "date", request_id=request.id)
    days = [
        Button(label, OrderIn(request=request.id, days=n).pack())
        for n, label in zip(
            ORDER_DAYS,
            (ctx._("Tomorrow"), ctx._("In 3 days"), ctx._("In a week"), ctx._("In 2 weeks")),
            strict=True,
        )
    ]
    ctx.send(
        ctx._(
            "When is {what} expected? Choose, or type a date such as 12.12 or 2026-12-12.",
            what=await described(ctx, request),
        ),
        inline(days[:2], days[2:], keep_row(ctx, request.id)),
    )
    if ctx.event.chat_type != "private":  # in a group a typed answer must be a reply
        ctx.ask(ctx._("Or reply with the expected date, for example 12.12 or 2026-12-12."))


async def ordered(ctx: Context, request_id: int, expected: date) -> None:
    async with ending_dialog():
        moved = await parts.order(
            ctx.session, request_id, expected, ctx.person, ctx.now(), ctx.settings
        )
    await end_dialog_about(ctx, request_id)
    await notices.part_moved(ctx, moved)
    text = ctx._(
        "🚚 Ordered: {what}, expected on {date}. The engineer is told.",
        what=await described(ctx, moved.request),
        date=ctx.t.date(expected),
    )
    if ctx.event.callback_id is not None:
        ctx.answer()
        ctx.edit(text)
    else:
        ctx.send(text)


@router.callback(OrderIn, roles=MANAGERS)
async def order_in(ctx: Context, button: OrderIn) -> None:
    if not 1 <= button.days <= MAX_DAYS:
        raise InvalidState()
    today = ctx.now().astimezone(ctx.settings.tz).date()
    await ordered(ctx, button.request, today + timedelta(days=button.days))


@router.dialog(ORDER, step="date", roles=MANAGERS)
async def date_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    request_id = int(ctx.dialog.data["request_id"])
    text = typed(ctx, ASK_DATE)
    if text is None:
        return
    today = ctx.now().astimezone(ctx.settings.tz).date()
    expected = parts.parse_date(text, today)
    if expected is None:
        ctx.ask(ctx._(ASK_DATE), inline(keep_row(ctx, request_id)))
        return
    if expected < today:
        ctx.ask(
            ctx._("That date is in the past. Please give a date from today on."),
            inline(keep_row(ctx, request_id)),
        )
        return
    if expected > today + timedelta(days=MAX_DAYS):
        ctx.ask(
            ctx._("That is more than a year ahead. Please give a nearer date."),
            inline(keep_row(ctx, request_id)),
        )
        return
    await ordered(ctx, request_id, expected)


@router.callback(PartArrived, roles=MANAGERS)
async def arrived(ctx: Context, button: PartArrived) -> None:
    request = await pending(ctx, button.request, PartStatus.ORDERED)
    warehouses = await parts.all_warehouses(ctx.session)
    ctx.answer()
    rows = [
        [Button(warehouse.name, ArrivedAt(request=request.id, warehouse=warehouse.id).pack())]
        for warehouse in warehouses
    ]
    ctx.send(
        ctx._(
            "Where did {what} arrive? It is issued from there at once.",
            what=await described(ctx, request),
        ),
        inline(*rows, keep_row(ctx, request.id)),
    )


@router.callback(ArrivedAt, roles=MANAGERS)
async def arrived_at(ctx: Context, button: ArrivedAt) -> None:
    moved = await parts.arrived(
        ctx.session, button.request, button.warehouse, ctx.person, ctx.now(), ctx.settings
    )
    await end_dialog_about(ctx, button.request)
    await notices.part_moved(ctx, moved)
    ctx.answer()
    ctx.edit(
        ctx._(
            "📥 Arrived at {warehouse} and issued: {what}. The engineer is told.",
            warehouse=moved.warehouse.name if moved.warehouse else "—",
            what=await described(ctx, moved.request),
        )
    )


# -- reject ---------------------------------------------------------------------------------------
@router.callback(RejectPart, roles=MANAGERS)
async def reject(ctx: Context, button: RejectPart) -> None:
    request = await pending(ctx, button.request, *parts.PENDING)
    ctx.answer()
    await dialogs.start(ctx, REJECT, "reason", request_id=request.id)
    ctx.ask(
        ctx._(
            "Why is {what} rejected? Type the reason; the engineer will read it.",
            what=await described(ctx, request),
        ),
        inline(keep_row(ctx, request.id)),
    )


@router.dialog(REJECT, step="reason", roles=MANAGERS)
async def reason_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    request_id = int(ctx.dialog.data["request_id"])
    text = typed(ctx, N_("Please type why the part request is rejected."))
    if text is None:
        return
    async with ending_dialog():
        moved = await parts.reject(ctx.session, request_id, text, ctx.person, ctx.now())
    await dialogs.end(ctx)
    await notices.part_moved(ctx, moved)
    ctx.send(
        ctx._(
            "✖ Rejected: {what}. The engineer is told: {reason}",
            what=await described(ctx, moved.request),
            reason=moved.request.reason or "",
        )
    )


@router.callback(KeepPartRequest, roles=MANAGERS)
async def keep(ctx: Context, button: KeepPartRequest) -> None:
    await end_dialog_about(ctx, button.request)
    ctx.answer()
    ctx.edit(ctx._("The part request is left as it is."))
