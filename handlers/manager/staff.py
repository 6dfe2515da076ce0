"""/staff: the engineers and managers, paged, each with a Deactivate button that asks to
confirm first. Deactivating hands their open jobs back to the board (the managers hear of
each, as of any job handed back) and makes them a client (:mod:`bot.services.staff`)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import staff
from handlers import notices
from handlers.keyboards import page_note, pager
from handlers.manager.buttons import ConfirmDeactivate, Deactivate, StaffPage
from handlers.manager.chat import MANAGERS, show
from storage.models import Person, Role, RoleSource

router = Router()
ROLE = {Role.ENGINEER: N_("engineer"), Role.MANAGER: N_("manager")}
SOURCE = {RoleSource.CONFIGURED: N_("in FIELDBOT_ADMINS"), RoleSource.INVITED: N_("invited")}


def staff_line(ctx: Context, person: Person) -> str:
    source = SOURCE.get(RoleSource(person.role_source)) if person.role_source else None
    how = f", {ctx._(source)}" if source else ""
    duty = " 🟢" if person.role is Role.ENGINEER and person.on_duty else ""
    return f"• {person.name or '—'} ({ctx._(ROLE[person.role])}{how}){duty}"


async def show_staff(ctx: Context, offset: int, in_place: bool = False) -> None:
    people, total = await staff.page(ctx.session, offset)
    lines = [ctx._("Engineers and managers:")]
    lines += [staff_line(ctx, person) for person in people]
    if note := page_note(ctx, offset, total, staff.PAGE_SIZE):
        lines.append(note)
    rows = [
        [
            Button(
                ctx._("Deactivate {name}", name=(person.name or "—")[:40]),
                Deactivate(person=person.id, offset=offset).pack(),
            )
        ]
        for person in people
        if person.tg_user_id not in ctx.settings.admins
    ]
    paging = pager(lambda at: StaffPage(offset=at), offset, total, staff.PAGE_SIZE)
    show(ctx, "\n".join(lines), inline(*rows, paging), in_place)


@router.command("staff", roles=MANAGERS, help=N_("engineers and managers; deactivate one"))
async def staff_command(ctx: Context) -> None:
    await show_staff(ctx, 0)


@router.callback(StaffPage, roles=MANAGERS)
async def staff_page(ctx: Context, button: StaffPage) -> None:
    await show_staff(ctx, button.offset, in_place=True)


@router.callback(Deactivate, roles=MANAGERS)
async def ask_to_deactivate(ctx: Context, button: Deactivate) -> None:
    person = await ctx.session.get(Person, button.person)
    if person is None or person.role not in staff.STAFF:
        await show_staff(ctx, button.offset, in_place=True)
        return
    text = ctx._(
        "Deactivate {name}? They will be treated as a customer: their open jobs go back to the "
        "board and their buttons stop working.",
        name=person.name or "—",
    )
    buttons = [
        Button(
            ctx._("Yes, deactivate"),
            ConfirmDeactivate(person=button.person, offset=button.offset).pack(),
        ),
        Button(ctx._("No, keep"), StaffPage(offset=button.offset).pack()),
    ]
    show(ctx, text, inline(buttons), in_place=True)


@router.callback(ConfirmDeactivate, roles=MANAGERS)
async def deactivate(ctx: Context, button: ConfirmDeactivate) -> None:
    done = await staff.deactivate(
        ctx.session,
        button.person,
        ctx.now(),
        ctx.settings,
        by=ctx.person,
        reason=ctx._("Deactivated by a manager."),
    )
    for moved in done.moved:
        await notices.job_moved(ctx, moved)
    ctx.answer(
        ctx.ngettext(
            "{name} was deactivated; {count} job went back to the board.",
            "{name} was deactivated; {count} jobs went back to the board.",
            len(done.moved),
            name=done.person.name or "—",
            count=len(done.moved),
        ),
        alert=True,
    )
    await show_staff(ctx, button.offset, in_place=True)
