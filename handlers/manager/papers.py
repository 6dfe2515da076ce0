"""/verify CODE (or the QR on a service report): which job a paper report belongs to, or that
it is not ours; /stickers REF: the customer's QR sticker sheet as a PDF."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.router import Router
from bot.services import equipment, service_reports
from handlers.manager.buttons import VerifyLink
from handlers.manager.card import show_card
from handlers.manager.chat import MANAGERS
from storage.models import Ticket

router = Router()


async def verify(ctx: Context, code: str) -> None:
    report = await service_reports.verify(ctx.session, code)
    ticket = await ctx.session.get(Ticket, report.ticket_id) if report is not None else None
    if report is None or ticket is None:
        ctx.send(ctx._("Not ours: no service report has the code {code}.", code=code.strip()))
        return
    verdict = ctx._("accepted") if report.passed else ctx._("NOT accepted")
    ctx.send(
        ctx._(
            "✅ The code {code} is genuine: the service report of #{number}, confirmed on {date} "
            "({verdict}).",
            code=report.code,
            number=ticket.id,
            date=ctx.t.datetime(report.created_at),
            verdict=verdict,
        )
    )
    await show_card(ctx, ticket)


# Not in /help yet: its line joins the command table once ru/bg translate it.
@router.command("verify", roles=MANAGERS, help=N_("check a paper service report by its code"))
async def verify_command(ctx: Context) -> None:
    code = ctx.event.args.strip()
    if not code:
        ctx.send(ctx._("Send the code printed on the report: /verify ABCD-EFGH-JKLM"))
        return
    await verify(ctx, code)


@router.deep_link(VerifyLink, roles=MANAGERS)
async def verify_link(ctx: Context, link: VerifyLink) -> None:
    await verify(ctx, link.code)


@router.command("stickers", roles=MANAGERS, help=N_("QR stickers for a customer's equipment"))
async def stickers_command(ctx: Context) -> None:
    ref = ctx.event.args.strip()
    if not ref:
        ctx.send(ctx._("Send the customer's reference: /stickers REF"))
        return
    items = await equipment.for_stickers(ctx.session, customer_ref=ref)
    username = (ctx.settings.bot_username or "").lstrip("@")
    if not items:
        ctx.send(ctx._("No equipment found for customer {ref}.", ref=ref))
        return
    if not username:
        ctx.send(ctx._("Stickers need the bot's username: set FIELDBOT_BOT_USERNAME."))
        return
    from bot.papers import stickers  # fpdf2, matplotlib and segno: only once a sheet is drawn

    sheet = stickers.render(
        [stickers.Sticker(item.model.name, item.serial) for item in items],
        username,
        ctx.settings.company_phone,
        ctx.settings.company_name,
    )
    ctx.send(
        ctx.ngettext("{n} sticker for {ref}.", "{n} stickers for {ref}.", len(items), ref=ref),
        document=sheet,
        document_name=f"stickers-{ref}.pdf",
    )
