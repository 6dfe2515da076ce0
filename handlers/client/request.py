"""/request: a client asks for an installation, maintenance or an upgrade, in a draft kept in
the database (see draft.py).

Steps: ``kind`` → for an installation ``order`` (the sales order reference) and ``model``
(optional), otherwise ``equipment`` (their own, or typed) → ``site`` (buttons, only when the
customer has more than one site and no registered equipment tells it) → ``dates`` (free text
or "As soon as possible") → ``comment`` (optional) → ``confirm``, the summary, where any part
can be changed before sending. A new kind drops what belonged to the old one and asks for its
own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core import dialogs
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, inline
from bot.services import requests
from bot.services.matching import fold
from handlers import notices
from handlers.client import buttons
from handlers.client.buttons import AsSoonAsPossible, Kind, PickSite, Skip
from handlers.client.draft import CLIENTS, DONE_WORDS, Draft, Part, Values
from handlers.client.equipment_picker import EQUIPMENT, Picker, show_equipment
from handlers.common.help import main_menu
from handlers.texts import KIND, site_label, ticket_ref
from storage.models import Site, TicketKind


@dataclass(frozen=True)
class Skippable:
    """A step that may be skipped: its question (a msgid) and what it keeps when skipped."""

    question: str
    skipped: dict[str, Any]


SKIPPABLE = {
    "model": Skippable(
        N_("Which model is to be installed? Type it, or press Skip if you are not sure."),
        {"equipment_id": None, "equipment_text": None, "equipment_label": ""},
    ),
    "comment": Skippable(
        N_("Anything else we should know (access, contact on site)? Type it, or press Skip."),
        {"comment": ""},
    ),
}


def is_installation(values: Values) -> bool:
    return values.get("kind") == TicketKind.INSTALLATION.value


def is_not_installation(values: Values) -> bool:
    return not is_installation(values)


def show_kind(ctx: Context, values: Values) -> str:
    return ctx._("Request: {kind}", kind=ctx._(KIND[TicketKind(values["kind"])]))


def show_order(ctx: Context, values: Values) -> str:
    return ctx._("Order: {order}", order=values.get("order_ref") or "—")


def show_model(ctx: Context, values: Values) -> str:
    return ctx._("Model: {model}", model=values.get("equipment_label") or "—")


def needs_site(values: Values) -> bool:
    """The site is asked when the customer has several and no equipment of theirs (with its
    own site) was picked: an installation, or equipment typed by name."""
    return int(values.get("site_count") or 0) > 1 and not values.get("equipment_id")


def show_site(ctx: Context, values: Values) -> str:
    return ctx._("Site: {site}", site=values.get("site_label") or "—")


def show_dates(ctx: Context, values: Values) -> str:
    return ctx._("Preferred dates: {dates}", dates=values.get("preferred_date", ""))


def show_comment(ctx: Context, values: Values) -> str:
    comment = values.get("comment") or ""
    return ctx._("Comment: {comment}", comment=comment) if comment else ctx._("No comment")


REQUEST = Draft(
    "request",
    buttons.REQUEST,
    parts=(
        Part("kind", N_("Change type"), show_kind),
        Part("order", N_("Change order"), show_order, is_installation),
        Part("model", N_("Change model"), show_model, is_installation),
        Part(EQUIPMENT, N_("Change equipment"), show_equipment, is_not_installation),
        Part("site", N_("Change site"), show_site, needs_site),
        Part("dates", N_("Change dates"), show_dates),
        Part("comment", N_("Change comment"), show_comment),
    ),
    rows=(("kind", "order", "model", EQUIPMENT), ("site", "dates", "comment")),
    check=N_("Please check your request:"),
    gone=N_("This request is already sent or cancelled."),
    press_send=N_("Press Send to register the request, or choose what to change."),
)
router = REQUEST.router
PICKER = Picker(
    REQUEST,
    at={EQUIPMENT: EQUIPMENT, "model": "model"}.get,  # the model step offers models only
    choose=N_("Which equipment is it for? Choose it below or type its model or serial number."),
    type_it=N_("Which equipment is it for? Type its model or serial number."),
    not_found=N_("We could not find “{text}”."),
)


@router.command(
    "request",
    roles=CLIENTS,
    help=N_("request an installation, maintenance or an upgrade"),
    button=N_("📦 Installation, maintenance, upgrade"),
)
async def request_command(ctx: Context) -> None:
    await REQUEST.start(ctx)


# -- kind ---------------------------------------------------------------------------------------
@REQUEST.asks("kind")
async def ask_kind(ctx: Context) -> None:
    rows = [[Button(ctx._(KIND[kind]), Kind(kind=kind).pack())] for kind in requests.REQUEST_KINDS]
    ctx.send(ctx._("What would you like to request?"), inline(*rows, [REQUEST.cancel_button(ctx)]))


@REQUEST.answers("kind")
async def kind_typed(ctx: Context, text: str) -> None:
    await ask_kind(ctx)


@router.callback(Kind, roles=CLIENTS)
async def kind_pressed(ctx: Context, button: Kind) -> None:
    """A different kind drops what belonged to the old one (an order is not equipment)."""
    if REQUEST.require(ctx) != "kind" or button.kind not in requests.REQUEST_KINDS:
        REQUEST.stale(ctx)
        return
    assert ctx.person.customer_id is not None
    count = len(await requests.sites(ctx.session, ctx.person.customer_id))
    changed = REQUEST.values(ctx).get("kind") != button.kind.value
    dialogs.move(ctx, "kind", site_count=count)
    if changed:
        dialogs.move(
            ctx,
            "kind",
            kind=button.kind.value,
            equipment_id=None,
            equipment_text=None,
            equipment_label=None,
            order_ref=None,
        )
    await REQUEST.step_done(ctx, "kind", go_on=changed)


# -- installation: order and model ----------------------------------------------------------------
@REQUEST.asks("order")
async def ask_order(ctx: Context) -> None:
    ctx.send(
        ctx._("What is the order or contract reference for the installation? E.g. SO-2026-118."),
        inline([REQUEST.cancel_button(ctx)]),
    )


@REQUEST.answers("order")
async def order_typed(ctx: Context, text: str) -> None:
    await REQUEST.answered(ctx, "order", order_ref=text[:100])


@REQUEST.asks("model")
@REQUEST.asks("comment")
async def ask_skippable(ctx: Context) -> None:
    step = REQUEST.require(ctx)
    skip = Button(ctx._("Skip"), Skip(step=step).pack())
    ctx.send(ctx._(SKIPPABLE[step].question), inline([skip]))


@REQUEST.answers("model")
async def model_typed(ctx: Context, text: str) -> None:
    if fold(text) in DONE_WORDS:
        await REQUEST.answered(ctx, "model", **SKIPPABLE["model"].skipped)
    else:
        await PICKER.suggest(ctx, text, models_only=True)


@router.callback(Skip, roles=CLIENTS)
async def skip_pressed(ctx: Context, button: Skip) -> None:
    if REQUEST.require(ctx) != button.step or button.step not in SKIPPABLE:
        REQUEST.stale(ctx)
        return
    await REQUEST.answered(ctx, button.step, **SKIPPABLE[button.step].skipped)


# -- other kinds: their equipment -----------------------------------------------------------------
@REQUEST.answers(EQUIPMENT)
async def equipment_typed(ctx: Context, text: str) -> None:
    await PICKER.suggest(ctx, text)


# -- the site ------------------------------------------------------------------------------------
SITE_LABEL_LIMIT = 60


@REQUEST.asks("site")
async def ask_site(ctx: Context) -> None:
    assert ctx.person.customer_id is not None
    rows = [
        [Button((site_label(site) or "")[:SITE_LABEL_LIMIT], PickSite(site=site.id).pack())]
        for site in await requests.sites(ctx.session, ctx.person.customer_id)
    ]
    ctx.send(ctx._("At which of your sites?"), inline(*rows, [REQUEST.cancel_button(ctx)]))


@REQUEST.answers("site")
async def site_typed(ctx: Context, text: str) -> None:
    """A site typed by its name (or part of it, when only one matches); else the buttons."""
    assert ctx.person.customer_id is not None
    typed = fold(text)
    own = await requests.sites(ctx.session, ctx.person.customer_id)
    exact = [site for site in own if fold(site.name) == typed]
    partial = [site for site in own if typed in fold(site_label(site) or "")]
    found = exact or (partial if len(partial) == 1 else [])
    if found:
        await site_chosen(ctx, found[0])
        return
    ctx.send(ctx._("Please choose the site with the buttons."))
    await ask_site(ctx)


@router.callback(PickSite, roles=CLIENTS)
async def site_pressed(ctx: Context, button: PickSite) -> None:
    if REQUEST.require(ctx) != "site":
        REQUEST.stale(ctx)
        return
    assert ctx.person.customer_id is not None
    site = await requests.site_of(ctx.session, button.site, ctx.person.customer_id)
    if site is None:
        ctx.send(ctx._("That site is not available. Please choose from the list."))
        return
    await site_chosen(ctx, site)


async def site_chosen(ctx: Context, site: Site) -> None:
    await REQUEST.answered(ctx, "site", site_id=site.id, site_label=site_label(site))


# -- dates and comment ----------------------------------------------------------------------------
@REQUEST.asks("dates")
async def ask_dates(ctx: Context) -> None:
    ctx.send(
        ctx._("When would suit you? Type it, for example “next week, mornings”."),
        inline([Button(ctx._("As soon as possible"), AsSoonAsPossible().pack())]),
    )


@REQUEST.answers("dates")
async def dates_typed(ctx: Context, text: str) -> None:
    await REQUEST.answered(ctx, "dates", preferred_date=text[:100])


@router.callback(AsSoonAsPossible, roles=CLIENTS)
async def as_soon_as_possible(ctx: Context, button: AsSoonAsPossible) -> None:
    if REQUEST.require(ctx) != "dates":
        REQUEST.stale(ctx)
        return
    await REQUEST.answered(ctx, "dates", preferred_date=ctx._("As soon as possible"))


@REQUEST.answers("comment")
async def comment_typed(ctx: Context, text: str) -> None:
    await REQUEST.answered(ctx, "comment", comment="" if fold(text) in DONE_WORDS else text[:3000])


# -- sending --------------------------------------------------------------------------------------
@REQUEST.sends
async def send_request(ctx: Context) -> None:
    values = REQUEST.values(ctx)
    if needs_site(values) and not values.get("site_id"):
        await REQUEST.ask(ctx, "site")  # a change made the site matter: ask it, then back here
        return
    request = requests.ServiceRequest(
        kind=TicketKind(values["kind"]),
        equipment_id=values.get("equipment_id"),
        equipment_text=values.get("equipment_text"),
        order_ref=values.get("order_ref"),
        preferred_date=values.get("preferred_date"),
        comment=values.get("comment") or "",
        site_id=values.get("site_id") if needs_site(values) else None,
    )
    ticket = await requests.create(ctx.session, ctx.person, request, ctx.now(), ctx.settings)
    await notices.new_ticket(ctx, ticket)
    await dialogs.end(ctx)
    ctx.edit(ctx._("Request {ref} registered.", ref=ticket_ref(ticket)))
    ctx.send(
        ctx._(
            "Our service team will plan the work and confirm the date with you. "
            "/status shows all your requests."
        ),
        main_menu(ctx),
    )
