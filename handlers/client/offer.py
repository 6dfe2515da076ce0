"""Free text outside any dialog that reads like a problem ("Кафемашината на Витоша пак тече"):
instead of "I didn't understand", the client is asked whether to report it as a breakdown, and
the text they typed becomes the report's description (they are not asked for it again)."""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services.errors import InvalidState
from bot.services.matching import fold
from handlers.client.buttons import NotThis, ReportThis
from handlers.client.draft import CLIENTS, YES_WORDS
from handlers.client.report import REPORT, TYPED_FIRST
from handlers.common.help import not_understood, show_menu
from storage.models import Role

router = Router()
DIALOG = "offer"
# Shorter than this, or fewer words, is a greeting or a thank-you rather than a problem.
MIN_WORDS, MIN_LENGTH = 3, 15


def looks_like_a_problem(text: str) -> bool:
    return len(text.split()) >= MIN_WORDS and len(text) >= MIN_LENGTH


async def offer_report(ctx: Context) -> bool:
    """Offer to report the typed text as a breakdown; False when it does not apply (not a
    client, or not a sentence about a problem)."""
    text = ctx.event.text.strip()
    if ctx.person.role is not Role.CLIENT or not looks_like_a_problem(text):
        return False
    await dialogs.start(ctx, DIALOG, "ask", text=text[:3000])
    ctx.send(
        ctx._("Report this as a breakdown?\n\n“{text}”", text=text[:500]),
        inline(
            [Button(ctx._("🛠 Yes, report a breakdown"), ReportThis().pack())],
            [Button(ctx._("No"), NotThis().pack())],
        ),
    )
    return True


async def report_it(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = str(ctx.dialog.data["text"])
    if not await REPORT.begin(ctx):
        return
    first = REPORT.parts[0].step
    dialogs.move(ctx, first, description=text, **{TYPED_FIRST: True})
    await REPORT.ask(ctx, first)


def require_offer(ctx: Context) -> None:
    if not dialogs.is_in(ctx, DIALOG):
        raise InvalidState(REPORT.gone)


@router.callback(ReportThis, roles=CLIENTS)
async def report_pressed(ctx: Context, button: ReportThis) -> None:
    require_offer(ctx)
    await report_it(ctx)


@router.callback(NotThis, roles=CLIENTS)
async def not_pressed(ctx: Context, button: NotThis) -> None:
    require_offer(ctx)
    await dialogs.end(ctx)
    ctx.edit(ctx._("All right, nothing was reported."))
    show_menu(ctx)


@router.dialog(DIALOG, step="ask", roles=CLIENTS)
async def typed_on_offer(ctx: Context) -> None:
    """A typed "yes" reports it; other words are a new message: offered again, or the menu."""
    if fold(ctx.event.text) in YES_WORDS:
        await report_it(ctx)
        return
    if not await offer_report(ctx):  # offered again: that replaced this dialog
        await dialogs.end(ctx)
        not_understood(ctx)
