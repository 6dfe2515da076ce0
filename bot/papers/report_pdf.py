"""The service report (acceptance protocol) as a PDF in the reader's language.

It draws :class:`~bot.services.service_reports.ReportContent` and nothing else, so the words
change with the language and the figures never do; the verification code and its QR (a deep
link managers scan to check a paper copy in the bot) close the page.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_datetime
from fpdf import FPDF
from fpdf.fonts import FontFace

from bot.core.i18n import N_, Translator
from bot.papers.sheet import FONT, draw_qr, finish, new_pdf
from bot.services import checklists
from bot.services.service_reports import CheckLine, Measurement, ReportContent
from storage.models import TicketKind

KINDS = {
    TicketKind.BREAKDOWN.value: N_("Repair"),
    TicketKind.INSTALLATION.value: N_("Installation"),
    TicketKind.MAINTENANCE.value: N_("Maintenance"),
    TicketKind.UPGRADE.value: N_("Upgrade"),
}
VERIFY_PREFIX = "vf"  # /start vf_<code>: handlers.manager.verify


def verify_link(code: str, bot_username: str | None) -> str:
    """What the report's QR holds: the bot's deep link, or the command to type."""
    username = (bot_username or "").lstrip("@")
    if username:
        return f"https://t.me/{username}?start={VERIFY_PREFIX}_{code}"
    return f"/verify {code}"


def _when(t: Translator, iso: str | None) -> str:
    if not iso:
        return "—"
    return format_datetime(datetime.fromisoformat(iso), "short", tzinfo=t.tz, locale=t.locale)


def _day(t: Translator, iso: str | None) -> str:
    return t.date(date.fromisoformat(iso)) if iso else "—"


def _number(t: Translator, value: float | None) -> str:
    return "—" if value is None else t.number(value)


def _value(t: Translator, line: CheckLine, result: Measurement) -> str:
    """A number in the reader's locale, a yes/no outcome as its phrase, a note as written."""
    if result.skipped:
        return "—"
    if line.yesno:
        phrases = line.pass_names if result.passed else line.fail_names
        return checklists.outcome_phrase(line.names, phrases, t.locale)
    return result.value if result.number is None else t.number(result.number)


def _name(names: dict[str, str], locale: str) -> str:
    return names.get(locale) or names.get("en") or next(iter(names.values()), "")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)


def _pairs(pdf: FPDF, rows: list[tuple[str, str]], width: float | None = None) -> None:
    width = width or pdf.epw
    with pdf.table(
        width=width,
        col_widths=(45, width - 45),
        first_row_as_headings=False,
        line_height=5.5,
        align="LEFT",
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label, style=FontFace(emphasis="BOLD"))
            row.cell(value)


def _coverage(t: Translator, content: ReportContent) -> str:
    parts = []
    if content.warranty_until:
        state = t._("under warranty") if content.under_warranty else t._("warranty expired")
        parts.append(f"{state} ({_day(t, content.warranty_until)})")
    if content.contract:
        state = t._("contract") if content.under_contract else t._("contract expired")
        until = f", {_day(t, content.contract_until)}" if content.contract_until else ""
        parts.append(f"{state} {content.contract}{until}")
    return "; ".join(parts) or t._("no warranty or contract")


def _verdict(t: Translator, line: CheckLine) -> str:
    return {
        "passed": t._("passed"),
        "failed": t._("FAILED"),
        "missing": t._("not measured"),
        "skipped": t._("skipped"),
    }[line.verdict]


def _measured(t: Translator, result: Measurement) -> str:
    if result.skipped:
        return t._("skipped")
    return t._("passed") if result.passed else t._("FAILED")


def _checks(pdf: FPDF, t: Translator, content: ReportContent) -> None:
    _heading(pdf, t._("Acceptance checks"))
    if not content.checks:
        pdf.cell(0, 6, t._("No acceptance checks for this job."), new_x="LMARGIN", new_y="NEXT")
        return
    widths = (58, 26, 22, 16, 16, 42)
    with pdf.table(col_widths=widths, line_height=5.5, text_align="LEFT") as table:
        header = table.row()
        for label in (
            t._("Check"),
            t._("Value"),
            t._("Unit"),
            t._("Min"),
            t._("Max"),
            t._("Result"),
        ):
            header.cell(label)
        for line in content.checks:
            name = _name(line.names, t.locale)
            if not line.required:
                name = t._("{check} (optional)", check=name)
            earlier = [result for result in line.results if not result.latest]
            latest = next((result for result in line.results if result.latest), None)
            row = table.row()
            row.cell(name)
            row.cell(_value(t, line, latest) if latest else "—")
            row.cell(line.unit)
            row.cell(_number(t, line.min_value))
            row.cell(_number(t, line.max_value))
            row.cell(_verdict(t, line))
            for result in earlier:
                retest = table.row()
                retest.cell("    " + t._("earlier measurement, {time}", time=_when(t, result.at)))
                retest.cell(_value(t, line, result))
                retest.cell(line.unit)
                retest.cell("")
                retest.cell("")
                retest.cell(_measured(t, result))


def _parts(pdf: FPDF, t: Translator, content: ReportContent) -> None:
    _heading(pdf, t._("Parts used"))
    if not content.parts:
        pdf.cell(0, 6, t._("No parts were used."), new_x="LMARGIN", new_y="NEXT")
        return
    with pdf.table(col_widths=(40, 112, 28), line_height=5.5) as table:
        header = table.row()
        for label in (t._("Part number"), t._("Part"), t._("Quantity")):
            header.cell(label)
        for item in content.parts:
            row = table.row()
            row.cell(str(item["number"]))
            row.cell(_name(item["names"], t.locale))
            row.cell(str(item["quantity"]))


def render(
    content: ReportContent, code: str, t: Translator, bot_username: str | None = None
) -> bytes:
    """The report as PDF bytes; the same content, code and language give the same bytes."""
    pdf = new_pdf(t._("Service report #{number}", number=content.ticket_id))
    pdf.add_page()
    company = content.company
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, company["name"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    contact = " · ".join(part for part in (company["address"], company["phone"]) if part)
    if contact:
        pdf.cell(0, 5, contact, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 13)
    kind = t._(KINDS.get(content.kind, N_("Repair")))
    title = t._("Service report #{number}", number=content.ticket_id)
    pdf.cell(0, 8, f"{title} — {kind}", new_x="LMARGIN", new_y="NEXT")
    verdict = t._("Accepted") if content.passed else t._("NOT accepted: required checks failed")
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, verdict, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)

    _heading(pdf, t._("Job"))
    _pairs(
        pdf,
        [
            (t._("Customer"), content.customer),
            (t._("Site"), content.site or "—"),
            (t._("Equipment"), content.model or "—"),
            (t._("Serial number"), content.serial or "—"),
            (t._("Warranty / contract"), _coverage(t, content)),
            (t._("Reported"), _when(t, content.reported_at)),
            (t._("Engineer arrived"), _when(t, content.arrived_at)),
            (t._("Resolved"), _when(t, content.resolved_at)),
            (t._("Engineer"), content.engineer or "—"),
        ],
    )
    _heading(pdf, t._("Work done"))
    pdf.multi_cell(0, 5, content.work_done or "—", new_x="LMARGIN", new_y="NEXT")
    _checks(pdf, t, content)
    _parts(pdf, t, content)

    _heading(pdf, t._("Customer's confirmation"))
    if pdf.will_page_break(45):
        pdf.add_page()
    top = pdf.get_y()
    _pairs(
        pdf,
        [
            (t._("Confirmed by"), content.confirmed_by),
            (t._("Telegram ID"), str(content.confirmed_tg_id)),
            (t._("Confirmed at"), _when(t, content.confirmed_at)),
            (t._("Verification code"), code),
        ],
        width=140,
    )
    pdf.ln(2)
    pdf.multi_cell(
        140,
        4.5,
        t._(
            "The code is a fingerprint of this report. To check a copy, a manager scans the QR "
            "code or sends /verify and the code to the bot."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    draw_qr(pdf, verify_link(code, bot_username), x=pdf.w - pdf.r_margin - 35, y=top, size=35)
    return finish(pdf)
