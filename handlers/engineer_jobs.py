"""Engineers at work: /jobs (the board and Accept), /myjobs (a job's card and its actions),
/duty, and shared locations.

Every button carries only a ticket id; the services re-check that the job is this engineer's
and that the action fits its status, so a stale or forged button changes nothing. Customers
hear of every step in their own language through the outbox.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.i18n import Translator
from bot.core.replies import (
    Button,
    InlineKeyboard,
    KeyButton,
    RemoveKeyboard,
    ReplyKeyboard,
    inline,
)
from bot.core.router import Router
from bot.services import jobs, tickets
from bot.services.errors import Forbidden, InvalidState, NotFound
from handlers.common.help import main_menu
from handlers.keyboards import PAGE_SIZE, page_note, pager, parse_offset
from handlers.notifications import notify
from handlers.texts import (
    N_,
    PRIORITY,
    STATUS,
    coverage_lines,
    ticket_heading,
    ticket_model,
    ticket_ref,
)
from storage.models import Role, Ticket, TicketStatus

router = Router()
ENGINEERS = (Role.ENGINEER,)
DIALOG = "job"
ETA_CHOICES = (15, 30, 60, 120)
MAX_ETA = timedelta(days=2)
LIVE_LOCATION_QUIET = timedelta(minutes=10)
MIN_TEXT = 3

# What the customer hears at each step; {name} is the engineer, {ref} the ticket.
PUSH_ASSIGNED = N_("Engineer {name} will handle your request {ref}.")
PUSH_EN_ROUTE = N_("{name} is on the way to you for request {ref}, expected at {time}.")
PUSH_ON_SITE = N_("{name} has arrived for request {ref}.")
PUSH_WAITING_PARTS = N_(
    "Request {ref}: {name} is waiting for spare parts. The deadline is paused until they "
    "arrive; we will keep you posted."
)
PUSH_RESUMED = N_("Request {ref}: the spare parts have arrived and {name} is back at work.")
PUSH_HANDED_BACK = N_(
    "Request {ref}: {name} had to pass it on, so it is waiting for another engineer. "
    "We will tell you as soon as someone takes it."
)


# -- shared bits ----------------------------------------------------------------------------
def parse(ctx: Context) -> tuple[str, int | None, str]:
    """``mj:site:42`` → ``("site", 42, "")``; ``mj:eta:42:30`` → ``("eta", 42, "30")``."""
    event = ctx.event
    ticket = event.button_field(1)
    return event.button_field(0), int(ticket) if ticket.isdigit() else None, event.button_field(2)


def place(customer: str, ticket: Ticket) -> str:
    site = ticket.equipment.site if ticket.equipment is not None else None
    return f"{customer} / {site.name}" if site is not None else customer


def distance_text(ctx: Context, km: float) -> str:
    return ctx._("{km} km", km=ctx.t.number(round(km, 1)))


async def push(
    ctx: Context, ticket: Ticket, message: str, kind: str, eta: datetime | None = None
) -> None:
    """Tell the ticket's reporter, in their language, what just happened to their request."""
    reporter = await jobs.reporter(ctx.session, ticket)
    if reporter is None or reporter.id == ctx.person.id:
        return
    name, ref = ctx.person.name, ticket_ref(ticket)

    def render(t: Translator) -> tuple[str, InlineKeyboard]:
        time = t.datetime(eta) if eta is not None else ""
        text = t._(message, name=name, ref=ref, time=time)
        return text, inline([Button(t._("Request details"), f"tk:{ticket.id}")])

    await notify(ctx, reporter, render, kind)


# -- /jobs: the board ---------------------------------------------------------------------
def board_line(ctx: Context, item: jobs.BoardItem) -> str:
    ticket = item.ticket
    values: dict[str, Any] = {
        "ref": ticket_ref(ticket),
        "equipment": ticket_model(ctx, ticket),
        "place": place(item.customer_name, ticket),
        "priority": ctx._(PRIORITY[ticket.priority]),
        "age": ctx.t.age(ctx.now() - ticket.created_at),
    }
    if item.distance_km is None:
        return ctx._("{ref} · {equipment} · {place} · {priority} · {age}", **values)
    return ctx._(
        "{ref} · {equipment} · {place} · {priority} · {distance} · {age}",
        distance=distance_text(ctx, item.distance_km),
        **values,
    )


async def show_board(ctx: Context, offset: int = 0, in_place: bool = False) -> None:
    items, total = await jobs.board(ctx.session, ctx.person, ctx.now(), offset, PAGE_SIZE)
    if not total:
        text = ctx._("No open jobs for you right now. I will list new ones here as they come.")
        (ctx.edit if in_place else ctx.send)(text, inline([Button(ctx._("↻ Refresh"), "jb:pg:0")]))
        return
    lines = [ctx.ngettext("{n} open job you can take:", "{n} open jobs you can take:", total)]
    lines += [board_line(ctx, item) for item in items]
    note = page_note(ctx, offset, total)
    if note:
        lines.append(note)
    lines.append(ctx._("Tap a job to see it and accept it."))
    buttons = [Button(ticket_ref(item.ticket), f"jb:open:{item.ticket.id}") for item in items]
    rows = [buttons[:3], buttons[3:], pager("jb:pg", offset, total)]
    (ctx.edit if in_place else ctx.send)("\n".join(lines), inline(*rows))


@router.command("jobs", roles=ENGINEERS)
async def jobs_command(ctx: Context) -> None:
    await show_board(ctx)


async def card_text(ctx: Context, ticket: Ticket, mine: bool) -> str:
    """Everything an engineer needs about a job; the customer's phone only once it is theirs."""
    lines = [
        ticket_heading(ctx, ticket),
        ctx._("Status: {status}", status=ctx._(STATUS[ticket.status])),
        ctx._("Customer: {customer}", customer=await jobs.customer_name(ctx.session, ticket)),
    ]
    equipment = ticket.equipment
    if equipment is not None:
        lines.append(
            ctx._(
                "Equipment: {equipment}", equipment=f"{equipment.model.name} · {equipment.serial}"
            )
        )
        lines += coverage_lines(ctx, equipment, ctx.now().astimezone(ctx.t.tz).date())
        if equipment.site is not None and equipment.site.address:
            lines.append(ctx._("Address: {address}", address=equipment.site.address))
    else:
        lines.append(ctx._("Equipment: {equipment}", equipment=ticket_model(ctx, ticket)))
    distance = jobs.distance_to(ctx.person, ticket)
    if distance is not None:
        lines.append(ctx._("Distance: {distance}", distance=distance_text(ctx, distance)))
    if mine:
        phone = await jobs.contact_phone(ctx.session, ticket)
        if phone:
            lines.append(ctx._("Contact phone: +{phone}", phone=phone.lstrip("+")))
    lines.append(ctx._("Problem: {description}", description=ticket.description))
    photo_count = len(await tickets.photos(ctx.session, ticket.id))
    if photo_count:
        lines.append(ctx.ngettext("{n} photo attached", "{n} photos attached", photo_count))
    if ticket.status is TicketStatus.EN_ROUTE and ticket.eta is not None:
        lines.append(ctx._("Your ETA: {time}", time=ctx.t.datetime(ticket.eta)))
    if ticket.sla_paused_at is not None:
        lines.append(ctx._("Deadline paused while waiting for parts"))
    elif ticket.resolution_due is not None and ticket.is_open:
        lines.append(ctx._("Resolution due by {due}", due=ctx.t.datetime(ticket.resolution_due)))
    return "\n".join(lines)


@router.callback("jb", roles=ENGINEERS)
async def board_button(ctx: Context) -> None:
    action, ticket_id, _ = parse(ctx)
    if action == "pg":
        ctx.answer()
        await show_board(ctx, parse_offset(ctx.event.callback_data or ""), in_place=True)
    elif action == "open" and ticket_id is not None:
        await open_from_board(ctx, ticket_id)
    elif action == "acc" and ticket_id is not None:
        await accept(ctx, ticket_id)
    else:
        ctx.answer(ctx._("This button is no longer active."), alert=True)


async def open_from_board(ctx: Context, ticket_id: int) -> None:
    try:
        ticket = await tickets.get_visible(ctx.session, ticket_id, ctx.person)
    except NotFound:
        ctx.answer(ctx._("This job is no longer available."), alert=True)
        return
    ctx.answer()
    if ticket.engineer_id == ctx.person.id:
        await show_card(ctx, ticket)
        return
    if ticket.status is not TicketStatus.NEW:
        ctx.send(ctx._("This job is no longer available."))
        return
    rows = [
        [Button(ctx._("✅ Accept"), f"jb:acc:{ticket.id}")],
        [Button(ctx._("« All jobs"), "jb:pg:0")],
    ]
    ctx.send(await card_text(ctx, ticket, mine=False), inline(*rows))


async def accept(ctx: Context, ticket_id: int) -> None:
    ref = ticket_ref(ticket_id)
    try:
        ticket = await jobs.accept(ctx.session, ticket_id, ctx.person, ctx.now())
    except jobs.JobTaken as taken:
        if taken.mine:
            ctx.answer(ctx._("{ref} is already yours.", ref=ref))
            with suppress(NotFound):  # unless it has been closed since
                await show_card(ctx, await jobs.get_my_job(ctx.session, ticket_id, ctx.person))
            return
        ctx.answer(ctx._("Sorry, {ref} was just taken by someone else.", ref=ref), alert=True)
        ctx.edit(ctx._("Sorry, {ref} was just taken by someone else.", ref=ref))
        return
    except Forbidden:
        ctx.answer(ctx._("{ref} needs skills that are not in your profile.", ref=ref), alert=True)
        return
    except NotFound:
        ctx.answer(ctx._("This job is no longer available."), alert=True)
        return
    ctx.answer(ctx._("Job {ref} is yours.", ref=ref))
    ctx.edit(ctx._("Job {ref} is yours.", ref=ref))
    await push(ctx, ticket, PUSH_ASSIGNED, "job_assigned")
    await show_card(ctx, ticket)


# -- /myjobs: my jobs and a job's card ---------------------------------------------------
@router.command("myjobs", roles=ENGINEERS)
async def myjobs_command(ctx: Context) -> None:
    await show_my_jobs(ctx)


async def show_my_jobs(ctx: Context, offset: int = 0, in_place: bool = False) -> None:
    mine = await jobs.my_jobs(ctx.session, ctx.person)
    offset = offset if offset < len(mine) else 0
    if not mine:
        text = ctx._("You have no open jobs. /jobs lists the ones you can take.")
        (ctx.edit if in_place else ctx.send)(
            text, inline([Button(ctx._("📋 Open jobs"), "jb:pg:0")])
        )
        return
    page = mine[offset : offset + PAGE_SIZE]
    lines = [ctx.ngettext("You have {n} open job:", "You have {n} open jobs:", len(mine))]
    lines += [
        ctx._(
            "{ref} · {equipment} · {status}",
            ref=ticket_ref(ticket),
            equipment=ticket_model(ctx, ticket),
            status=ctx._(STATUS[ticket.status]),
        )
        for ticket in page
    ]
    note = page_note(ctx, offset, len(mine))
    if note:
        lines.append(note)
    rows = [[Button(ticket_ref(ticket), f"mj:open:{ticket.id}")] for ticket in page]
    rows.append(pager("mj:list", offset, len(mine)))
    (ctx.edit if in_place else ctx.send)("\n".join(lines), inline(*rows))


def card_buttons(ctx: Context, ticket: Ticket) -> InlineKeyboard:
    """Actions that fit the job's status, plus the tests/parts/resolve flows."""
    tid, status = ticket.id, ticket.status
    rows: list[list[Button]] = []
    if status is TicketStatus.ASSIGNED:
        rows.append([Button(ctx._("🚗 On my way"), f"mj:go:{tid}")])
    if status in (TicketStatus.ASSIGNED, TicketStatus.EN_ROUTE):
        rows.append([Button(ctx._("📍 On site"), f"mj:site:{tid}")])
    if status is TicketStatus.ON_SITE:
        rows.append([Button(ctx._("⏸ Waiting for parts"), f"mj:wait:{tid}")])
    if status is TicketStatus.WAITING_PARTS:
        rows.append([Button(ctx._("▶ Parts arrived"), f"mj:resume:{tid}")])
    if status in (TicketStatus.ON_SITE, TicketStatus.WAITING_PARTS):
        rows.append([Button(ctx._("🧪 Log tests"), f"ts:start:{tid}")])
    if status in jobs.WORKING_STATUSES:
        rows.append([Button(ctx._("📦 Request parts"), f"pq:start:{tid}")])
        rows.append(
            [
                Button(ctx._("📝 Add note"), f"mj:note:{tid}"),
                Button(ctx._("📷 Add photo"), f"mj:photo:{tid}"),
            ]
        )
        rows.append([Button(ctx._("✅ Resolve"), f"rs:{tid}")])
        rows.append([Button(ctx._("↩ Hand back"), f"mj:hand:{tid}")])
    rows.append([Button(ctx._("« My jobs"), "mj:list")])
    return inline(*rows)


async def show_card(ctx: Context, ticket: Ticket, in_place: bool = False) -> None:
    (ctx.edit if in_place else ctx.send)(
        await card_text(ctx, ticket, mine=True), card_buttons(ctx, ticket)
    )


async def change_status(
    ctx: Context, ticket: Ticket, status: TicketStatus, eta: datetime | None = None
) -> None:
    previous = ticket.status
    await jobs.set_status(
        ctx.session, ticket, ctx.person, status, ctx.now(), ctx.settings, eta=eta
    )
    if status is TicketStatus.EN_ROUTE:
        await push(ctx, ticket, PUSH_EN_ROUTE, "job_en_route", eta)
    elif status is TicketStatus.WAITING_PARTS:
        await push(ctx, ticket, PUSH_WAITING_PARTS, "job_waiting_parts")
    elif status is TicketStatus.ON_SITE and previous is TicketStatus.WAITING_PARTS:
        await push(ctx, ticket, PUSH_RESUMED, "job_resumed")
    elif status is TicketStatus.ON_SITE:
        await push(ctx, ticket, PUSH_ON_SITE, "job_on_site")


STATUS_ACTIONS = {
    "site": TicketStatus.ON_SITE,
    "wait": TicketStatus.WAITING_PARTS,
    "resume": TicketStatus.ON_SITE,
}
DIALOG_PROMPTS = {
    "note": N_("Type the note for {ref}."),
    "hand": N_(
        "Why are you handing {ref} back? The reason goes into its timeline, and the job "
        "returns to the board for another engineer. /cancel keeps it yours."
    ),
}


@router.callback("mj", roles=ENGINEERS)
async def my_job_button(ctx: Context) -> None:
    action, ticket_id, argument = parse(ctx)
    if action == "list":  # mj:list or mj:list:<offset>
        ctx.answer()
        await show_my_jobs(ctx, ticket_id or 0, in_place=True)
        return
    if ticket_id is None:
        ctx.answer(ctx._("This button is no longer active."), alert=True)
        return
    try:
        ticket = await jobs.get_my_job(ctx.session, ticket_id, ctx.person)
        await job_action(ctx, ticket, action, argument)
    except NotFound:
        ctx.answer(ctx._("This job is not yours or no longer open."), alert=True)
    except InvalidState:
        ctx.answer(ctx._("That step does not fit the job's current status."), alert=True)
        await show_card(ctx, await jobs.get_my_job(ctx.session, ticket_id, ctx.person))


async def job_action(ctx: Context, ticket: Ticket, action: str, argument: str) -> None:
    ref = ticket_ref(ticket)
    if action == "open":
        ctx.answer()
        await show_card(ctx, ticket)
    elif action in STATUS_ACTIONS:
        await change_status(ctx, ticket, STATUS_ACTIONS[action])
        ctx.answer(ctx._(STATUS[ticket.status]))
        await show_card(ctx, ticket, in_place=True)
    elif action == "go":
        if ticket.status is not TicketStatus.ASSIGNED:
            raise InvalidState(ticket.status)
        ctx.answer()
        await dialogs.start(ctx, DIALOG, "eta", ticket_id=ticket.id)
        ask_eta(ctx, ticket)
    elif action == "eta" and argument.isdigit() and int(argument) in ETA_CHOICES:
        await set_eta(ctx, ticket, ctx.now() + timedelta(minutes=int(argument)))
    elif action in DIALOG_PROMPTS and ticket.status in jobs.WORKING_STATUSES:
        ctx.answer()
        await dialogs.start(ctx, DIALOG, action, ticket_id=ticket.id)
        ctx.send(ctx._(DIALOG_PROMPTS[action], ref=ref))
    elif action == "photo" and ticket.status in jobs.WORKING_STATUSES:
        ctx.answer()
        await dialogs.start(
            ctx, DIALOG, "photos", keeps_progress=True, ticket_id=ticket.id, count=0
        )
        ctx.send(
            ctx._("Send photos for {ref}, then press Done.", ref=ref), photos_done(ctx, ticket)
        )
    elif action == "pdone":
        ctx.answer()
        if dialogs.is_in(ctx, DIALOG, "photos"):
            await dialogs.end(ctx)
        await show_card(ctx, ticket)
    else:
        raise InvalidState(action)


def photos_done(ctx: Context, ticket: Ticket) -> InlineKeyboard:
    return inline([Button(ctx._("Done"), f"mj:pdone:{ticket.id}")])


# -- on my way: the ETA ---------------------------------------------------------------------
def ask_eta(ctx: Context, ticket: Ticket) -> None:
    labels = {15: ctx._("15 min"), 30: ctx._("30 min"), 60: ctx._("1 h"), 120: ctx._("2 h")}
    ctx.send(
        ctx._(
            "When will you be there? Choose, or type minutes (45) or a time (14:30).",
        ),
        inline(
            [Button(labels[minutes], f"mj:eta:{ticket.id}:{minutes}") for minutes in ETA_CHOICES]
        ),
    )


TIME_OF_DAY = re.compile(r"(\d{1,2})[:.](\d{2})")


def parse_eta(text: str, now: datetime, ctx: Context) -> datetime | None:
    """``45`` → in 45 minutes; ``14:30`` → the next 14:30 in the company's time zone."""
    text = text.strip()
    if text.isdigit():
        minutes = int(text)
        if minutes > MAX_ETA.total_seconds() // 60:
            return None
        eta = now + timedelta(minutes=minutes)
    else:
        match = TIME_OF_DAY.fullmatch(text)
        if match is None:
            return None
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            return None
        local = now.astimezone(ctx.t.tz)
        eta = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if eta <= local:
            eta += timedelta(days=1)
    return eta if now < eta <= now + MAX_ETA else None


async def set_eta(ctx: Context, ticket: Ticket, eta: datetime) -> None:
    await change_status(ctx, ticket, TicketStatus.EN_ROUTE, eta)
    if dialogs.is_in(ctx, DIALOG, "eta"):
        await dialogs.end(ctx)
    ctx.answer()
    ctx.send(
        ctx._(
            "{ref}: the customer knows you are on the way, expected at {time}.",
            ref=ticket_ref(ticket),
            time=ctx.t.datetime(eta),
        )
    )
    await show_card(ctx, ticket)


# -- typed answers in a job dialog: ETA, note, photos, reason ------------------------------
@router.dialog(DIALOG, roles=ENGINEERS)
async def job_message(ctx: Context) -> None:
    assert ctx.dialog is not None
    step, ticket_id = ctx.dialog.step, int(ctx.dialog.data["ticket_id"])
    try:
        ticket = await jobs.get_my_job(ctx.session, ticket_id, ctx.person)
        await dialog_answer(ctx, ticket, step)
    except (NotFound, InvalidState):
        await dialogs.end(ctx)
        ctx.send(ctx._("This job is not yours or no longer open."), main_menu(ctx))


async def dialog_answer(ctx: Context, ticket: Ticket, step: str) -> None:
    ref, text, event = ticket_ref(ticket), ctx.event.text.strip(), ctx.event
    if step == "photos" and event.kind is EventKind.PHOTO:
        await jobs.add_photo(
            ctx.session, ticket, ctx.person, event.photo_file_ids[-1], ctx.now(), text or None
        )
        count = int(ctx.dialog.data.get("count", 0)) + 1 if ctx.dialog else 1
        dialogs.move(ctx, step, count=count)
        ctx.send(
            ctx.ngettext(
                "{n} photo added to {ref}. Send more or press Done.",
                "{n} photos added to {ref}. Send more or press Done.",
                count,
                ref=ref,
            ),
            photos_done(ctx, ticket),
        )
    elif step == "photos":
        ctx.send(
            ctx._("Send photos for {ref}, then press Done.", ref=ref), photos_done(ctx, ticket)
        )
    elif step == "eta":
        eta = parse_eta(text, ctx.now(), ctx) if event.kind is EventKind.TEXT else None
        if eta is None:
            ctx.send(ctx._("Please type minutes (45) or a time (14:30), or use the buttons."))
            return
        await set_eta(ctx, ticket, eta)
    elif event.kind is not EventKind.TEXT or len(text) < MIN_TEXT:
        ctx.send(ctx._("Please type a few words, or /cancel."))
    elif step == "note":
        await jobs.add_note(ctx.session, ticket, ctx.person, text[:3000], ctx.now())
        await dialogs.end(ctx)
        ctx.send(ctx._("Note added to {ref}.", ref=ref))
        await show_card(ctx, ticket)
    elif step == "hand":
        await jobs.hand_back(ctx.session, ticket, ctx.person, text[:1000], ctx.now(), ctx.settings)
        await dialogs.end(ctx)
        await push(ctx, ticket, PUSH_HANDED_BACK, "job_handed_back")
        ctx.send(ctx._("{ref} is back on the board. Thank you for saying why.", ref=ref))


# -- /duty and locations --------------------------------------------------------------------
@router.command("duty", roles=ENGINEERS)
async def duty_command(ctx: Context) -> None:
    await jobs.set_duty(ctx.session, ctx.person, not ctx.person.on_duty)
    if ctx.person.on_duty:
        ctx.send(
            ctx._(
                "You are on duty now. Share your location so the nearest jobs come first; "
                "/duty again when you finish."
            ),
            ReplyKeyboard(((KeyButton(ctx._("📍 Share my location"), request_location=True),),)),
        )
    else:
        ctx.send(ctx._("You are off duty now. Thank you for today!"), RemoveKeyboard())


@router.on(EventKind.LOCATION)
async def location_shared(ctx: Context) -> None:
    """Engineers' positions sort the board; live locations update quietly."""
    location = ctx.event.location
    assert location is not None
    if ctx.person.role is not Role.ENGINEER:
        ctx.send(
            ctx._(
                "Thank you, but I don't need your location: your sites' addresses are on "
                "file, and I use locations only to send the nearest engineer."
            ),
            main_menu(ctx),
        )
        return
    try:
        previous = await jobs.record_location(
            ctx.session, ctx.person, location.latitude, location.longitude, ctx.now()
        )
    except ValueError:
        ctx.send(ctx._("That location looks wrong. Please share it again."))
        return
    if location.live and previous is not None and ctx.now() - previous < LIVE_LOCATION_QUIET:
        return
    ctx.send(ctx._("Location updated. /jobs now shows the nearest jobs first."), RemoveKeyboard())
