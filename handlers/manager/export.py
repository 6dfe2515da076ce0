"""/export [week|month|YYYY-MM-DD..YYYY-MM-DD]: the tickets opened in a period, with their
timeline, test results and ratings, as a CSV and an XLSX document in the reader's language.
The workbook also has the tickets' part requests (Parts) and the stock movements of the period
(Stock movements); the part requests come as a CSV of their own too, when there are any, and
the signed service reports of those tickets as a ZIP of PDFs.

Without a period it offers :class:`~handlers.manager.buttons.ExportPeriod` buttons.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import audit, checklists, exports, parts, reports, service_reports
from bot.services.exports import Cell, Sheet
from handlers.manager.buttons import ExportPeriod, Span
from handlers.manager.chat import MANAGERS
from handlers.texts import (
    KIND,
    PRIORITY,
    STATUS,
    attachment_kind,
    ticket_description,
    ticket_ref,
)
from storage.models import (
    AttachmentKind,
    ChecklistCheck,
    CheckType,
    MovementReason,
    PartStatus,
    TestResult,
    TicketEvent,
    TicketStatus,
    TimelineKind,
)

router = Router()
DEFAULT_PERIOD = "month"
EVENT_LABELS = {
    TimelineKind.CREATED: N_("Registered"),
    TimelineKind.STATUS: N_("Status"),
    TimelineKind.NOTE: N_("Note"),
    TimelineKind.ATTACHMENT: N_("Attachment"),
    TimelineKind.MESSAGE: N_("Message"),
    TimelineKind.ASSIGNED: N_("Assigned"),
    TimelineKind.HANDED_BACK: N_("Handed back"),
    TimelineKind.TEST: N_("Test"),
    TimelineKind.PARTS: N_("Parts"),
    TimelineKind.PART_ISSUED: N_("Part issued"),
    TimelineKind.PART_USED: N_("Part used"),
    TimelineKind.PART_RETURNED: N_("Part returned"),
    TimelineKind.FEEDBACK: N_("Feedback"),
    TimelineKind.REOPENED: N_("Reopened"),
}
ATTACHMENT_LABELS = {
    AttachmentKind.PHOTO: N_("Photo"),
    AttachmentKind.DOCUMENT: N_("Document"),
    AttachmentKind.VOICE: N_("Voice note"),
    AttachmentKind.VIDEO: N_("Video"),
}
TICKET_HEADERS = (
    N_("Number"),
    N_("Opened"),
    N_("Kind"),
    N_("Priority"),
    N_("Status"),
    N_("Customer"),
    N_("Equipment"),
    N_("Serial number"),
    N_("Site"),
    N_("Address"),
    N_("Order"),
    N_("Preferred dates"),
    N_("Engineer"),
    N_("Description"),
    N_("Visit"),
    N_("Respond by"),
    N_("Responded"),
    N_("Resolve by"),
    N_("Resolved"),
    N_("Closed"),
    N_("Rating"),
    N_("Comment"),
    N_("Tests"),
    N_("Timeline"),
)
TIMELINE_HEADERS = (N_("Number"), N_("Time"), N_("Event"), N_("Status"), N_("Who"), N_("Note"))
PART_HEADERS = (
    N_("Number"),
    N_("Part number"),
    N_("Part"),
    N_("Quantity"),
    N_("Status"),
    N_("Warehouse"),
    N_("Requested"),
    N_("Requested by"),
    N_("Ordered"),
    N_("Expected"),
    N_("Issued"),
    N_("Used, returned or rejected"),
    N_("Reason"),
)
MOVEMENT_HEADERS = (
    N_("Time"),
    N_("Part number"),
    N_("Part"),
    N_("Warehouse"),
    N_("Change"),
    N_("Quantity after"),
    N_("Reason"),
    N_("Who"),
    N_("Number"),
)
PART_STATUS = {
    PartStatus.REQUESTED: N_("Requested"),
    PartStatus.ORDERED: N_("Ordered"),
    PartStatus.ISSUED: N_("Issued"),
    PartStatus.REJECTED: N_("Rejected"),
    PartStatus.USED: N_("Used"),
    PartStatus.RETURNED: N_("Returned"),
}
MOVEMENT_REASON = {
    MovementReason.ISSUED: N_("Issued"),
    MovementReason.RETURNED: N_("Returned"),
    MovementReason.ARRIVED: N_("Arrived"),
    MovementReason.IMPORT: N_("Import"),
    MovementReason.ADJUST: N_("Adjustment"),
}
TEST_HEADERS = (
    N_("Number"),
    N_("Check"),
    N_("Value"),
    N_("Unit"),
    N_("Minimum"),
    N_("Maximum"),
    N_("Passed"),
    N_("Measured"),
)


def usage(ctx: Context) -> str:
    return ctx._(
        "Usage: /export week, /export month, or /export 2026-11-01..2026-11-30 "
        "for the requests opened in that period."
    )


# The period's name as managers type it in any of the three languages.
PERIOD_WORDS = {
    "today": "today",
    "сегодня": "today",
    "днес": "today",
    "week": "week",
    "неделя": "week",  # ru
    "седмица": "week",  # bg
    "month": "month",
    "месяц": "month",
    "месец": "month",
}


def parse_period(ctx: Context, text: str) -> reports.Period | None:
    name = text.strip().lower() or DEFAULT_PERIOD
    name = PERIOD_WORDS.get(name, name)
    if name in reports.PERIODS:
        return reports.period(name, ctx.now(), ctx.t.tz)
    return reports.parse_range(text, ctx.t.tz)


def file_stem(span: reports.Period) -> str:
    if span.name == "month":
        return f"tickets-{span.first:%Y-%m}"
    if span.first == span.last:
        return f"tickets-{span.first.isoformat()}"
    return f"tickets-{span.first.isoformat()}_{span.last.isoformat()}"


# -- the sheets -----------------------------------------------------------------------------------
def local(ctx: Context, moment: datetime | None) -> datetime | None:
    return moment.astimezone(ctx.t.tz).replace(tzinfo=None) if moment is not None else None


def test_value(ctx: Context, check: ChecklistCheck, result: TestResult) -> str:
    """A value as the reader reads it: a number in their locale, a yes/no outcome as its
    phrase ("No refrigerant leak"), a note as written, nothing for a skipped check."""
    if result.skipped:
        return ""
    if check.type is CheckType.YESNO:
        return checklists.check_phrase(check, result.passed, ctx.t.locale)
    if result.value_number is not None:
        return ctx.t.number(result.value_number)
    return result.value_text


def test_cell(ctx: Context, check: ChecklistCheck, result: TestResult) -> Cell:
    """A measured value as a number the spreadsheet can sum; anything else as text."""
    if result.value_number is not None and not result.skipped:
        return float(result.value_number)
    return test_value(ctx, check, result)


def test_line(ctx: Context, check: ChecklistCheck, result: TestResult) -> str:
    """One test in the request's summary cell: ``Boiler pressure: 1.2 bar ✓``,
    ``No refrigerant leak ✓``, ``— Notes: skipped``."""
    name = checklists.check_name(check, ctx.t.locale)
    if result.skipped:
        return ctx._("{mark} {check}: skipped", mark="—", check=name)
    mark = "✓" if result.passed else "✗"
    if check.type is CheckType.YESNO:
        return f"{test_value(ctx, check, result)} {mark}"
    return f"{name}: {test_value(ctx, check, result)} {check.unit} {mark}".replace("  ", " ")


def number_cell(value: float | Decimal | None) -> Cell:
    return float(value) if value is not None else None


def event_label(ctx: Context, event: TicketEvent) -> str:
    """What a timeline line is, for the export; a file by its kind."""
    if event.kind is TimelineKind.ATTACHMENT:
        return ctx._(ATTACHMENT_LABELS[attachment_kind(event)])
    return ctx._(EVENT_LABELS[event.kind])


# Events that move a ticket without a status of their own on the timeline.
STATUS_AFTER = {
    TimelineKind.CREATED: TicketStatus.NEW,
    TimelineKind.ASSIGNED: TicketStatus.ASSIGNED,
    TimelineKind.HANDED_BACK: TicketStatus.NEW,
    TimelineKind.REOPENED: TicketStatus.ASSIGNED,
}


def timeline_rows(ctx: Context, record: reports.TicketRecord) -> list[list[Cell]]:
    """Each line of the timeline with the status the ticket had after it (a note or a photo
    leaves it where it was), so the column can be filtered."""
    ref = ticket_ref(record.ticket)
    rows: list[list[Cell]] = []
    status: TicketStatus | None = None
    for event, actor in record.events:
        status = event.status or STATUS_AFTER.get(event.kind, status)
        rows.append(
            [
                ref,
                local(ctx, event.at),
                event_label(ctx, event),
                ctx._(STATUS[status]) if status else "",
                actor,
                event.note or "",
            ]
        )
    return rows


def test_rows(ctx: Context, record: reports.TicketRecord) -> list[list[Cell]]:
    ref, yes, no, skipped = ticket_ref(record.ticket), ctx._("yes"), ctx._("no"), ctx._("skipped")
    return [
        [
            ref,
            checklists.check_name(check, ctx.t.locale),
            test_cell(ctx, check, result),
            check.unit,
            number_cell(check.min_value),
            number_cell(check.max_value),
            skipped if result.skipped else yes if result.passed else no,
            local(ctx, result.measured_at),
        ]
        for result, check in record.tests
    ]


def ticket_row(ctx: Context, record: reports.TicketRecord) -> list[Cell]:
    """One request, with its tests and timeline summed up in a cell each."""
    ticket, item, feedback = record.ticket, record.ticket.equipment, record.feedback
    site = ticket.where
    test_summary = "\n".join(test_line(ctx, check, result) for result, check in record.tests)
    timeline_summary = "\n".join(
        f"{when:%Y-%m-%d %H:%M} {ctx._(EVENT_LABELS[event.kind])}"
        + (f": {event.note}" if event.note else "")
        for event, _ in record.events
        if (when := local(ctx, event.at)) is not None
    )
    return [
        ticket_ref(ticket),
        local(ctx, ticket.created_at),
        ctx._(KIND[ticket.kind]),
        ctx._(PRIORITY[ticket.priority]),
        ctx._(STATUS[ticket.status]),
        record.customer,
        item.model.name if item else ticket.equipment_text or "",
        item.serial if item else "",
        site.name if site else "",
        site.address if site else "",
        ticket.order_ref or "",
        ticket.preferred_date or "",
        ticket.engineer.name if ticket.engineer else "",
        ticket_description(ctx.t, ticket),
        local(ctx, ticket.visit_at),
        local(ctx, ticket.response_due),
        local(ctx, ticket.responded_at),
        local(ctx, ticket.resolution_due),
        local(ctx, ticket.resolved_at),
        local(ctx, ticket.closed_at),
        feedback.rating if feedback else None,
        feedback.comment or "" if feedback else "",
        test_summary,
        timeline_summary,
    ]


def part_row(ctx: Context, row: parts.RequestRow) -> list[Cell]:
    request = row.request
    return [
        ticket_ref(request.ticket_id),
        row.part.number,
        parts.part_name(row.part, ctx.t.locale),
        request.quantity,
        ctx._(PART_STATUS[request.status]),
        row.warehouse or "",
        local(ctx, request.requested_at),
        row.requested_by or "",
        local(ctx, request.ordered_at),
        request.expected_on,
        local(ctx, request.issued_at),
        local(ctx, request.finished_at),
        request.reason or "",
    ]


def movement_row(ctx: Context, row: parts.MovementRow) -> list[Cell]:
    movement = row.movement
    return [
        local(ctx, movement.at),
        row.part.number,
        parts.part_name(row.part, ctx.t.locale),
        row.warehouse,
        movement.delta,
        movement.quantity_after,
        ctx._(MOVEMENT_REASON[movement.reason]),
        row.who or "",
        ticket_ref(row.ticket_id) if row.ticket_id is not None else "",
    ]


def parts_sheet(ctx: Context, requests: list[parts.RequestRow]) -> Sheet:
    rows = [part_row(ctx, row) for row in requests]
    return Sheet(ctx._("Parts"), [ctx._(h) for h in PART_HEADERS], rows)


def build_sheets(
    ctx: Context,
    records: list[reports.TicketRecord],
    requests: list[parts.RequestRow] | None = None,
    movements: list[parts.MovementRow] | None = None,
) -> list[Sheet]:
    tickets = [ticket_row(ctx, record) for record in records]
    timeline = [row for record in records for row in timeline_rows(ctx, record)]
    tests = [row for record in records for row in test_rows(ctx, record)]
    moved = [movement_row(ctx, row) for row in movements or []]
    return [
        Sheet(ctx._("Requests"), [ctx._(h) for h in TICKET_HEADERS], tickets),
        Sheet(ctx._("Timeline"), [ctx._(h) for h in TIMELINE_HEADERS], timeline),
        Sheet(ctx._("Tests"), [ctx._(h) for h in TEST_HEADERS], tests),
        parts_sheet(ctx, requests or []),
        Sheet(ctx._("Stock movements"), [ctx._(h) for h in MOVEMENT_HEADERS], moved),
    ]


# -- the command ----------------------------------------------------------------------------------
async def send_export(ctx: Context, span: reports.Period) -> None:
    records = await reports.export_records(ctx.session, span)
    await audit.record(
        ctx.session,
        audit.Action.EXPORTED,
        ctx.now(),
        by=ctx.person,
        first=span.first.isoformat(),
        last=span.last.isoformat(),
        tickets=len(records),
    )
    period = ctx.t.interval(span.first, span.last)
    if not records:
        ctx.send(ctx._("No requests were opened in {period}.", period=period))
        return
    requests = await parts.requests_of_tickets(ctx.session, [r.ticket.id for r in records])
    movements = await parts.ledger(ctx.session, span.start, span.end)
    sheets = build_sheets(ctx, records, requests, movements)
    stem = file_stem(span)
    caption = ctx.ngettext(
        "{n} request opened in {period}.",
        "{n} requests opened in {period}.",
        len(records),
        period=period,
    )
    ctx.send(
        caption, document=exports.to_csv(sheets[0], ctx.t.locale), document_name=f"{stem}.csv"
    )
    ctx.send(caption, document=exports.to_xlsx(sheets), document_name=f"{stem}.xlsx")
    if requests:
        parts_caption = ctx.ngettext(
            "{n} part request for the requests opened in {period}.",
            "{n} part requests for the requests opened in {period}.",
            len(requests),
            period=period,
        )
        name = stem.replace("tickets-", "parts-", 1)
        ctx.send(
            parts_caption,
            document=exports.to_csv(parts_sheet(ctx, requests), ctx.t.locale),
            document_name=f"{name}.csv",
        )
    papers = await service_reports.for_tickets(ctx.session, [r.ticket.id for r in records])
    if papers:
        ctx.send(
            ctx.ngettext(
                "{n} service report of the requests opened in {period}.",
                "{n} service reports of the requests opened in {period}.",
                len(papers),
                period=period,
            ),
            document=service_reports.archive(papers),
            document_name=f"{stem.replace('tickets-', 'service-reports-', 1)}.zip",
        )


@router.command("export", roles=MANAGERS, help=N_("requests as CSV and Excel files"))
async def export_command(ctx: Context) -> None:
    span = parse_period(ctx, ctx.event.args)
    if span is None:
        buttons = [
            Button(ctx._("This week"), ExportPeriod(period=Span.WEEK).pack()),
            Button(ctx._("This month"), ExportPeriod(period=Span.MONTH).pack()),
        ]
        ctx.send(usage(ctx), inline(buttons))
        return
    await send_export(ctx, span)


@router.callback(ExportPeriod, roles=MANAGERS)
async def export_button(ctx: Context, button: ExportPeriod) -> None:
    await send_export(ctx, reports.period(button.period, ctx.now(), ctx.t.tz))
