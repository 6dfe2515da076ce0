"""/report: a client reports a breakdown in a dialog kept in the database.

Steps: equipment → description → photos → urgency → confirm. Every step accepts typed text as
well as buttons; the summary lets the client change any part before sending. Because the
dialog lives in the database, a restart halfway (or another process) simply continues it.
"""

from __future__ import annotations

from typing import Any

from bot.core import dialogs
from bot.core.buttons import DeepLink
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import equipment as equipment_service
from bot.services import tickets
from bot.services.errors import NotFound
from bot.services.matching import fold
from handlers import alerts
from handlers import equipment_picker as picker
from handlers.common.help import main_menu
from handlers.common.start import require_registration
from handlers.keyboards import parse_offset
from handlers.texts import PRIORITY, equipment_label, ticket_ref
from storage.models import Priority, Role

router = Router()
DIALOG = "report"
CLIENTS = (Role.CLIENT,)
MAX_PHOTOS = 10
MIN_DESCRIPTION = 3
YES_WORDS = frozenset(
    fold(word)
    for word in ("yes", "y", "ok", "send", "да", "ок", "изпрати", "отправить", "отправь", "давай")
)
DONE_WORDS = frozenset(
    fold(word)
    for word in (
        "done",
        "skip",
        "no",
        "готово",
        "нет",
        "не",
        "пропустить",
        "готов",
        "край",
        "пропусни",
    )
)


def data(ctx: Context) -> dict[str, Any]:
    assert ctx.dialog is not None
    return ctx.dialog.data


# -- starting ---------------------------------------------------------------------------------
class EquipmentLink(DeepLink, prefix="eq"):
    """``/start eq_<equipment id>``: the QR sticker on a machine."""

    equipment: int


@router.deep_link(EquipmentLink, roles=CLIENTS)
async def from_sticker(ctx: Context, link: EquipmentLink) -> None:
    await begin(ctx, link.equipment)


async def begin(ctx: Context, equipment_id: int | None = None) -> None:
    """Start a report; with ``equipment_id`` (a QR sticker) the equipment step is skipped."""
    if not await require_registration(ctx):
        return
    await dialogs.start(ctx, DIALOG, "equipment", photos=[])
    if equipment_id is not None:
        try:
            await choose_equipment(ctx, equipment_id)
            return
        except NotFound:
            pass
    await ask_equipment(ctx)


@router.command("report", roles=CLIENTS)
async def report_command(ctx: Context) -> None:
    await begin(ctx)


# -- equipment --------------------------------------------------------------------------------
async def ask_equipment(ctx: Context, offset: int = 0, in_place: bool = False) -> None:
    rows, note, total = await picker.page(ctx, "rp", offset)
    if total:
        text = ctx._("Which equipment is it? Choose it below or type its model or serial number.")
        text = picker.with_note(text, note)
    else:
        text = ctx._("Which equipment is it? Type its model or serial number.")
    rows.append([Button(ctx._("Other / not in the list"), "rp:other")])
    rows.append([Button(ctx._("✖ Cancel"), "rp:cancel")])
    (ctx.edit if in_place else ctx.send)(text, inline(*rows))


async def choose_equipment(ctx: Context, equipment_id: int) -> None:
    assert ctx.person.customer_id is not None
    item = await equipment_service.get_for_customer(
        ctx.session, equipment_id, ctx.person.customer_id
    )
    dialogs.move(
        ctx,
        ctx.dialog.step if ctx.dialog else "equipment",
        equipment_id=item.id,
        equipment_text=None,
        equipment_label=equipment_label(item),
    )
    await step_done(ctx, "equipment")


async def equipment_typed(ctx: Context, text: str) -> None:
    assert ctx.person.customer_id is not None
    found = await equipment_service.find(ctx.session, ctx.person.customer_id, text)
    dialogs.move(ctx, "equipment", typed=text[:200])
    rows = picker.suggestions("rp", found)
    if rows:
        message = ctx._("Did you mean one of these?")
    else:
        message = ctx._(
            "I could not find “{text}” among your equipment or our models. "
            "Type it again, choose from the list, or use it as written.",
            text=text,
        )
    rows.append(picker.as_typed(ctx, "rp", text))
    rows.append([Button(ctx._("Show the list"), "rp:pg:0")])
    ctx.send(message, inline(*rows))


def set_equipment_text(ctx: Context, text: str) -> None:
    dialogs.move(
        ctx, "equipment", equipment_id=None, equipment_text=text[:200], equipment_label=text[:200]
    )


# -- description, photos, urgency ---------------------------------------------------------
def ask_description(ctx: Context) -> None:
    ctx.send(
        ctx._(
            "Describe the problem: what happens, since when, any error codes on the display. "
            "You can attach a photo with the text."
        )
    )


def ask_photos(ctx: Context) -> None:
    ctx.send(
        ctx._("Send photos of the problem if you can, then press Done."),
        inline([Button(ctx._("Done"), "rp:done")]),
    )


def ask_urgency(ctx: Context) -> None:
    ctx.send(
        ctx._("How urgent is it?"),
        inline(
            *[
                [Button(ctx._(label), f"rp:pr:{priority.value}")]
                for priority, label in PRIORITY.items()
            ]
        ),
    )


def parse_priority(ctx: Context, text: str) -> Priority | None:
    """Typed urgency: the label in the person's language, or its number in the list."""
    wanted = fold(text)
    for number, (priority, label) in enumerate(PRIORITY.items(), start=1):
        if wanted in (str(number), fold(ctx._(label)), fold(label), priority.value):
            return priority
    return None


# -- summary and sending ----------------------------------------------------------------------
def show_summary(ctx: Context) -> None:
    values = data(ctx)
    photos = len(values.get("photos", []))
    text = "\n".join(
        [
            ctx._("Please check your report:"),
            "",
            ctx._("Equipment: {equipment}", equipment=values.get("equipment_label", "")),
            ctx._("Problem: {description}", description=values.get("description", "")),
            ctx.ngettext("{n} photo", "{n} photos", photos) if photos else ctx._("No photos"),
            ctx._("Urgency: {urgency}", urgency=ctx._(PRIORITY[Priority(values["priority"])])),
        ]
    )
    ctx.send(
        text,
        inline(
            [Button(ctx._("✅ Send"), "rp:send")],
            [
                Button(ctx._("Change equipment"), "rp:ed:equipment"),
                Button(ctx._("Change description"), "rp:ed:description"),
            ],
            [
                Button(ctx._("Add photos"), "rp:ed:photos"),
                Button(ctx._("Change urgency"), "rp:ed:urgency"),
            ],
            [Button(ctx._("✖ Cancel"), "rp:cancel")],
        ),
    )


NEXT_STEP = {
    "equipment": "description",
    "description": "photos",
    "photos": "urgency",
    "urgency": "confirm",
}


async def step_done(ctx: Context, step: str) -> None:
    """Go to the next step, or back to the summary when the client was changing one part."""
    following = "confirm" if data(ctx).get("editing") else NEXT_STEP[step]
    await ask(ctx, following)


async def ask(ctx: Context, step: str) -> None:
    dialogs.move(ctx, step)
    if step == "equipment":
        await ask_equipment(ctx)
    elif step == "description":
        ask_description(ctx)
    elif step == "photos":
        ask_photos(ctx)
    elif step == "urgency":
        ask_urgency(ctx)
    else:
        dialogs.move(ctx, "confirm", editing=True)
        show_summary(ctx)


async def send_report(ctx: Context) -> None:
    values = data(ctx)
    assert ctx.person.customer_id is not None
    new = tickets.NewTicket(
        customer_id=ctx.person.customer_id,
        description=values["description"],
        priority=Priority(values["priority"]),
        equipment_id=values.get("equipment_id"),
        equipment_text=values.get("equipment_text"),
        photos=tuple(values.get("photos", [])),
    )
    ticket = await tickets.create(ctx.session, ctx.person, new, ctx.now(), ctx.settings)
    await alerts.new_ticket(ctx, ticket)
    await dialogs.end(ctx)
    ctx.edit(ctx._("Ticket {ref} is registered.", ref=ticket_ref(ticket)))
    assert ticket.response_due is not None
    ctx.send(
        ctx._(
            "What happens next: our service team has your report, and an engineer will be "
            "assigned. We will respond by {due}. You will get a message here at every step; "
            "/status shows all your requests.",
            due=ctx.t.datetime(ticket.response_due),
        ),
        main_menu(ctx),
    )


# -- buttons ----------------------------------------------------------------------------------
@router.callback("rp", roles=CLIENTS)
async def report_button(ctx: Context) -> None:
    action, argument = ctx.event.button_field(0), ctx.event.button_field(1)
    if action == "start":
        ctx.answer()
        await begin(ctx)
        return
    if not dialogs.is_in(ctx, DIALOG):
        ctx.answer(ctx._("This report has already been sent or cancelled."), alert=True)
        return
    ctx.answer()
    if action == "cancel":
        await dialogs.end(ctx)
        ctx.edit(ctx._("Cancelled. Nothing was sent."))
        ctx.send(ctx._("What would you like to do?"), main_menu(ctx))
    elif action == "pg":
        await ask_equipment(ctx, parse_offset(argument), in_place=True)
    elif action == "eq" and argument.isdigit():
        try:
            await choose_equipment(ctx, int(argument))
        except NotFound:
            ctx.send(ctx._("That equipment is not available. Please choose from the list."))
    elif action == "md" and argument.isdigit():
        model = await equipment_service.get_model(ctx.session, int(argument))
        if model is None:
            ctx.send(ctx._("That equipment is not available. Please choose from the list."))
            return
        set_equipment_text(ctx, model.name)
        await step_done(ctx, "equipment")
    elif action == "typed" and data(ctx).get("typed"):
        set_equipment_text(ctx, data(ctx)["typed"])
        await step_done(ctx, "equipment")
    elif action == "other":
        dialogs.move(ctx, "equipment_text")
        ctx.send(ctx._("Describe the equipment: its model and where it is installed."))
    elif action == "done" and dialogs.is_in(ctx, DIALOG, "photos"):
        await step_done(ctx, "photos")
    elif action == "pr" and argument in Priority.__members__.values():
        dialogs.move(ctx, "urgency", priority=argument)
        await step_done(ctx, "urgency")
    elif action == "ed" and argument in NEXT_STEP:
        dialogs.move(ctx, argument, editing=True)
        await ask(ctx, argument)
    elif action == "send" and dialogs.is_in(ctx, DIALOG, "confirm"):
        await send_report(ctx)
    else:
        ctx.send(ctx._("That button belongs to an earlier step. Please use the latest message."))


# -- typed messages and photos inside the dialog ------------------------------------------
@router.dialog(DIALOG, roles=CLIENTS)
async def report_message(ctx: Context) -> None:
    assert ctx.dialog is not None
    step, event = ctx.dialog.step, ctx.event
    text = event.text.strip()
    if event.kind is EventKind.PHOTO and step in ("description", "photos"):
        await photo_received(ctx, step, text)
    elif event.kind is not EventKind.TEXT or not text:
        ctx.send(ctx._("Please answer with text or use the buttons."))
    elif step == "equipment":
        await equipment_typed(ctx, text)
    elif step == "equipment_text":
        set_equipment_text(ctx, text)
        await step_done(ctx, "equipment")
    elif step == "description":
        if len(text) < MIN_DESCRIPTION:
            ctx.send(ctx._("Please describe the problem in a few words."))
            return
        dialogs.move(ctx, step, description=text[:3000])
        await step_done(ctx, "description")
    elif step == "photos":
        if fold(text) in DONE_WORDS:
            await step_done(ctx, "photos")
            return
        dialogs.move(ctx, step, description=f"{data(ctx)['description']}\n{text}"[:3000])
        ctx.send(
            ctx._("Added to the description. Send photos or press Done."),
            inline([Button(ctx._("Done"), "rp:done")]),
        )
    elif step == "urgency":
        priority = parse_priority(ctx, text)
        if priority is None:
            ask_urgency(ctx)
            return
        dialogs.move(ctx, step, priority=priority.value)
        await step_done(ctx, "urgency")
    elif step == "confirm" and fold(text) in YES_WORDS:
        await send_report(ctx)
    else:
        ctx.send(ctx._("Press Send to register the report, or choose what to change."))


async def photo_received(ctx: Context, step: str, caption: str) -> None:
    photos = list(data(ctx).get("photos", []))
    if len(photos) >= MAX_PHOTOS:
        ctx.send(ctx._("That's the maximum number of photos, thank you. Press Done to continue."))
        return
    photos.append(ctx.event.photo_file_ids[-1])
    dialogs.move(ctx, step, photos=photos)
    if step == "description":
        if len(caption) >= MIN_DESCRIPTION:
            dialogs.move(ctx, step, description=caption[:3000])
            await step_done(ctx, "description")
        else:
            ctx.send(ctx._("Photo received. Now describe the problem in a few words."))
        return
    ctx.send(
        ctx.ngettext(
            "{n} photo received. Send more or press Done.",
            "{n} photos received. Send more or press Done.",
            len(photos),
        ),
        inline([Button(ctx._("Done"), "rp:done")]),
    )
