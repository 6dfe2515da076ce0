"""/help and the main menu, both built from the router's command table.

A command shows in /help (and in Telegram's "/" menu) when it has a ``help`` line, and in the
main menu when it has a ``button``: the role's own commands first, in the order they were
registered, then everyone's.
"""

from __future__ import annotations

from bot.core.chats import STAFF_ROOM
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, InlineKeyboard, inline
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
TIP = {Role.ENGINEER: N_("Share your location with the 📎 button so nearby jobs come first.")}
# Buttons per row for the role's own commands (clients' labels are long).
MENU_WIDTH = {Role.CLIENT: 1}
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


def main_menu(ctx: Context) -> InlineKeyboard:
    """What this person can do next, as buttons."""
    role = ctx.person.role
    table = command_router(ctx)
    own = [command for command in table.buttons_for(role) if command.roles != ALL_ROLES]
    width = MENU_WIDTH.get(role, 2)
    rows = [own[start : start + width] for start in range(0, len(own), width)]
    rows.append([table.command_table[name] for name in LAST_ROW])
    return inline(*([menu_button(ctx, command) for command in row] for row in rows))


def menu_button(ctx: Context, command: Command) -> Button:
    assert command.button is not None
    return Button(ctx._(command.button), RunCommand(name=command.name).pack())


def send_help(ctx: Context) -> None:
    ctx.send(help_text(ctx), main_menu(ctx))


@router.command("help", help=N_("show this help"), button=N_("❓ Help"), places=STAFF_ROOM)
async def help_command(ctx: Context) -> None:
    send_help(ctx)


@router.callback(RunCommand, places=STAFF_ROOM)  # the command's own place is checked too
async def menu_pressed(ctx: Context, button: RunCommand) -> None:
    """A main-menu button: the command as if typed, with the same role check."""
    await command_router(ctx).run_command(ctx, button.name)
