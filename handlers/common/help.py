"""/help and the main menu, both built from the router's command table.

A command shows in /help (and in Telegram's "/" menu) when it has a ``help`` line, and in the
main menu when it has a ``button``: the role's own commands first, in the order they were
registered, then everyone's. In a private chat the main menu is a keyboard that stays under
the input field (a key sends its label, which the router maps back to the command); it is
sent when the chat does not show it yet, never re-posted after every answer. In the
managers' chat /help carries it as inline buttons instead: keys there would pop up for all.
"""

from __future__ import annotations

from bot.core.chats import STAFF_ROOM
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, InlineKeyboard, KeyButton, Markup, ReplyKeyboard, inline
from bot.core.router import ALL_ROLES, Command, Router
from handlers.common.buttons import RunCommand
from storage.models import Role

router = Router()

HEADER = {
    Role.MANAGER: N_("You are a service manager. Commands:"),
    Role.ENGINEER: N_("You are a field engineer. Commands:"),
    Role.CLIENT: N_("Commands:"),
}
# A line after the role's own commands.
TIP = {
    Role.ENGINEER: N_("Share your location with the 📍 button below so nearby jobs come first.")
}
# Buttons per row for the role's own commands (clients' labels are long).
MENU_WIDTH = {Role.CLIENT: 1}
# Above everyone's row on an engineer's keys: their location in one tap.
LOCATION_KEY = N_("📍 Share my location")
# Everyone's buttons, in one row under the role's.
LAST_ROW = ("help", "language")


def command_router(ctx: Context) -> Router:
    """The router dispatching this update: its table is every command there is."""
    assert ctx.router is not None, "the engine dispatches every update through a router"
    return ctx.router


def help_line(ctx: Context, command: Command) -> str:
    assert command.help is not None
    return f"/{command.name} — {ctx._(command.help)}"


def help_text(ctx: Context) -> str:
    role = ctx.person.role
    commands = command_router(ctx).commands_for(role)
    lines = [ctx._(HEADER[role])]
    lines += [help_line(ctx, command) for command in commands if command.roles != ALL_ROLES]
    if role in TIP:
        lines.append(ctx._(TIP[role]))
    lines += [help_line(ctx, command) for command in commands if command.roles == ALL_ROLES]
    return "\n".join(lines)


def menu_rows(ctx: Context) -> list[list[Command]]:
    """The role's own commands, ``MENU_WIDTH`` to a row, then everyone's in one row."""
    role = ctx.person.role
    table = command_router(ctx)
    own = [command for command in table.buttons_for(role) if command.roles != ALL_ROLES]
    width = MENU_WIDTH.get(role, 2)
    rows = [own[start : start + width] for start in range(0, len(own), width)]
    rows.append([table.command_table[name] for name in LAST_ROW])
    return rows


def main_keys(ctx: Context) -> ReplyKeyboard:
    """The main menu as keys; an engineer's also share their location in one tap."""
    rows = [tuple(KeyButton(label(ctx, command)) for command in row) for row in menu_rows(ctx)]
    if ctx.person.role is Role.ENGINEER:
        rows.insert(-1, (KeyButton(ctx._(LOCATION_KEY), request_location=True),))
    return ReplyKeyboard(tuple(rows), one_time=False, persistent=True)


def main_menu(ctx: Context, *, again: bool = False) -> Markup | None:
    """The main-menu keys when this private chat does not show them yet (a first answer, a new
    language or role, after a one-time keyboard), or ``again`` (/start, /help: the person may
    have cleared the chat); None otherwise, and in a group."""
    if ctx.event.chat_type != "private":
        return None
    keys = main_keys(ctx)
    if not again and ctx.person.keyboard == keys.signature():
        return None
    return keys


def inline_menu(ctx: Context) -> InlineKeyboard:
    """The main menu as buttons under /help in the managers' chat."""
    return inline(
        *(
            [Button(label(ctx, c), RunCommand(name=c.name).pack()) for c in row]
            for row in menu_rows(ctx)
        )
    )


def label(ctx: Context, command: Command) -> str:
    assert command.button is not None
    return ctx._(command.button)


def show_menu(ctx: Context) -> None:
    """Ask what next with the main-menu keys, unless the chat already shows them."""
    keys = main_menu(ctx)
    if keys is not None:
        ctx.send(ctx._("What would you like to do?"), keys)


def not_understood(ctx: Context) -> None:
    text = ctx._(
        "We are not sure what you mean. The buttons below show what you can do; "
        "/help explains each one."
    )
    ctx.send(text, main_menu(ctx))


def send_help(ctx: Context, *, again: bool = True) -> None:
    """/help with the main menu: keys (``again``: even if the chat shows them), or buttons in
    the managers' chat."""
    private = ctx.event.chat_type == "private"
    ctx.send(help_text(ctx), main_menu(ctx, again=again) if private else inline_menu(ctx))


@router.command("help", help=N_("show this help"), button=N_("❓ Help"), places=STAFF_ROOM)
async def help_command(ctx: Context) -> None:
    send_help(ctx)


@router.callback(RunCommand, places=STAFF_ROOM)  # the command's own place is checked too
async def menu_pressed(ctx: Context, button: RunCommand) -> None:
    """A main-menu button (in the managers' chat, or under an old message): the command as if
    typed, with the same role check."""
    await command_router(ctx).run_command(ctx, button.name)
