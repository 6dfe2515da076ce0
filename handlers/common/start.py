"""/start (with its deep links) and registration: a client shares a phone number, which links
them to their company."""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.replies import KeyButton, ReplyKeyboard
from bot.core.router import Router
from bot.services import people
from handlers import notices
from handlers.common.commands import own_menu
from handlers.common.help import command_router, main_menu, send_help
from storage.models import Role

router = Router()


def is_registered(ctx: Context) -> bool:
    return ctx.person.role is not Role.CLIENT or ctx.person.customer_id is not None


def contact_request(ctx: Context) -> ReplyKeyboard:
    return ReplyKeyboard(((KeyButton(ctx._("📱 Share my phone number"), request_contact=True),),))


def ask_for_phone(ctx: Context) -> None:
    ctx.send(
        ctx._(
            "To find your company and its equipment, please share your phone number "
            "with the button below."
        ),
        contact_request(ctx),
    )


REGISTER = "register"


async def register_first(ctx: Context, payload: str) -> None:
    """Ask for the phone, keeping the deep link (a QR sticker) to open once registered."""
    await dialogs.start(ctx, REGISTER, "phone", link=payload)
    ask_for_phone(ctx)


async def require_registration(ctx: Context) -> bool:
    """True when the client is linked to a customer; otherwise asks for the phone."""
    if is_registered(ctx):
        return True
    ctx.answer()
    ask_for_phone(ctx)
    return False


@router.command("start")
async def start(ctx: Context) -> None:
    await dialogs.end(ctx)
    name = ctx.person.name or ctx.event.user_name
    ctx.send(ctx._("Hello, {name}! This is the assistant of our service team.", name=name))
    await welcome(ctx, ctx.event.args.strip())
    # Staff (an invite may just have made them so) and clients who chose another language
    # than their Telegram app's get a "/" menu of their own.
    menu = own_menu(ctx)
    if menu.commands:
        ctx.replies.append(menu)


async def welcome(ctx: Context, payload: str) -> None:
    if payload and await command_router(ctx).open_link(ctx, payload):
        return  # an invite, or a QR sticker on the equipment
    if not is_registered(ctx):
        ask_for_phone(ctx)
        return
    send_help(ctx)


@router.on(EventKind.CONTACT)
async def contact_shared(ctx: Context) -> None:
    contact = ctx.event.contact
    assert contact is not None
    if contact.user_id != ctx.event.user_id:
        ctx.send(
            ctx._("Please share your own number with the button, not someone else's contact."),
            contact_request(ctx),
        )
        return
    pending = ctx.dialog.data.get("link") if dialogs.is_in(ctx, REGISTER) and ctx.dialog else None
    link = await people.link_phone(ctx.session, ctx.person, contact.phone, ctx.now())
    if link.matched:
        ctx.send(
            ctx._(
                "Thank you! You are registered as a contact of {customer}.",
                customer=link.customer.name,
            ),
            main_menu(ctx),
        )
    else:
        await notices.new_customer(ctx, ctx.person, link.customer)
        ctx.send(
            ctx._(
                "Thank you! We did not find your number among our customers, so we have "
                "registered you as a new customer; a manager will check the details. "
                "You can already report a breakdown."
            ),
            main_menu(ctx),
        )
    if pending:
        await dialogs.end(ctx)
        if await command_router(ctx).open_link(ctx, str(pending)):
            return
    send_help(ctx, again=False)  # the thanks above brought the keys
