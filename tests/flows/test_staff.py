"""Issue 14, roles over time: FIELDBOT_ADMINS is the source of truth for configured managers
(checked at start), /staff deactivates an engineer or manager after a confirmation (their jobs
back on the board, the managers told, their old buttons refused), the last manager stays, and
every change is in the audit log (/audit)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App, create_app
from bot.core.clock import FrozenClock
from bot.runner import sync_staff
from storage.models import (
    AuditEntry,
    Person,
    Role,
    RoleSource,
    TicketEvent,
    TicketStatus,
    TimelineKind,
)
from tests.support.chat import FlowChat
from tests.support.jobs import assigned_job, load_ticket, make_job
from tests.support.outbox import alerts, outbox
from tests.support.people import (
    ENGINEER_ID,
    MANAGER_ID,
    MANAGERS,
    OTHER_MANAGER_ID,
    make_invite,
    person,
)

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)


async def audit_actions(app: App) -> list[tuple[str, dict[str, object]]]:
    async with app.db.transaction() as session:
        entries = await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(entry.action, entry.details) for entry in entries]


async def test_removed_from_admins_is_no_manager_after_restart(
    seeded: App, clock: FrozenClock
) -> None:
    boris = FlowChat(seeded, OTHER_MANAGER_ID, "Boris")
    await boris.say("/open")
    assert "open requests" in boris.joined() or "No open requests" in boris.joined()
    invited = FlowChat(seeded, 4321, "Vera")
    invite = await make_invite(seeded, Role.MANAGER)
    await invited.say(f"/start inv_{invite.code}")
    assert (await person(seeded, 4321)).role_source == RoleSource.INVITED

    settings = seeded.settings.model_copy(update={"admins": frozenset({MANAGER_ID})})
    restarted = create_app(settings, clock)
    try:
        await sync_staff(restarted)  # what `fieldbot run` does at start
        demoted = await person(restarted, OTHER_MANAGER_ID)
        assert demoted.role is Role.CLIENT and demoted.role_source is None
        assert (await person(restarted, 4321)).role is Role.MANAGER  # invited: stays
        boris = FlowChat(restarted, OTHER_MANAGER_ID, "Boris")
        for command in ("/open", "/stats", "/staff", "/audit", "/invite", "/export"):
            await boris.say(command)
            assert "not available to you" in boris.joined(), command
        await boris.press_data("mg:o")  # an old /open page button
        assert boris.answer().text == "This action is not available to you."
    finally:
        await restarted.close()
    roles = [d for action, d in await audit_actions(seeded) if action == "role"]
    assert {"before": "manager", "after": "client", "how": "unlisted"} in roles
    assert {"before": "client", "after": "manager", "how": "invited"} in roles


async def test_deactivate_an_engineer_holding_two_jobs(
    seeded: App, engineer: FlowChat, manager: FlowChat
) -> None:
    first = await assigned_job(seeded, status=TicketStatus.ASSIGNED)
    second = await assigned_job(seeded, serial="LM-PB-2231", status=TicketStatus.ON_SITE)
    board = await make_job(seeded)  # a new job on the board they could accept
    await engineer.say("/myjobs")
    assert f"#{first}" in engineer.joined()
    petar = await person(seeded, ENGINEER_ID)

    await manager.say("/staff")
    assert "Petar (engineer" in manager.joined()
    await manager.press("Deactivate Petar")
    assert manager.joined().startswith("Deactivate Petar?")
    assert (await person(seeded, ENGINEER_ID)).role is Role.ENGINEER  # not before confirming
    await manager.press("Yes, deactivate")
    assert "Petar was deactivated; 2 jobs went back to the board." in manager.answer().text

    assert (await person(seeded, ENGINEER_ID)).role is Role.CLIENT
    for job in (first, second):
        ticket = await load_ticket(seeded, job)
        assert ticket.status is TicketStatus.NEW and ticket.engineer_id is None
    handed = [a for a in await alerts(seeded) if "back" in a.text.lower()]
    assert handed, "the managers are told the jobs are back on the board"

    # Their pending buttons, pressed now, are refused and change nothing.
    for data in (f"jb:acc:{board}", f"rs:{second}", f"mj:go:{first}", "jb:pg:0"):
        await engineer.press_data(data)
        assert engineer.answer().text == "This action is not available to you.", data
    assert (await load_ticket(seeded, board)).engineer_id is None
    await engineer.say("/myjobs")
    assert "not available to you" in engineer.joined()

    actions = await audit_actions(seeded)
    assert ("deactivated", {"role": "engineer", "jobs": [first, second]}) in actions
    await manager.say("/audit")
    assert "deactivated" in manager.joined() and "Olga" in manager.joined()
    assert petar.id  # the person stays, as a client


async def test_the_last_manager_and_configured_managers_stay(seeded: App) -> None:
    settings = seeded.settings
    settings.admins = frozenset({MANAGER_ID})
    olga = FlowChat(seeded, MANAGER_ID, "Olga")
    await olga.say("/staff")
    assert "Deactivate" not in " ".join(olga.button_texts())  # configured: no button
    olga_id = (await person(seeded, MANAGER_ID)).id
    await olga.press_data(f"mf:off:ok:{olga_id}:0")  # forged
    assert "FIELDBOT_ADMINS lists them" in olga.answer().text
    assert (await person(seeded, MANAGER_ID)).role is Role.MANAGER

    # An invited manager alone in charge (nobody configured) cannot be deactivated either.
    settings.admins = frozenset()
    vera = FlowChat(seeded, 4321, "Vera")
    invite = await make_invite(seeded, Role.MANAGER)
    await vera.say(f"/start inv_{invite.code}")
    olga_now = FlowChat(seeded, MANAGER_ID, "Olga")
    await olga_now.say("/help")  # no longer listed: a client now
    assert (await person(seeded, MANAGER_ID)).role is Role.CLIENT
    vera_id = (await person(seeded, 4321)).id
    await vera.press_data(f"mf:off:ok:{vera_id}:0")
    assert "the last manager" in vera.answer().text
    assert (await person(seeded, 4321)).role is Role.MANAGER


async def test_staff_pages_and_managers_are_told(seeded: App, manager: FlowChat) -> None:
    for number in range(10):
        async with seeded.db.transaction() as session:
            session.add(
                Person(
                    tg_user_id=8000 + number,
                    chat_id=8000 + number,
                    role=Role.ENGINEER,
                    role_source=RoleSource.INVITED.value,
                    name=f"Engineer {number:02}",
                    locale="en",
                    skills=[],
                )
            )
    await manager.say("/staff")
    assert "Page 1 of 2" in manager.joined()
    await manager.press("»")
    assert "Page 2 of 2" in manager.last.text
    await manager.press("Deactivate Engineer 09")
    await manager.press("No, keep")
    assert (await person(seeded, 8009)).role is Role.ENGINEER
    job = await make_job(seeded, status=TicketStatus.ASSIGNED, engineer_user_id=8009)
    await manager.press("Deactivate Engineer 09")
    await manager.press("Yes, deactivate")
    ticket = await load_ticket(seeded, job)
    assert ticket.status is TicketStatus.NEW
    async with seeded.db.transaction() as session:
        kinds = list(
            await session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == job))
        )
    assert TimelineKind.HANDED_BACK in kinds
    assert await outbox(seeded, 8009) == []  # nothing is sent to them
