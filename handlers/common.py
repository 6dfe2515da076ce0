"""For everyone: /start and registration, /help, /language, /cancel, and the fallback menu."""

from __future__ import annotations

from bot.config import SUPPORTED_LOCALES
from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.replies import Button, RemoveKeyboard, inline
from bot.core.router import Router
from bot.services import people
from handlers.keyboards import contact_request, main_menu
from storage.models import Role

router = Router()


def is_registered(ctx: Context) -> bool:
    return ctx.person.role is not Role.CLIENT or ctx.person.customer_id is not None


def ask_for_phone(ctx: Context) -> None:
    ctx.send(
        ctx._(
            "To find your company and its equipment, please share your phone number "
            "with the button below."
        ),
        contact_request(ctx),
    )


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
    ctx.send(ctx._("Hello, {name}! I am the service desk assistant.", name=name))
    payload = ctx.event.args.strip()
    if payload and ctx.router is not None and await ctx.router.open_link(ctx, payload):
        return  # an invite, or a QR sticker on the equipment
    if not is_registered(ctx):
        ask_for_phone(ctx)
        return
    send_help(ctx)


def help_text(ctx: Context) -> str:
    role = ctx.person.role
    if role is Role.MANAGER:
        lines = [
            ctx._("You are a service manager. Commands:"),
            ctx._("/open — open requests: filter, assign, reassign"),
            ctx._("/stats — figures for today, this week or this month"),
            ctx._("/trends — models and customers with the most breakdowns, repeat breakdowns"),
            ctx._("/engineers — who is on duty, where and how busy"),
            ctx._("/export — requests as CSV and Excel files"),
            ctx._("/invite — an invite link for a new engineer or manager"),
        ]
    elif role is Role.ENGINEER:
        lines = [
            ctx._("You are a field engineer. Commands:"),
            ctx._("/jobs — open jobs you can take, most urgent and nearest first"),
            ctx._("/myjobs — your jobs: status, notes, photos, tests, parts, resolve"),
            ctx._("/duty — go on or off duty"),
            ctx._("Share your location with the 📎 button so nearby jobs come first."),
        ]
    else:
        lines = [
            ctx._("Commands:"),
            ctx._("/report — report a breakdown"),
            ctx._("/status — your requests and their progress"),
            ctx._("/complaint — tell the service managers what went wrong"),
        ]
    lines += [
        ctx._("/language — change the language"),
        ctx._("/cancel — stop the current action"),
        ctx._("/help — show this help"),
    ]
    return "\n".join(lines)


def send_help(ctx: Context) -> None:
    ctx.send(help_text(ctx), main_menu(ctx))


@router.command("help")
async def help_command(ctx: Context) -> None:
    send_help(ctx)


@router.callback("help")
async def help_button(ctx: Context) -> None:
    ctx.answer()
    send_help(ctx)


def language_keyboard(ctx: Context) -> list[list[Button]]:
    names = {locale: ctx.catalogs.get(locale).language_name for locale in SUPPORTED_LOCALES}
    return [[Button(names[locale], f"lang:{locale}")] for locale in SUPPORTED_LOCALES]


@router.command("language")
async def language(ctx: Context) -> None:
    ctx.send(ctx._("Choose your language:"), inline(*language_keyboard(ctx)))


@router.callback("lang")
async def language_chosen(ctx: Context) -> None:
    choice = ctx.event.button_argument
    if choice not in SUPPORTED_LOCALES:  # the menu's language button, or forged data
        ctx.answer()
        ctx.send(ctx._("Choose your language:"), inline(*language_keyboard(ctx)))
        return
    people.set_locale(ctx.person, choice)
    ctx.use_locale(choice)
    ctx.answer()
    ctx.edit(ctx._("Language: {language}", language=ctx.t.language_name))
    if is_registered(ctx):
        send_help(ctx)
    else:
        ask_for_phone(ctx)


@router.command("cancel")
async def cancel(ctx: Context) -> None:
    if ctx.dialog is None:
        ctx.send(ctx._("There is nothing to cancel."), main_menu(ctx))
        return
    kept = dialogs.keeps_progress(ctx)
    await dialogs.end(ctx)
    if not kept:
        ctx.send(ctx._("Cancelled. Nothing was sent."), RemoveKeyboard())
    else:
        ctx.send(ctx._("Cancelled. What you had already saved is kept."), RemoveKeyboard())
    ctx.send(ctx._("What would you like to do?"), main_menu(ctx))


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
    link = await people.link_phone(ctx.session, ctx.person, contact.phone)
    if link.matched:
        ctx.send(
            ctx._(
                "Thank you! You are registered as a contact of {customer}.",
                customer=link.customer.name,
            ),
            RemoveKeyboard(),
        )
    else:
        ctx.send(
            ctx._(
                "Thank you! We did not find your number among our customers, so we have "
                "registered you as a new customer; a manager will check the details. "
                "You can already report a breakdown."
            ),
            RemoveKeyboard(),
        )
    send_help(ctx)


async def fallback(ctx: Context) -> None:
    """Anything no handler claimed: never silence in a private chat."""
    if ctx.event.chat_type != "private":
        return  # group chatter is not addressed to the bot
    if ctx.event.kind is EventKind.CALLBACK:
        ctx.answer(ctx._("This button is no longer active."))
        return
    if not is_registered(ctx):
        ask_for_phone(ctx)
        return
    if ctx.event.kind is EventKind.COMMAND:
        text = ctx._("I don't know that command. Here is what I can do:")
    else:
        text = ctx._("I'm not sure what you mean. Here is what I can do:")
    ctx.send(text, main_menu(ctx))


async def denied(ctx: Context) -> None:
    """A command or button outside this person's role: refused, nothing changes."""
    if ctx.event.kind is EventKind.CALLBACK:
        ctx.answer(ctx._("This action is not available to you."), alert=True)
        return
    ctx.send(ctx._("This command is not available to you."), main_menu(ctx))


router.fallback = fallback
router.denied = denied
