"""/language: the language of the bot's messages and of the person's "/" menu."""

from __future__ import annotations

from bot.config import SUPPORTED_LOCALES
from bot.core.chats import STAFF_ROOM
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, InlineKeyboard, inline
from bot.core.router import Router
from bot.services import people
from handlers.common.buttons import ChooseLanguage
from handlers.common.commands import own_menu
from handlers.common.help import send_help
from handlers.common.start import ask_for_phone, is_registered

router = Router()


def language_keyboard(ctx: Context) -> InlineKeyboard:
    names = {locale: ctx.catalogs.get(locale).language_name for locale in SUPPORTED_LOCALES}
    return inline(
        *([Button(names[locale], ChooseLanguage(locale=locale).pack())] for locale in names)
    )


def ask_language(ctx: Context) -> None:
    ctx.send(ctx._("Choose your language:"), language_keyboard(ctx))


# In the managers' chat too: a manager's own language is nothing private.
@router.command(
    "language", help=N_("change the language"), button=N_("🌐 Language"), places=STAFF_ROOM
)
async def language(ctx: Context) -> None:
    ask_language(ctx)


@router.callback(ChooseLanguage, places=STAFF_ROOM)
async def language_chosen(ctx: Context, button: ChooseLanguage) -> None:
    ctx.answer()
    if button.locale not in SUPPORTED_LOCALES:  # a menu from before the command table, or forged
        ask_language(ctx)
        return
    people.set_locale(ctx.person, button.locale)
    ctx.use_locale(button.locale)
    ctx.edit(ctx._("Language: {language}", language=ctx.t.language_name))
    if is_registered(ctx):
        send_help(ctx)
    else:
        ask_for_phone(ctx)
    ctx.replies.append(own_menu(ctx))
