"""Translatable labels for the domain's enums and the lines every role sees about a ticket.

The msgids are marked with ``N_`` for extraction and translated when shown, in the reader's
language.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from babel.dates import format_skeleton, format_time
from sqlalchemy import inspect

from bot.core.context import Context
from bot.core.events import Attachment
from bot.core.i18n import N_, NP_, Translator, with_unit
from bot.services import checklists
from bot.services.cancelling import Reason
from bot.services.equipment import Coverage, coverage
from bot.services.tickets import ticket_ref
from storage.models import (
    AttachmentKind,
    Equipment,
    MaintenancePlan,
    Priority,
    Site,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketStatus,
    TimelineKind,
)

STATUS = {
    TicketStatus.NEW: N_("Registered, waiting for an engineer"),
    TicketStatus.ASSIGNED: N_("Engineer assigned"),
    TicketStatus.EN_ROUTE: N_("Engineer on the way"),
    TicketStatus.ON_SITE: N_("Engineer on site"),
    TicketStatus.WAITING_PARTS: N_("Waiting for spare parts"),
    TicketStatus.WAITING_CUSTOMER: N_("Waiting for the customer's reply"),
    TicketStatus.RESOLVED: N_("Resolved, waiting for the customer's confirmation"),
    TicketStatus.CLOSED: N_("Closed"),
    TicketStatus.CANCELLED: N_("Cancelled"),
}
# What a customer reads for a status that speaks of them.
CUSTOMER_STATUS = {
    TicketStatus.WAITING_CUSTOMER: N_("Waiting for your reply"),
    TicketStatus.RESOLVED: N_("Resolved, waiting for your confirmation"),
}


def status_label(t: Translator, status: TicketStatus, staff: bool = True) -> str:
    return t._(STATUS[status] if staff else CUSTOMER_STATUS.get(status, STATUS[status]))


PRIORITY = {
    Priority.NORMAL: N_("Normal"),
    Priority.URGENT: N_("Urgent"),
    Priority.PRODUCTION_STOPPED: N_("Production stopped"),
}
# The timeline's line for a file added to a ticket, by the file's kind.
ATTACHMENT_ADDED = {
    AttachmentKind.PHOTO: N_("Photo added"),
    AttachmentKind.DOCUMENT: N_("Document added"),
    AttachmentKind.VOICE: N_("Voice note added"),
    AttachmentKind.VIDEO: N_("Video added"),
}
KIND = {
    TicketKind.BREAKDOWN: N_("Breakdown"),
    TicketKind.INSTALLATION: N_("Installation"),
    TicketKind.MAINTENANCE: N_("Maintenance"),
    TicketKind.UPGRADE: N_("Upgrade"),
}

# The kind and priority as they stand inside a heading ("#42 · breakdown · urgent"): lower
# case, and in Russian and Bulgarian agreeing with the word they describe (the ticket).
HEADING_KIND = {
    TicketKind.BREAKDOWN: NP_("heading", "breakdown"),
    TicketKind.INSTALLATION: NP_("heading", "installation"),
    TicketKind.MAINTENANCE: NP_("heading", "maintenance"),
    TicketKind.UPGRADE: NP_("heading", "upgrade"),
}
HEADING_PRIORITY = {
    Priority.NORMAL: NP_("heading", "normal"),
    Priority.URGENT: NP_("heading", "urgent"),
    Priority.PRODUCTION_STOPPED: NP_("heading", "production stopped"),
}
# How urgent work is marked wherever it is listed, for engineers as for managers.
URGENCY_MARK = {Priority.PRODUCTION_STOPPED: "🔴 ", Priority.URGENT: "🟠 ", Priority.NORMAL: ""}


def heading(t: Translator, ref: str, kind: TicketKind, priority: Priority) -> str:
    """``#42 · breakdown · urgent``: a ticket's number, kind and priority in one line."""
    return t._(
        "{ref} · {kind} · {priority}",
        ref=ref,
        kind=t.pgettext(*HEADING_KIND[kind]),
        priority=t.pgettext(*HEADING_PRIORITY[priority]),
    )


CANCEL_REASON = {
    Reason.FIXED: N_("It works again"),
    Reason.DUPLICATE: N_("Reported twice"),
    Reason.MISTAKE: N_("Reported by mistake"),
    Reason.OTHER: N_("Other reason"),
}


def cancel_reason(t: Translator, reason: str | None, note: str | None) -> str:
    """Why a ticket was cancelled, in the reader's language: the typed words, else the
    label of the reason picked (``reason`` as stored in the timeline's data)."""
    if note:
        return note
    try:
        return t._(CANCEL_REASON[Reason(reason or Reason.OTHER)])
    except ValueError:
        return t._(CANCEL_REASON[Reason.OTHER])


def site_label(site: Site | None) -> str | None:
    """A site as people find it: its name and address."""
    if site is None:
        return None
    return f"{site.name}, {site.address}" if site.address else site.name


def description_line(t: Translator, kind: TicketKind, description: str) -> str:
    """What the customer wrote: the problem of a breakdown, a comment on planned work."""
    if kind is TicketKind.BREAKDOWN:
        return t._("Problem: {description}", description=description)
    return t._("Comment: {comment}", comment=description)


def request_lines(
    t: Translator, site: str | None, order_ref: str | None, preferred_date: str | None
) -> list[str]:
    """What a request says of where and when (each line only when known)."""
    lines = []
    if site:
        lines.append(t._("Site: {site}", site=site))
    if order_ref:
        lines.append(t._("Order: {order}", order=order_ref))
    if preferred_date:
        lines.append(t._("Preferred dates: {dates}", dates=preferred_date))
    return lines


def ticket_request_lines(t: Translator, ticket: Ticket) -> list[str]:
    """:func:`request_lines` of a ticket (its site, or its equipment's)."""
    return request_lines(t, site_label(ticket.where), ticket.order_ref, ticket.preferred_date)


def equipment_label(item: Equipment) -> str:
    site = f" ({item.site.name})" if item.site else ""
    return f"{item.model.name} · {item.serial}{site}"


def ticket_model(ctx: Context, ticket: Ticket) -> str:
    """The short form for lists: the model, or what the customer typed."""
    if ticket.equipment is not None:
        return ticket.equipment.model.name
    return ticket.equipment_text or ctx._("equipment not specified")


def ticket_equipment(ctx: Context, ticket: Ticket) -> str:
    if ticket.equipment is not None:
        return equipment_label(ticket.equipment)
    return ticket.equipment_text or ctx._("equipment not specified")


def coverage_lines(ctx: Context, item: Equipment, today: date) -> list[str]:
    """Warranty and contract status, as far as we know them."""
    return coverage_words(ctx.t, coverage(item, today))


def coverage_line(
    t: Translator, item: Equipment | Coverage, today: date | None = None
) -> str | None:
    """Warranty and contract status on one line (summaries, alerts), of ``item`` on ``today``
    (or as already worked out); None when nothing is known of either."""
    if isinstance(item, Coverage):
        cover = item
    else:
        assert today is not None, "the coverage of equipment depends on the day"
        cover = coverage(item, today)
    return " · ".join(coverage_words(t, cover)) or None


def coverage_words(t: Translator, cover: Coverage) -> list[str]:
    lines = []
    if cover.warranty_until is not None:
        when = t.date(cover.warranty_until)
        lines.append(
            t._("Warranty: valid until {date}", date=when)
            if cover.under_warranty
            else t._("Warranty: expired on {date}", date=when)
        )
    if cover.contract_number is not None:
        until = t.date(cover.contract_until) if cover.contract_until else None
        if not cover.under_contract and until:
            lines.append(
                t._(
                    "Service contract {number}: expired on {date}",
                    number=cover.contract_number,
                    date=until,
                )
            )
        elif until:
            lines.append(
                t._(
                    "Service contract {number} ({tier}): valid until {date}",
                    number=cover.contract_number,
                    tier=cover.contract_tier,
                    date=until,
                )
            )
        else:
            lines.append(
                t._(
                    "Service contract {number} ({tier})",
                    number=cover.contract_number,
                    tier=cover.contract_tier,
                )
            )
    return lines


def ticket_line(ctx: Context, ticket: Ticket) -> str:
    """One line per ticket in the customer's list: number, equipment, status, age."""
    age = ctx.t.age(ctx.now() - ticket.created_at)
    return ctx._(
        "{ref} · {equipment} · {status} · {age}",
        ref=ticket_ref(ticket),
        equipment=ticket_equipment(ctx, ticket),
        status=status_label(ctx.t, ticket.status, staff=False),
        age=age,
    )


def ticket_heading(ctx: Context, ticket: Ticket) -> str:
    """``🟠 #42 · breakdown · urgent``: the first line of every ticket card."""
    mark = URGENCY_MARK[ticket.priority]
    return mark + heading(ctx.t, ticket_ref(ticket), ticket.kind, ticket.priority)


def timeline_line(ctx: Context, event: TicketEvent, actor: str = "", staff: bool = False) -> str:
    """One line of a ticket's timeline. Only ``staff`` see notes meant for the service team
    (why a job was handed back, engineers' notes, part numbers) and who did what."""
    what = _timeline_what(ctx, event, staff)
    when = ctx.t.datetime(event.at)
    return f"{when} — {what} ({actor})" if actor and staff else f"{when} — {what}"


def _timeline_what(ctx: Context, event: TicketEvent, staff: bool) -> str:
    kind = event.kind
    if kind is TimelineKind.CREATED:
        return ctx._("Registered")
    if kind is TimelineKind.ASSIGNED:
        return ctx._("Assigned")
    if kind is TimelineKind.HANDED_BACK:
        if staff:
            return ctx._("Handed back: {reason}", reason=event.note or "")
        return ctx._(STATUS[TicketStatus.NEW])
    if kind is TimelineKind.REOPENED:
        return ctx._("Reopened: {reason}", reason=event.note or "")
    if kind is TimelineKind.FEEDBACK and event.note:
        return ctx._("Comment: {comment}", comment=event.note)
    if kind is TimelineKind.FEEDBACK:
        return ctx._("Rated {stars}", stars="⭐" * int(event.data.get("rating") or 0))
    if kind is TimelineKind.STATUS and event.status is TicketStatus.CANCELLED:
        reason = cancel_reason(ctx.t, event.data.get("reason"), event.note)
        return ctx._("Cancelled: {reason}", reason=reason)
    if kind is TimelineKind.STATUS and event.status is not None:
        return status_label(ctx.t, event.status, staff)
    if kind is TimelineKind.ATTACHMENT:
        return ctx._(ATTACHMENT_ADDED[attachment_kind(event)])
    if kind is TimelineKind.MESSAGE:
        return _message(ctx, event, staff)
    if kind is TimelineKind.TEST:
        return _test(ctx, event.data or {})
    if kind is TimelineKind.PARTS:
        if staff:
            return ctx._("Parts requested: {parts}", parts=event.note or "")
        return ctx._("Spare parts requested")
    if kind in PART_MOVES:
        return _part_moved(ctx, event, staff)
    visit = _visit(ctx, event.data or {})
    if visit:
        return visit
    return ctx._("Note: {note}", note=event.note or "")


def _test(ctx: Context, data: dict[str, Any]) -> str:
    """A check's outcome as the engineer logged it, in the reader's language: ``Test: ✅ No
    refrigerant leak`` (a yes/no check as its phrase), ``Test: ❌ Boiler pressure: 2 bar``,
    ``Test skipped: Notes``. Lines logged before the names were kept read in English."""
    names = data.get("names") or ({"en": data["name"]} if data.get("name") else {})
    if not names:
        return ctx._("Acceptance test logged")
    name = checklists.outcome_phrase(names, {}, ctx.t.locale)
    if data.get("skipped"):
        return ctx._("Test skipped: {check}", check=name)
    mark = "✅" if data.get("passed") else "❌"
    if "phrases" in data:
        phrase = checklists.outcome_phrase(names, data["phrases"], ctx.t.locale)
        outcome = f"{mark} {phrase}"
    else:
        value = str(data.get("value") or "")
        if data.get("number") is not None:
            value = ctx.t.number(data["number"])
        value = with_unit(value, data.get("unit"))
        outcome = ctx._("{mark} {check}: {value}", mark=mark, check=name, value=value)
    return ctx._("Test: {outcome}", outcome=outcome)


# What staff read of a part that moved on (its number, name and quantity, and where from or to),
# and what the customer reads (nothing of a part given back unused).
PART_MOVES = {
    TimelineKind.PART_ISSUED: (
        N_("Part issued from {warehouse}: {parts}"),
        N_("Spare parts issued to the engineer"),
    ),
    TimelineKind.PART_USED: (N_("Part used: {parts}"), N_("Spare parts used")),
    TimelineKind.PART_RETURNED: (N_("Part returned to {warehouse}: {parts}"), None),
}


def _part_moved(ctx: Context, event: TicketEvent, staff: bool) -> str:
    for_staff, for_customer = PART_MOVES[event.kind]
    if staff or for_customer is None:
        warehouse = str((event.data or {}).get("warehouse") or "")
        return ctx._(for_staff, warehouse=warehouse, parts=event.note or "")
    return ctx._(for_customer)


def customer_sees(event: TicketEvent) -> bool:
    """Whether a timeline line is the customer's to read: not the engineers' notes (neither
    their words nor that one was written), except the visit's, which both sides made, nor a
    part given back unused."""
    if event.kind is TimelineKind.NOTE:
        return visit_note(event)
    return event.kind not in PART_MOVES or PART_MOVES[event.kind][1] is not None


def visit_time(t: Translator, at: datetime) -> str:
    """A visit's time with its weekday, in the company's zone: ``Fri, Dec 4, 9:00 AM``."""
    day = format_skeleton("MMMEd", at, tzinfo=t.tz, locale=t.locale)
    return f"{day}, {format_time(at, 'short', tzinfo=t.tz, locale=t.locale)}"


VISIT_NOTES = ("visit_offered", "visit_agreed", "visit_declined")


def visit_note(event: TicketEvent) -> bool:
    """A timeline note about the visit (which the customer sees, unlike the engineers')."""
    return any(key in (event.data or {}) for key in VISIT_NOTES)


def _visit(ctx: Context, data: dict[str, Any]) -> str:
    """A timeline line about the visit (bot/services/visits.py), or "" for another note."""
    if data.get("visit_offered"):
        times = [visit_time(ctx.t, datetime.fromisoformat(at)) for at in data["visit_offered"]]
        return ctx._("📅 Visit times offered: {times}", times="; ".join(times))
    if data.get("visit_agreed"):
        at = datetime.fromisoformat(data["visit_agreed"])
        return ctx._("📅 Visit agreed: {time}", time=visit_time(ctx.t, at))
    if "visit_declined" in data:
        return ctx._("🔁 The customer asked for another visit time")
    return ""


def visit_line(t: Translator, ticket: Ticket) -> str | None:
    """``📅 Visit: Fri, Dec 4, 9:00 AM`` for an open ticket with an agreed visit."""
    if ticket.visit_at is None or not ticket.is_open:
        return None
    return t._("📅 Visit: {time}", time=visit_time(t, ticket.visit_at))


def ticket_description(t: Translator, ticket: Ticket) -> str:
    """What the job is about: the customer's words, or for a planned maintenance job the
    contract and interval it was planned under, in the reader's language."""
    plan = maintenance_plan(ticket)
    if plan is None or ticket.description:
        return ticket.description
    return maintenance_words(t, plan, due_day(ticket.resolution_due, plan, t.tz))


def about_line(t: Translator, ticket: Ticket) -> str | None:
    """The ticket's description line (:func:`description_line`), or for a planned maintenance
    job what it was planned under; None when there is neither."""
    if ticket.description:
        return description_line(t, ticket.kind, ticket.description)
    plan = maintenance_plan(ticket)
    if plan is None:
        return None
    return maintenance_words(t, plan, due_day(ticket.resolution_due, plan, t.tz))


def maintenance_plan(ticket: Ticket) -> MaintenancePlan | None:
    """The plan of a maintenance job as loaded with it (never loaded here: no I/O)."""
    if ticket.kind is not TicketKind.MAINTENANCE or "plan" in inspect(ticket).unloaded:
        return None
    return ticket.plan


def due_day(deadline: datetime | None, plan: MaintenancePlan, tz: tzinfo) -> date:
    """The working day a maintenance job is due: the day its ``deadline`` (the end of that
    day) closes."""
    if deadline is None:
        return plan.due_on
    return (deadline.astimezone(tz) - timedelta(seconds=1)).date()


def maintenance_words(t: Translator, plan: MaintenancePlan, due: date) -> str:
    """``Preventive maintenance under contract C-100, every 180 days, due Dec 1, 2026``."""
    contract, interval = plan.contract_number or "", plan.interval_days
    if interval:
        return t.ngettext(
            "Preventive maintenance under contract {contract}, every {n} day, due {date}",
            "Preventive maintenance under contract {contract}, every {n} days, due {date}",
            interval,
            contract=contract,
            date=t.date(due),
        )
    return t._(
        "Preventive maintenance under contract {contract}, due {date}",
        contract=contract,
        date=t.date(due),
    )


def attachment_kind(event: TicketEvent) -> AttachmentKind:
    """The kind of file an ATTACHMENT line is about (a photo in lines written before files of
    other kinds were kept)."""
    value = str((event.data or {}).get("kind") or "")
    known = {kind.value: kind for kind in AttachmentKind}
    return known.get(value, AttachmentKind.PHOTO)


def _message(ctx: Context, event: TicketEvent, staff: bool) -> str:
    """A message through the ticket: the customer's, or one from the service team to them
    (both sides saw it, so neither is an internal note)."""
    data, text = event.data or {}, event.note or ""
    if data.get("from") == "customer":
        if staff:
            return ctx._("💬 Customer: {text}", text=text)
        return ctx._("💬 Your message: {text}", text=text)
    if data.get("question"):
        if staff:
            return ctx._("❓ Question to the customer: {text}", text=text)
        return ctx._("❓ Question from the service team: {text}", text=text)
    if staff:
        return ctx._("💬 To the customer: {text}", text=text)
    return ctx._("💬 Service team: {text}", text=text)


def files_text(ctx: Context, files: list[Attachment]) -> str:
    """``2 photos, 1 voice note``: the files by kind."""
    counts = Counter(item.kind for item in files)
    n = counts[AttachmentKind.PHOTO], counts[AttachmentKind.VIDEO]
    parts = [
        ctx.ngettext("{n} photo", "{n} photos", n[0]) if n[0] else "",
        ctx.ngettext("{n} video", "{n} videos", n[1]) if n[1] else "",
    ]
    documents, voice = counts[AttachmentKind.DOCUMENT], counts[AttachmentKind.VOICE]
    if documents:
        parts.append(ctx.ngettext("{n} document", "{n} documents", documents))
    if voice:
        parts.append(ctx.ngettext("{n} voice note", "{n} voice notes", voice))
    return ", ".join(part for part in parts if part)


def files_line(ctx: Context, files: list[Attachment]) -> str | None:
    """``Attached: 1 photo, 1 voice note`` on a card; None without files."""
    return ctx._("Attached: {files}", files=files_text(ctx, files)) if files else None
