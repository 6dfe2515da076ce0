"""/request: a client asks for an installation, maintenance or an upgrade.

Dialog ``request`` in the database. Steps: ``kind`` → for an installation ``order`` (the sales
order reference) and ``model`` (optional), otherwise ``equipment`` (their own, or typed) →
``dates`` (free text or "As soon as possible") → ``comment`` (optional) → ``confirm``, where
any part can be changed before sending.

Buttons: ``rq:start``, ``rq:kind:<kind>``, ``rq:eq:<equipment>``, ``rq:pg:<offset>``,
``rq:md:<model>``, ``rq:typed``, ``rq:skip:<step>``, ``rq:asap``, ``rq:ed:<step>``,
``rq:send``, ``rq:cancel``.
"""

from __future__ import annotations

from typing import Any

from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import equipment as equipment_service
from bot.services import requests
from bot.services.errors import NotFound
from bot.services.matching import fold
from handlers import alerts
from handlers import equipment_picker as picker
from handlers.client_report import DONE_WORDS, YES_WORDS
from handlers.common.help import main_menu
from handlers.common.start import require_registration
from handlers.keyboards import parse_offset
from handlers.texts import KIND, equipment_label, ticket_ref
from storage.models import Role, TicketKind

router = Router()
DIALOG = "request"
CLIENTS = (Role.CLIENT,)
INSTALLATION_STEPS = ("kind", "order", "model", "dates", "comment", "confirm")
EQUIPMENT_STEPS = ("kind", "equipment", "dates", "comment", "confirm")
EDITABLE = frozenset({"kind", "order", "model", "equipment", "dates", "comment"})


def data(ctx: Context) -> dict[str, Any]:
    assert ctx.dialog is not None
    return ctx.dialog.data


def steps(ctx: Context) -> tuple[str, ...]:
    is_installation = data(ctx).get("kind") == TicketKind.INSTALLATION.value
    return INSTALLATION_STEPS if is_installation else EQUIPMENT_STEPS


# -- asking ---------------------------------------------------------------------------------------
def ask_kind(ctx: Context) -> None:
    ctx.send(
        ctx._("What would you like to request?"),
        inline(
            *[
                [Button(ctx._(KIND[kind]), f"rq:kind:{kind.value}")]
                for kind in requests.REQUEST_KINDS
            ],
            [Button(ctx._("✖ Cancel"), "rq:cancel")],
        ),
    )


async def ask_equipment(ctx: Context, offset: int = 0, in_place: bool = False) -> None:
    rows, note, total = await picker.page(ctx, "rq", offset)
    if total:
        text = ctx._(
            "Which equipment is it for? Choose it below or type its model or serial number."
        )
        text = picker.with_note(text, note)
    else:
        text = ctx._("Which equipment is it for? Type its model or serial number.")
    rows.append([Button(ctx._("✖ Cancel"), "rq:cancel")])
    (ctx.edit if in_place else ctx.send)(text, inline(*rows))


def ask_order(ctx: Context) -> None:
    ctx.send(
        ctx._("What is the order or contract reference for the installation? E.g. SO-2026-118."),
        inline([Button(ctx._("✖ Cancel"), "rq:cancel")]),
    )


def ask_model(ctx: Context) -> None:
    ctx.send(
        ctx._("Which model is to be installed? Type it, or press Skip if you are not sure."),
        inline([Button(ctx._("Skip"), "rq:skip:model")]),
    )


def ask_dates(ctx: Context) -> None:
    ctx.send(
        ctx._("When would suit you? Type it, for example “next week, mornings”."),
        inline([Button(ctx._("As soon as possible"), "rq:asap")]),
    )


def ask_comment(ctx: Context) -> None:
    ctx.send(
        ctx._("Anything else we should know (access, contact on site)? Type it, or press Skip."),
        inline([Button(ctx._("Skip"), "rq:skip:comment")]),
    )


async def ask(ctx: Context, step: str) -> None:
    dialogs.move(ctx, step)
    if step == "kind":
        ask_kind(ctx)
    elif step == "equipment":
        await ask_equipment(ctx)
    elif step == "order":
        ask_order(ctx)
    elif step == "model":
        ask_model(ctx)
    elif step == "dates":
        ask_dates(ctx)
    elif step == "comment":
        ask_comment(ctx)
    else:
        dialogs.move(ctx, "confirm", editing=True)
        show_summary(ctx)


async def step_done(ctx: Context, step: str) -> None:
    """The next step, or the summary when the client was changing one part (a new kind still
    asks for its order or equipment first)."""
    order = steps(ctx)
    if data(ctx).get("editing") and step != "kind":
        await ask(ctx, "confirm")
    else:
        await ask(ctx, order[order.index(step) + 1])


def show_summary(ctx: Context) -> None:
    values = data(ctx)
    kind = TicketKind(values["kind"])
    lines = [
        ctx._("Please check your request:"),
        "",
        ctx._("Request: {kind}", kind=ctx._(KIND[kind])),
    ]
    edits = [Button(ctx._("Change type"), "rq:ed:kind")]
    if kind is TicketKind.INSTALLATION:
        lines.append(ctx._("Order: {order}", order=values.get("order_ref") or "—"))
        lines.append(ctx._("Model: {model}", model=values.get("equipment_label") or "—"))
        edits += [
            Button(ctx._("Change order"), "rq:ed:order"),
            Button(ctx._("Change model"), "rq:ed:model"),
        ]
    else:
        lines.append(ctx._("Equipment: {equipment}", equipment=values.get("equipment_label", "")))
        edits.append(Button(ctx._("Change equipment"), "rq:ed:equipment"))
    lines.append(ctx._("Preferred dates: {dates}", dates=values.get("preferred_date", "")))
    comment = values.get("comment") or ""
    lines.append(ctx._("Comment: {comment}", comment=comment) if comment else ctx._("No comment"))
    ctx.send(
        "\n".join(lines),
        inline(
            [Button(ctx._("✅ Send"), "rq:send")],
            edits,
            [
                Button(ctx._("Change dates"), "rq:ed:dates"),
                Button(ctx._("Change comment"), "rq:ed:comment"),
            ],
            [Button(ctx._("✖ Cancel"), "rq:cancel")],
        ),
    )


# -- choosing -------------------------------------------------------------------------------------
async def begin(ctx: Context) -> None:
    if not await require_registration(ctx):
        return
    await dialogs.start(ctx, DIALOG, "kind")
    ask_kind(ctx)


def choose_kind(ctx: Context, kind: TicketKind) -> None:
    """A different kind drops what belonged to the old one (an order is not equipment)."""
    if data(ctx).get("kind") != kind.value:
        dialogs.move(
            ctx,
            "kind",
            kind=kind.value,
            equipment_id=None,
            equipment_text=None,
            equipment_label=None,
            order_ref=None,
        )


def set_equipment(
    ctx: Context, label: str, equipment_id: int | None = None, text: str | None = None
) -> None:
    dialogs.move(
        ctx,
        ctx.dialog.step if ctx.dialog else "equipment",
        equipment_id=equipment_id,
        equipment_text=text,
        equipment_label=label[:200],
    )


async def equipment_typed(ctx: Context, text: str, models_only: bool) -> None:
    """Fuzzy-matched suggestions: the customer's own equipment, else catalog models."""
    assert ctx.person.customer_id is not None
    found = await equipment_service.find(ctx.session, ctx.person.customer_id, text)
    dialogs.move(ctx, ctx.dialog.step if ctx.dialog else "equipment", typed=text[:200])
    rows = picker.suggestions("rq", found, models_only)
    message = (
        ctx._("Did you mean one of these?")
        if rows
        else ctx._("I could not find “{text}”.", text=text)
    )
    rows.append(picker.as_typed(ctx, "rq", text))
    ctx.send(message, inline(*rows))


async def send_request(ctx: Context) -> None:
    values = data(ctx)
    request = requests.ServiceRequest(
        kind=TicketKind(values["kind"]),
        equipment_id=values.get("equipment_id"),
        equipment_text=values.get("equipment_text"),
        order_ref=values.get("order_ref"),
        preferred_date=values.get("preferred_date"),
        comment=values.get("comment") or "",
    )
    ticket = await requests.create(ctx.session, ctx.person, request, ctx.now(), ctx.settings)
    await alerts.new_ticket(ctx, ticket)
    await dialogs.end(ctx)
    ctx.edit(ctx._("Request {ref} registered.", ref=ticket_ref(ticket)))
    ctx.send(
        ctx._(
            "Our service team will plan the work and confirm the date with you. "
            "/status shows all your requests."
        ),
        main_menu(ctx),
    )


# -- buttons --------------------------------------------------------------------------------------
@router.command("request", roles=CLIENTS)
async def request_command(ctx: Context) -> None:
    await begin(ctx)


@router.callback("rq", roles=CLIENTS)
async def request_button(ctx: Context) -> None:
    action, argument = ctx.event.button_field(0), ctx.event.button_field(1)
    if action == "start":
        ctx.answer()
        await begin(ctx)
        return
    if not dialogs.is_in(ctx, DIALOG):
        ctx.answer(ctx._("This request is already sent or cancelled."), alert=True)
        return
    ctx.answer()
    step = ctx.dialog.step if ctx.dialog else ""
    kinds = {kind.value: kind for kind in requests.REQUEST_KINDS}
    if action == "cancel":
        await dialogs.end(ctx)
        ctx.edit(ctx._("Cancelled. Nothing was sent."))
        ctx.send(ctx._("What would you like to do?"), main_menu(ctx))
    elif action == "kind" and argument in kinds and step == "kind":
        unchanged = data(ctx).get("kind") == argument
        choose_kind(ctx, kinds[argument])
        await (ask(ctx, "confirm") if unchanged else step_done(ctx, "kind"))
    elif action == "pg" and step == "equipment":
        await ask_equipment(ctx, parse_offset(argument), in_place=True)
    elif action == "eq" and argument.isdigit() and step == "equipment":
        await equipment_chosen(ctx, int(argument))
    elif action == "md" and argument.isdigit() and step in ("equipment", "model"):
        model = await equipment_service.get_model(ctx.session, int(argument))
        if model is None:
            ctx.send(ctx._("That equipment is not available. Please choose from the list."))
            return
        set_equipment(ctx, model.name, text=model.name)
        await step_done(ctx, step)
    elif action == "typed" and data(ctx).get("typed") and step in ("equipment", "model"):
        set_equipment(ctx, data(ctx)["typed"], text=data(ctx)["typed"])
        await step_done(ctx, step)
    elif action == "skip" and argument == step and step in ("model", "comment"):
        if step == "model":
            set_equipment(ctx, "", text=None)
        else:
            dialogs.move(ctx, step, comment="")
        await step_done(ctx, step)
    elif action == "asap" and step == "dates":
        dialogs.move(ctx, step, preferred_date=ctx._("As soon as possible"))
        await step_done(ctx, step)
    elif action == "ed" and argument in EDITABLE and argument in steps(ctx):
        dialogs.move(ctx, argument, editing=True)
        await ask(ctx, argument)
    elif action == "send" and step == "confirm":
        await send_request(ctx)
    else:
        ctx.send(ctx._("That button belongs to an earlier step. Please use the latest message."))


async def equipment_chosen(ctx: Context, equipment_id: int) -> None:
    assert ctx.person.customer_id is not None
    try:
        item = await equipment_service.get_for_customer(
            ctx.session, equipment_id, ctx.person.customer_id
        )
    except NotFound:
        ctx.send(ctx._("That equipment is not available. Please choose from the list."))
        return
    set_equipment(ctx, equipment_label(item), equipment_id=item.id)
    await step_done(ctx, "equipment")


# -- typed answers ------------------------------------------------------------------------------
@router.dialog(DIALOG, roles=CLIENTS)
async def request_message(ctx: Context) -> None:
    assert ctx.dialog is not None
    step, text = ctx.dialog.step, ctx.event.text.strip()
    if ctx.event.kind is not EventKind.TEXT or not text:
        ctx.send(ctx._("Please answer with text or use the buttons."))
    elif step == "kind":
        ask_kind(ctx)
    elif step == "equipment":
        await equipment_typed(ctx, text, models_only=False)
    elif step == "order":
        dialogs.move(ctx, step, order_ref=text[:100])
        await step_done(ctx, step)
    elif step == "model":
        if fold(text) in DONE_WORDS:
            set_equipment(ctx, "", text=None)
            await step_done(ctx, step)
        else:
            await equipment_typed(ctx, text, models_only=True)
    elif step == "dates":
        dialogs.move(ctx, step, preferred_date=text[:100])
        await step_done(ctx, step)
    elif step == "comment":
        dialogs.move(ctx, step, comment="" if fold(text) in DONE_WORDS else text[:3000])
        await step_done(ctx, step)
    elif step == "confirm" and fold(text) in YES_WORDS:
        await send_request(ctx)
    else:
        ctx.send(ctx._("Press Send to register the request, or choose what to change."))
