"""Telegram's "/" menu: each role's commands from the command table, in each language.

At start-up (:func:`startup_menus`) clients get the list for all private chats, one per
language plus one for anyone else in the default language; every engineer and manager gets
a list of their own chat in their language; the managers' group gets the managers' list in
its language. A person's own list follows them later (:func:`own_menu`): when an invite makes
them staff and when they change their language.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import SUPPORTED_LOCALES, Settings
from bot.core.context import Context
from bot.core.i18n import Catalogs, Translator, pick_locale
from bot.core.replies import BotCommand, SetCommands
from bot.core.router import Router
from handlers.common.help import command_router
from storage.models import Person, Role

STAFF = (Role.ENGINEER, Role.MANAGER)


def command_list(router: Router, role: Role, t: Translator) -> tuple[BotCommand, ...]:
    """The role's described commands, as /help lists them, in ``t``'s language."""
    return tuple(
        BotCommand(command.name, t._(command.help))
        for command in router.commands_for(role)
        if command.help
    )


def own_menu(ctx: Context) -> SetCommands:
    """The list for this person's private chat: their role's commands in their language. Empty
    (so the all-private-chats list of their app's language applies) for a client whose language
    is the one their Telegram app gives them anyway."""
    person = ctx.person
    app_locale = pick_locale(ctx.event.language_code, ctx.settings.default_locale)
    if person.role is Role.CLIENT and person.locale == app_locale:
        return SetCommands((), chat_id=person.chat_id)
    commands = command_list(command_router(ctx), person.role, ctx.catalogs.get(person.locale))
    return SetCommands(commands, chat_id=person.chat_id)


async def startup_menus(
    session: AsyncSession, router: Router, catalogs: Catalogs, settings: Settings
) -> list[SetCommands]:
    """Every list the bot sets when it starts."""
    languages: list[tuple[str, str | None]] = [(locale, locale) for locale in SUPPORTED_LOCALES]
    languages.append((settings.default_locale, None))  # apps in any other language
    menus = [
        SetCommands(command_list(router, Role.CLIENT, catalogs.get(locale)), language_code=code)
        for locale, code in languages
    ]
    staff = await session.scalars(select(Person).where(Person.role.in_(STAFF)).order_by(Person.id))
    menus += [
        SetCommands(command_list(router, person.role, catalogs.get(person.locale)), person.chat_id)
        for person in staff
    ]
    if settings.manager_chat_id is not None:
        t = catalogs.get(settings.manager_locale or settings.default_locale)
        menus.append(SetCommands(command_list(router, Role.MANAGER, t), settings.manager_chat_id))
    return menus
