"""The service report (acceptance protocol) of a confirmed job: its content, frozen when the
customer signs the work off, and the verification code that proves a paper copy is ours.

The content is plain data (no words of any language): :mod:`bot.papers.report_pdf` renders it
in the reader's language. The code is a hash of that content, so a copy whose figures were
changed does not verify, and the PDF is kept with it, so every later copy is the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import N_
from bot.services import checklists, equipment, parts, tickets
from bot.services.errors import Forbidden, NotFound
from storage.models import (
    CheckType,
    Customer,
    Person,
    Role,
    ServiceReport,
    TestResult,
    Ticket,
    TicketEvent,
    TicketStatus,
    TimelineKind,
)

CODE_LENGTH = 12  # base32 characters: 60 bits, shown as XXXX-XXXX-XXXX


@dataclass(frozen=True)
class Measurement:
    """One result of one check; ``latest`` is the one that counts (earlier ones are retests)."""

    value: str  # as the engineer typed it
    number: float | None  # the number read from it, for a number check
    passed: bool
    at: str
    latest: bool
    skipped: bool = False  # an optional check skipped on purpose: no value


@dataclass(frozen=True)
class CheckLine:
    names: dict[str, str]
    unit: str
    min_value: float | None
    max_value: float | None
    required: bool
    verdict: str  # passed, failed, missing or skipped (checklists.Verdict)
    results: list[Measurement]
    yesno: bool = False  # a yes/no check reads as its phrase per outcome, not "yes"/"no"
    pass_names: dict[str, str] = field(default_factory=dict)
    fail_names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportContent:
    """Everything a service report says, as plain values; ISO times in UTC."""

    company: dict[str, str]
    ticket_id: int
    kind: str
    customer: str
    site: str
    model: str
    serial: str
    warranty_until: str | None
    under_warranty: bool
    contract: str | None
    contract_until: str | None
    under_contract: bool
    reported_at: str
    arrived_at: str | None
    resolved_at: str | None
    engineer: str
    work_done: str
    checks: list[CheckLine]
    parts: list[dict[str, Any]]
    confirmed_by: str
    confirmed_tg_id: int
    confirmed_at: str
    passed: bool  # no required check failed or missing: the protocol may say "accepted"
    extra: dict[str, Any] = field(default_factory=dict)

    def canonical(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False).encode()


def code_of(content: ReportContent) -> str:
    """The verification code: the content's SHA-256, base32, cut and grouped for reading."""
    digest = base64.b32encode(hashlib.sha256(content.canonical()).digest()).decode()
    short = digest[:CODE_LENGTH]
    return "-".join(short[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str:
    """A code as typed or scanned: case, spaces and dashes do not matter; ``0``/``1`` read as
    the base32 letters ``O``/``I`` they look like."""
    letters = "".join(ch for ch in text.upper() if ch.isalnum()).translate(
        str.maketrans("01", "OI")
    )
    if len(letters) != CODE_LENGTH:
        return ""
    return "-".join(letters[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


async def _arrived_at(session: AsyncSession, ticket_id: int) -> datetime | None:
    return await session.scalar(
        select(TicketEvent.at)
        .where(
            TicketEvent.ticket_id == ticket_id,
            TicketEvent.kind == TimelineKind.STATUS,
            TicketEvent.status == TicketStatus.ON_SITE,
        )
        .order_by(TicketEvent.at, TicketEvent.id)
        .limit(1)
    )


def _texts(values: dict[str, Any] | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in (values or {}).items()}


async def _checks(session: AsyncSession, ticket: Ticket) -> list[CheckLine]:
    outcomes = await checklists.outcomes(session, ticket)
    rows = await session.scalars(
        select(TestResult)
        .where(TestResult.ticket_id == ticket.id)
        .order_by(TestResult.measured_at, TestResult.id)
    )
    by_check: dict[int, list[TestResult]] = {}
    for result in rows:
        by_check.setdefault(result.check_id, []).append(result)
    lines = []
    for outcome in outcomes:
        check = outcome.check
        history = by_check.get(check.id, [])
        lines.append(
            CheckLine(
                names=_texts(check.names),
                unit=check.unit or "",
                min_value=check.min_value,
                max_value=check.max_value,
                required=check.required,
                verdict=outcome.verdict.value,
                results=[
                    Measurement(
                        value=result.value_text,
                        number=result.value_number,
                        passed=result.passed,
                        at=result.measured_at.isoformat(),
                        latest=index == len(history) - 1,
                        skipped=result.skipped,
                    )
                    for index, result in enumerate(history)
                ],
                yesno=check.type is CheckType.YESNO,
                pass_names=_texts(check.pass_names),
                fail_names=_texts(check.fail_names),
            )
        )
    return lines


async def content_of(
    session: AsyncSession, ticket: Ticket, client: Person, now: datetime, settings: Settings
) -> ReportContent:
    """The report of ``ticket`` as ``client`` signs it off at ``now``."""
    customer = await session.get(Customer, ticket.customer_id)
    item = ticket.equipment
    cover = equipment.coverage(item, now.date()) if item is not None else None
    site = ticket.where
    engineer = ticket.engineer
    checks = await _checks(session, ticket)
    used = await parts.used_on(session, ticket.id)
    note = await session.scalar(
        select(TicketEvent.note)
        .where(
            TicketEvent.ticket_id == ticket.id,
            TicketEvent.kind == TimelineKind.STATUS,
            TicketEvent.status == TicketStatus.RESOLVED,
        )
        .order_by(TicketEvent.at.desc(), TicketEvent.id.desc())
        .limit(1)
    )
    failed = [line for line in checks if line.required and line.verdict != "passed"]
    return ReportContent(
        company={
            "name": settings.company_name,
            "address": settings.company_address,
            "phone": settings.company_phone,
        },
        ticket_id=ticket.id,
        kind=ticket.kind.value,
        customer=customer.name if customer is not None else "",
        site=", ".join(part for part in (site.name, site.address) if part) if site else "",
        model=item.model.name if item is not None else (ticket.equipment_text or ""),
        serial=item.serial if item is not None else "",
        warranty_until=_iso(cover.warranty_until) if cover else None,
        under_warranty=bool(cover and cover.under_warranty),
        contract=cover.contract_number if cover else None,
        contract_until=_iso(cover.contract_until) if cover else None,
        under_contract=bool(cover and cover.under_contract),
        reported_at=ticket.created_at.isoformat(),
        arrived_at=_iso(await _arrived_at(session, ticket.id)),
        resolved_at=_iso(ticket.resolved_at),
        engineer=engineer.name if engineer is not None else "",
        work_done=note or "",
        checks=checks,
        parts=[
            {"number": part.number, "names": _part_names(part), "quantity": quantity}
            for part, quantity in used
        ],
        confirmed_by=client.name,
        confirmed_tg_id=client.tg_user_id,
        confirmed_at=now.isoformat(),
        passed=not failed,
    )


def _part_names(part: Any) -> dict[str, str]:
    return {
        locale: parts.part_name(part, locale)
        for locale in ("en", "ru", "bg")
        if parts.part_name(part, locale)
    }


async def issue(
    session: AsyncSession,
    ticket: Ticket,
    client: Person,
    now: datetime,
    settings: Settings,
    render: Any,
) -> ServiceReport:
    """Freeze the report of a job its customer just confirmed: content, code and the PDF
    ``render(content, code)`` makes in the client's language. Once per ticket."""
    known = await for_ticket(session, ticket.id)
    if known is not None:
        return known
    content = await content_of(session, ticket, client, now, settings)
    code = code_of(content)
    report = ServiceReport(
        ticket_id=ticket.id,
        code=code,
        locale=client.locale,
        passed=content.passed,
        confirmed_by=client.id,
        created_at=now,
        pdf=render(content, code),
    )
    session.add(report)
    await session.flush()
    return report


async def reissue_naming(
    session: AsyncSession,
    person: Person,
    settings: Settings,
    render: Callable[[ReportContent, str, str], bytes],
) -> int:
    """Re-render the stored reports that name ``person`` (they confirmed it or did the job)
    after their personal data was erased; ``render(content, code, locale)``. Each keeps its
    code, the one printed on the customer's paper copy, so ``/verify`` still finds it."""
    reports = list(
        await session.scalars(
            select(ServiceReport)
            .join(Ticket, Ticket.id == ServiceReport.ticket_id)
            .where((ServiceReport.confirmed_by == person.id) | (Ticket.engineer_id == person.id))
        )
    )
    for report in reports:
        ticket = await tickets.card(session, report.ticket_id)
        client = await session.get(Person, report.confirmed_by) if report.confirmed_by else None
        if ticket is None or client is None:
            continue
        content = await content_of(session, ticket, client, report.created_at, settings)
        report.pdf = render(content, report.code, report.locale)
    return len(reports)


async def for_ticket(session: AsyncSession, ticket_id: int) -> ServiceReport | None:
    return await session.scalar(select(ServiceReport).where(ServiceReport.ticket_id == ticket_id))


async def verify(session: AsyncSession, text: str) -> ServiceReport | None:
    """The report a code (as typed or scanned) belongs to; None: not one of ours."""
    code = normalise_code(text)
    if not code:
        return None
    return await session.scalar(select(ServiceReport).where(ServiceReport.code == code))


async def visible(session: AsyncSession, ticket_id: int, person: Person) -> ServiceReport:
    """The report for a manager, the job's engineer, or a contact of its customer."""
    report = await for_ticket(session, ticket_id)
    ticket = await session.get(Ticket, ticket_id)
    if report is None or ticket is None:
        raise NotFound(N_("This job has no service report yet."))
    allowed = (
        person.role is Role.MANAGER
        or (person.role is Role.ENGINEER and ticket.engineer_id == person.id)
        or (person.role is Role.CLIENT and person.customer_id == ticket.customer_id)
    )
    if not allowed:
        raise Forbidden(N_("This job has no service report yet."))
    return report


def file_name(report: ServiceReport) -> str:
    return f"service-report-{report.ticket_id}.pdf"


async def for_tickets(session: AsyncSession, ticket_ids: Sequence[int]) -> list[ServiceReport]:
    rows = await session.scalars(
        select(ServiceReport)
        .where(ServiceReport.ticket_id.in_(list(ticket_ids)))
        .order_by(ServiceReport.ticket_id)
    )
    return list(rows)


def archive(reports: Sequence[ServiceReport]) -> bytes:
    """The reports' PDFs as one ZIP, each under its own file name."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for report in reports:
            entry = zipfile.ZipInfo(file_name(report), date_time=report.created_at.timetuple()[:6])
            archive.writestr(entry, report.pdf, zipfile.ZIP_DEFLATED)
    return out.getvalue()
