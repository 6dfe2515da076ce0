"""/audit: the audit trail for managers, newest first, paged. One line an entry: when, who
did it, what, about whom, and the details (ids, counts, periods, file names)."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import inline
from bot.core.router import Router
from bot.services import audit
from handlers.keyboards import page_note, pager
from handlers.manager.buttons import AuditPage
from handlers.manager.chat import MANAGERS, show
from storage.models import AuditEntry, Person

router = Router()


def detail_text(entry: AuditEntry) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted(entry.details.items()))


async def names(ctx: Context, entries: list[AuditEntry]) -> dict[int, str]:
    ids = {i for entry in entries for i in (entry.actor_id, entry.person_id) if i is not None}
    if not ids:
        return {}
    people = await ctx.session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
    return {person_id: name or f"#{person_id}" for person_id, name in people.all()}


def entry_line(ctx: Context, entry: AuditEntry, named: dict[int, str]) -> str:
    who = named.get(entry.actor_id or 0) or entry.actor or "—"
    about = f" → {named.get(entry.person_id, '')}" if entry.person_id else ""
    details = detail_text(entry)
    return f"{ctx.t.datetime(entry.at)} · {who}: {entry.action}{about}" + (
        f" ({details})" if details else ""
    )


async def show_audit(ctx: Context, offset: int, in_place: bool = False) -> None:
    entries = await audit.page(ctx.session, offset)
    total = await audit.count(ctx.session)
    if not entries:
        show(ctx, ctx._("The audit log is empty."), None, in_place)
        return
    named = await names(ctx, entries)
    lines = [ctx._("Audit log, newest first:")]
    lines += [entry_line(ctx, entry, named) for entry in entries]
    if note := page_note(ctx, offset, total, audit.PAGE_SIZE):
        lines.append(note)
    paging = pager(lambda at: AuditPage(offset=at), offset, total, audit.PAGE_SIZE)
    show(ctx, "\n".join(lines), inline(paging), in_place)


@router.command("audit", roles=MANAGERS, help=N_("who changed roles, links and data"))
async def audit_command(ctx: Context) -> None:
    await show_audit(ctx, 0)


@router.callback(AuditPage, roles=MANAGERS)
async def audit_page(ctx: Context, button: AuditPage) -> None:
    await show_audit(ctx, button.offset, in_place=True)
