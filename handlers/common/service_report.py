"""The service report PDF: issued when the customer confirms the work (:func:`issue_and_send`),
fetched again from the card by managers and the job's engineer (📄 Service report)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.replies import Button, InlineKeyboard
from bot.core.router import Router
from bot.services import service_reports
from bot.services.service_reports import ReportContent
from handlers.common.buttons import ServiceReportFile
from handlers.texts import ticket_heading
from storage.models import Person, Role, ServiceReport, Ticket, TicketStatus

router = Router()
STAFF = (Role.MANAGER, Role.ENGINEER)


async def issue_and_send(ctx: Context, ticket: Ticket, client: Person) -> ServiceReport:
    """Freeze the report in the client's language and send it to them as a document."""
    t = ctx.catalogs.get(client.locale)

    def render(content: ReportContent, code: str) -> bytes:
        # Drawing PDFs brings fpdf2, matplotlib and segno (tens of MB): only once one is drawn.
        from bot.papers import report_pdf

        return report_pdf.render(content, code, t, ctx.settings.bot_username)

    report = await service_reports.issue(
        ctx.session, ticket, client, ctx.now(), ctx.settings, render
    )
    send_report(ctx, report, ticket)
    return report


def send_report(ctx: Context, report: ServiceReport, ticket: Ticket) -> None:
    """The PDF, captioned with the ticket's heading and the code to check it by."""
    ctx.send(
        "📄 {heading}\n{code}".format(
            heading=ticket_heading(ctx, ticket),
            code=ctx._("Verification code: {code}", code=report.code),
        ),
        document=report.pdf,
        document_name=service_reports.file_name(report),
    )


async def with_report_button(
    ctx: Context, ticket: Ticket, keyboard: InlineKeyboard
) -> InlineKeyboard:
    """A card's keyboard with 📄 Service report first, when the job has a report."""
    if ticket.status is not TicketStatus.CLOSED:
        return keyboard
    if await service_reports.for_ticket(ctx.session, ticket.id) is None:
        return keyboard
    row = (Button(ctx._("📄 Service report"), ServiceReportFile(ticket=ticket.id).pack()),)
    return InlineKeyboard((row, *keyboard.rows))


@router.callback(ServiceReportFile, roles=STAFF)
async def report_pressed(ctx: Context, button: ServiceReportFile) -> None:
    report = await service_reports.visible(ctx.session, button.ticket, ctx.person)
    ticket = await ctx.session.get(Ticket, report.ticket_id)
    assert ticket is not None  # the report's foreign key
    ctx.answer()
    send_report(ctx, report, ticket)
