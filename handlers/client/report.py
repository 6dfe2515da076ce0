"""/report: a client reports a breakdown, in a draft kept in the database (see draft.py).

Steps: equipment (or ``equipment_text``: equipment that is not in the list, described) →
description (a photo with a caption is one) → photos → urgency → confirm, the summary, where
any part can be changed before sending. Every step accepts typed text as well as buttons. The
QR sticker on a machine (``/start eq_<serial>``) starts with that machine chosen; a person not
registered yet shares their phone first, and the report then goes on for that machine.
"""

from __future__ import annotations

from bot.core import dialogs
from bot.core.buttons import parse_int
from bot.core.context import Context
from bot.core.events import Attachment
from bot.core.i18n import N_
from bot.core.replies import Button, inline
from bot.services import equipment, tickets
from bot.services.matching import fold
from bot.services.outbox import media_from_json, media_to_json
from handlers import notices
from handlers.client import buttons
from handlers.client.buttons import EquipmentLink, PhotosDone, ReportOther, Urgency
from handlers.client.draft import CLIENTS, DONE_WORDS, Draft, Part, Values
from handlers.client.equipment_picker import EQUIPMENT, Picker, show_equipment
from handlers.common.help import main_menu
from handlers.common.start import is_registered, register_first
from handlers.texts import PRIORITY, files_text, ticket_ref
from storage.models import AttachmentKind, Priority

MAX_PHOTOS = 10
MIN_DESCRIPTION = 3
# In the draft's data: the description came with the report (free text offered as a report),
# so its step is not asked the first time round.
TYPED_FIRST = "typed_first"


def show_description(ctx: Context, values: Values) -> str:
    return ctx._("Problem: {description}", description=values.get("description", ""))


def attached(values: Values) -> list[Attachment]:
    """The files kept in the draft (``photos``: media_to_json dicts; a plain string is a photo's
    file id, as drafts begun before other files were accepted kept them)."""
    return [
        Attachment(AttachmentKind.PHOTO, item) if isinstance(item, str) else media_from_json(item)
        for item in values.get("photos", [])
    ]


def show_photos(ctx: Context, values: Values) -> str:
    files = attached(values)
    return files_text(ctx, files) if files else ctx._("No photos or files")


def show_urgency(ctx: Context, values: Values) -> str:
    return ctx._("Urgency: {urgency}", urgency=ctx._(PRIORITY[Priority(values["priority"])]))


REPORT = Draft(
    "report",
    buttons.REPORT,
    parts=(
        Part(EQUIPMENT, N_("Change equipment"), show_equipment),
        Part("description", N_("Change description"), show_description),
        Part("photos", N_("Add photos or files"), show_photos),
        Part("urgency", N_("Change urgency"), show_urgency),
    ),
    rows=((EQUIPMENT, "description"), ("photos", "urgency")),
    check=N_("Please check your report:"),
    gone=N_("This report has already been sent or cancelled."),
    press_send=N_("Press Send to register the report, or choose what to change."),
)
router = REPORT.router


def other_row(ctx: Context) -> list[list[Button]]:
    return [[Button(ctx._("Other / not in the list"), ReportOther().pack())]]


PICKER = Picker(
    REPORT,
    at=lambda step: EQUIPMENT,  # a pick from an earlier message still changes the equipment
    choose=N_("Which equipment is it? Choose it below or type its model or serial number."),
    type_it=N_("Which equipment is it? Type its model or serial number."),
    not_found=N_(
        "We could not find “{text}” among your equipment or our models. Type it again, choose "
        "from the list, or use it as written."
    ),
    extra=other_row,
    list_again=True,
)


# -- starting ---------------------------------------------------------------------------------
@router.command(
    "report", roles=CLIENTS, help=N_("report a breakdown"), button=N_("🛠 Report a breakdown")
)
async def report_command(ctx: Context) -> None:
    await REPORT.start(ctx)


@router.deep_link(EquipmentLink, roles=CLIENTS)
async def from_sticker(ctx: Context, link: EquipmentLink) -> None:
    """Straight to the description; another customer's sticker (or an unknown serial) just
    shows the client's own list, telling nothing of that machine."""
    if not is_registered(ctx):
        await register_first(ctx, link.pack())
        return
    item = await equipment.by_serial(ctx.session, link.serial) if link.serial else None
    if not await REPORT.begin(ctx):
        return
    if item is None or not await PICKER.choose_own(ctx, item.id):
        await PICKER.ask(ctx)


# -- equipment ----------------------------------------------------------------------------------
@REPORT.answers(EQUIPMENT)
async def equipment_typed(ctx: Context, text: str) -> None:
    await PICKER.suggest(ctx, text)


@router.callback(ReportOther, roles=CLIENTS)
async def other_pressed(ctx: Context, button: ReportOther) -> None:
    REPORT.require(ctx)
    dialogs.move(ctx, "equipment_text")
    ctx.send(ctx._("Describe the equipment: its model and where it is installed."))


@REPORT.answers("equipment_text")
async def equipment_described(ctx: Context, text: str) -> None:
    await PICKER.picked(ctx, EQUIPMENT, text)


# -- description and photos ---------------------------------------------------------------------
def done_row(ctx: Context) -> list[Button]:
    return [Button(ctx._("Done"), PhotosDone().pack())]


def keep_photo(ctx: Context) -> list[Attachment] | None:
    """Keep the photo, document, voice note or video just sent: the files there are now; None
    when there are enough."""
    files = attached(REPORT.values(ctx))
    if len(files) >= MAX_PHOTOS:
        ctx.send(ctx._("That's the maximum number of files, thank you. Press Done to continue."))
        return None
    files.append(ctx.event.attachments[0])
    dialogs.move(ctx, REPORT.require(ctx), photos=[media_to_json(item) for item in files])
    return files


@REPORT.asks("description")
async def ask_description(ctx: Context) -> None:
    if REPORT.values(ctx).get(TYPED_FIRST):  # the text that started the report describes it
        dialogs.move(ctx, "description", **{TYPED_FIRST: False})
        await REPORT.step_done(ctx, "description")
        return
    ctx.send(
        ctx._(
            "Describe the problem: what happens, since when, any error codes on the display. "
            "You can attach a photo, a document, a voice note or a video with the text."
        )
    )


async def photo_with_description(ctx: Context, caption: str) -> None:
    if keep_photo(ctx) is None:
        return
    if len(caption) >= MIN_DESCRIPTION:
        await REPORT.answered(ctx, "description", description=caption[:3000])
    else:
        ctx.send(ctx._("File received. Now describe the problem in a few words."))


@REPORT.answers("description", photo=photo_with_description)
async def description_typed(ctx: Context, text: str) -> None:
    if len(text) < MIN_DESCRIPTION:
        ctx.send(ctx._("Please describe the problem in a few words."))
        return
    await REPORT.answered(ctx, "description", description=text[:3000])


@REPORT.asks("photos")
async def ask_photos(ctx: Context) -> None:
    ctx.send(
        ctx._(
            "Send photos of the problem if you can (documents, voice notes and videos are "
            "welcome too), then press Done."
        ),
        inline(done_row(ctx)),
    )


async def photo_added(ctx: Context, caption: str) -> None:
    files = keep_photo(ctx)
    if files is not None:
        ctx.send(
            ctx._("Received: {files}. Send more or press Done.", files=files_text(ctx, files)),
            inline(done_row(ctx)),
        )


@REPORT.answers("photos", photo=photo_added)
async def photos_typed(ctx: Context, text: str) -> None:
    """ "Done" in words, or more of the description."""
    if fold(text) in DONE_WORDS:
        await REPORT.step_done(ctx, "photos")
        return
    description = f"{REPORT.values(ctx).get('description', '')}\n{text}".lstrip("\n")[:3000]
    dialogs.move(ctx, "photos", description=description)
    ctx.send(ctx._("Added to the description. Send photos or press Done."), inline(done_row(ctx)))


@router.callback(PhotosDone, roles=CLIENTS)
async def photos_done(ctx: Context, button: PhotosDone) -> None:
    if REPORT.require(ctx) != "photos":
        REPORT.stale(ctx)
        return
    await REPORT.step_done(ctx, "photos")


# -- urgency ------------------------------------------------------------------------------------
@REPORT.asks("urgency")
async def ask_urgency(ctx: Context) -> None:
    rows = [
        [Button(ctx._(label), Urgency(priority=priority).pack())]
        for priority, label in PRIORITY.items()
    ]
    ctx.send(ctx._("How urgent is it?"), inline(*rows))


# Words people type for how urgent it is, in any of the three languages (folded like the
# labels; a word anywhere in the answer counts: "спешно е", "very urgent please").
URGENCY_WORDS = {
    Priority.PRODUCTION_STOPPED: ("stopped", "стоит", "остановлено", "спряно", "спря", "авария"),
    Priority.URGENT: ("urgent", "asap", "срочно", "срочная", "спешно", "спешна"),
    Priority.NORMAL: ("normal", "обычная", "обычно", "несрочно", "нормална", "нормално"),
}
_NEGATIONS = frozenset(fold(word) for word in ("not", "no", "не", "нет"))
_URGENCY_BY_WORD = {
    fold(word): priority for priority, words in URGENCY_WORDS.items() for word in words
}


def parse_priority(ctx: Context, text: str) -> Priority | None:
    """Typed urgency: its number in the list, the label in the person's language, or a word
    that says it (:data:`URGENCY_WORDS`; the most urgent one wins)."""
    number = parse_int(text, minimum=1, maximum=len(PRIORITY))
    if number is not None:
        return list(PRIORITY)[number - 1]
    wanted = fold(text)
    for priority, label in PRIORITY.items():
        if wanted in (fold(ctx._(label)), fold(label), priority.value):
            return priority
    said = set()
    words = wanted.split()
    for before, word in zip(["", *words], words, strict=False):
        if word in _URGENCY_BY_WORD:  # "не спешно", "not urgent": normal
            negated = before in _NEGATIONS
            said.add(Priority.NORMAL if negated else _URGENCY_BY_WORD[word])
    return next((priority for priority in URGENCY_WORDS if priority in said), None)


@REPORT.answers("urgency")
async def urgency_typed(ctx: Context, text: str) -> None:
    priority = parse_priority(ctx, text)
    if priority is None:
        await ask_urgency(ctx)
        return
    await REPORT.answered(ctx, "urgency", priority=priority.value)


@router.callback(Urgency, roles=CLIENTS)
async def urgency_pressed(ctx: Context, button: Urgency) -> None:
    REPORT.require(ctx)
    await REPORT.answered(ctx, "urgency", priority=button.priority.value)


# -- sending ------------------------------------------------------------------------------------
@REPORT.sends
async def send_report(ctx: Context) -> None:
    values = REPORT.values(ctx)
    assert ctx.person.customer_id is not None
    new = tickets.NewTicket(
        customer_id=ctx.person.customer_id,
        description=values["description"],
        priority=Priority(values["priority"]),
        equipment_id=values.get("equipment_id"),
        equipment_text=values.get("equipment_text"),
        attachments=tuple(attached(values)),
    )
    ticket = await tickets.create(ctx.session, ctx.person, new, ctx.now(), ctx.settings)
    await notices.new_ticket(ctx, ticket)
    await dialogs.end(ctx)
    ctx.edit(ctx._("Request {ref} is registered.", ref=ticket_ref(ticket)))
    assert ticket.response_due is not None
    ctx.send(
        ctx._(
            "What happens next: our service team has your report, and an engineer will be "
            "assigned. We will respond by {due}. You will get a message here at every step; "
            "/status shows all your requests.",
            due=ctx.t.datetime(ticket.response_due, ctx.now()),
        ),
        main_menu(ctx),
    )
