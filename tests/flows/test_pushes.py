"""A new job is pushed to engineers in waves: the nearest on-duty engineers whose skills fit
first, everyone else who fits after N minutes (once, however many processes run the
scheduler), never those off duty or without the skill. The pushes and the managers' alert are
live: as the job is taken, moves on and is closed, they are edited to say so."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.runner import build_scheduler
from handlers.notices.live import widen_waves
from handlers.notices.maintenance import plan_maintenance
from storage.models import Contract, Equipment, OutboxMessage
from tests.support.chat import FlowChat
from tests.support.jobs import load_ticket
from tests.support.outbox import alerts, buttons, edits, outbox
from tests.support.people import MANAGER_CHAT, MANAGERS, make_engineer
from tests.support.seed import PLOVDIV_CENTRE, SOFIA_CENTRE
from tests.support.steps import report
from tests.support.units import nb

pytestmark = pytest.mark.manager_chat(admins=MANAGERS, push_first_wave=2, push_wave_minutes=10)

ANA, BORIS, VERA, DIMITAR, ELENA, FILIP = 801, 802, 803, 804, 805, 806
MOSCOW = (55.75, 37.62)
OPEN, WRITE = ("🔎 Open", "mg:t:1"), ("💬 Write to customer", "mg:w:1")


@pytest.fixture
async def crew(client: FlowChat) -> dict[int, FlowChat]:
    """Engineers around Acme's Vitosha blvd site (a Linea PB: category coffee)."""
    app = client.app
    profiles = {
        ANA: ("Ana", {"skills": ("coffee",), "location": SOFIA_CENTRE, "on_duty": True}),
        BORIS: ("Boris", {"skills": ("coffee",), "location": PLOVDIV_CENTRE, "on_duty": True}),
        VERA: ("Vera", {"on_duty": True}),  # no skills: takes anything; location unknown
        DIMITAR: ("Dimitar", {"skills": ("hvac",), "location": SOFIA_CENTRE, "on_duty": True}),
        ELENA: ("Elena", {"skills": ("coffee",), "location": SOFIA_CENTRE}),  # off duty
        FILIP: ("Filip", {"skills": ("coffee",), "location": MOSCOW, "on_duty": True}),
    }
    chats = {}
    for user_id, (name, profile) in profiles.items():
        await make_engineer(app, user_id, name, **profile)
        chats[user_id] = FlowChat(app, user_id, name=name)
    return chats


async def pushes(app: App) -> list[OutboxMessage]:
    return await outbox(app, kind="job_push")


async def last_words(app: App, message: OutboxMessage) -> tuple[str, list[tuple[str, str]]]:
    """What the message says now: its last edit, or itself."""
    queued = await edits(app, message)
    shown = queued[-1] if queued else message
    return shown.text, buttons(shown)


async def widen(app: App, clock: FrozenClock) -> int:
    async with app.db.transaction() as session:
        return await widen_waves(session, clock.now(), app.settings, app.catalogs)


async def test_the_nearest_engineers_who_fit_are_pushed_first(
    client: FlowChat, crew: dict[int, FlowChat]
) -> None:
    await report(client, "Urgent")
    ana, boris = await pushes(client.app)
    assert (ana.chat_id, boris.chat_id) == (ANA, BORIS)
    assert ana.text.startswith("🟠 New job #1 · breakdown · urgent")
    assert "Customer: Acme Coffee Sofia" in ana.text
    assert "Address: bul. Vitosha 15, Sofia" in ana.text
    assert nb("Distance: 0.5 km") in ana.text
    assert "Problem: Steam wand leaks" in ana.text
    assert buttons(ana) == [("✅ Accept", "jb:acc:1")]
    assert ana.ticket_id == 1
    ticket = await load_ticket(client.app, 1)
    assert (ticket.push_wave, ticket.pushed_at) == (1, client.app.engine.clock.now())


async def test_after_n_minutes_everyone_else_who_fits_is_pushed_once(
    client: FlowChat, crew: dict[int, FlowChat], clock: FrozenClock
) -> None:
    await report(client, "Normal")
    scheduler = build_scheduler(client.app)
    assert "push_waves" in [job.name for job in scheduler.jobs]
    clock.advance(timedelta(minutes=9))
    await scheduler.run_due()
    assert [row.chat_id for row in await pushes(client.app)] == [ANA, BORIS]
    clock.advance(timedelta(minutes=1))
    await scheduler.run_due()
    first, second = (await pushes(client.app))[:2], (await pushes(client.app))[2:]
    assert [row.chat_id for row in first] == [ANA, BORIS]
    assert [row.chat_id for row in second] == [FILIP, VERA]  # known distance first
    assert second[0].text.startswith("🆕 Still needs an engineer: #1 · breakdown · normal")
    assert buttons(second[1]) == [("✅ Accept", "jb:acc:1")]
    for _ in range(3):  # later periods push nobody again; off duty and unskilled never
        clock.advance(timedelta(minutes=10))
        await scheduler.run_due()
    assert len(await pushes(client.app)) == 4
    assert (await load_ticket(client.app, 1)).push_wave == 2


async def test_the_second_wave_is_claimed_once_by_concurrent_processes(
    client: FlowChat,
    crew: dict[int, FlowChat],
    clock: FrozenClock,
    processes: Callable[..., list[App]],
) -> None:
    await report(client, "Normal")
    clock.advance(timedelta(minutes=10))
    apps = [client.app, *processes(3)]
    counts = await asyncio.gather(*(widen(app, clock) for app in apps))
    assert sorted(counts) == [0, 0, 0, 2]
    assert [row.chat_id for row in await pushes(client.app)] == [ANA, BORIS, FILIP, VERA]
    schedulers = [build_scheduler(app) for app in apps]
    clock.advance(timedelta(minutes=10))
    await asyncio.gather(*(scheduler.run_due() for scheduler in schedulers))
    assert len(await pushes(client.app)) == 4


async def test_a_job_taken_before_the_second_wave_is_not_widened(
    client: FlowChat, crew: dict[int, FlowChat], clock: FrozenClock
) -> None:
    await report(client, "Normal")
    await crew[BORIS].press_data("jb:acc:1")
    clock.advance(timedelta(minutes=30))
    assert await widen(client.app, clock) == 0
    assert len(await pushes(client.app)) == 2


async def test_accepting_turns_the_pushes_and_the_alert_as_the_job_moves(
    client: FlowChat, crew: dict[int, FlowChat]
) -> None:
    app = client.app
    await report(client, "Urgent")
    [alert] = await alerts(app, "new_ticket")
    assert buttons(alert) == [OPEN, ("👷 Assign", "mg:as:1"), WRITE]
    to_ana, to_boris = await pushes(app)

    ana = crew[ANA]
    await ana.press_data("jb:acc:1")
    assert ana.answer().text == "Job #1 is yours."
    assert await last_words(app, to_boris) == ("#1 was taken by Ana.", [])
    assert await last_words(app, to_ana) == ("Job #1 is yours.", [("Open the job", "mj:open:1")])
    text, keys = await last_words(app, alert)
    assert text.startswith("🟠 New request #1 · breakdown · urgent")
    assert "Engineer: Ana" in text and text.endswith("👷 Now: taken by Ana")
    assert keys == [OPEN, ("👷 Reassign", "mg:as:1"), WRITE]

    await ana.press_data("mj:go:1")
    await ana.press("30 min")
    text, _ = await last_words(app, alert)
    assert text.endswith("🚗 Now: Ana is on the way")
    assert len(await edits(app, to_boris)) == 1  # nothing new to say to Boris

    await ana.press_data("rs:1")
    await ana.say("Replaced the steam wand gasket")
    text, keys = await last_words(app, alert)
    assert text.endswith("✅ Now: resolved by Ana, waiting for the customer's sign-off")
    assert keys == []

    await client.press_data("cf:ok:1")
    text, keys = await last_words(app, alert)
    assert text.endswith("☑️ Now: closed") and keys == []
    assert [row.chat_id for row in await edits(app, alert)] == [MANAGER_CHAT] * 4


async def test_a_manager_assigning_turns_the_pushes(
    client: FlowChat, crew: dict[int, FlowChat], manager: FlowChat
) -> None:
    app = client.app
    await report(client, "Normal")
    to_ana, to_boris = await pushes(app)
    await manager.press_data("mg:as:1")
    await manager.press("Boris")
    assert manager.answer().text == "#1 is assigned to Boris."
    assert await last_words(app, to_ana) == ("#1 was taken by Boris.", [])
    assert await last_words(app, to_boris) == ("Job #1 is yours.", [("Open the job", "mj:open:1")])


async def test_handing_back_alerts_the_managers_and_pushes_again(
    client: FlowChat, crew: dict[int, FlowChat]
) -> None:
    app = client.app
    await report(client, "Production stopped")
    [alert] = await alerts(app, "new_ticket")
    first_ana, first_boris = await pushes(app)
    ana = crew[ANA]
    await ana.press_data("jb:acc:1")
    await ana.press_data("mj:hand:1")
    await ana.say("Needs a pump I do not carry")
    assert "#1 is back on the board" in ana.joined()

    [back] = await alerts(app, "handed_back")
    assert back.text.startswith("🔴 #1 was handed back by Ana — Production stopped")
    assert "Reason: Needs a pump I do not carry" in back.text
    assert buttons(back) == [OPEN, ("👷 Assign", "mg:as:1"), WRITE]
    text, keys = await last_words(app, alert)  # the new-ticket alert waits again
    assert "Now:" not in text and "Engineer:" not in text
    assert keys == [OPEN, ("👷 Assign", "mg:as:1"), WRITE]

    assert await last_words(app, first_ana) == ("#1 is no longer available.", [])
    assert await last_words(app, first_boris) == ("#1 is no longer available.", [])
    again = (await pushes(app))[2:]
    assert [row.chat_id for row in again] == [BORIS, FILIP]  # not Ana, who gave it back
    assert again[0].text.startswith("🔴 New job #1 · breakdown · production stopped")
    ticket = await load_ticket(app, 1)
    assert ticket.push_wave == 1

    await crew[FILIP].press_data("jb:acc:1")
    assert await last_words(app, again[0]) == ("#1 was taken by Filip.", [])
    text, _ = await last_words(app, back)
    assert text.endswith("👷 Now: taken by Filip")


async def test_escalations_and_the_automatic_close_follow_the_ticket(
    client: FlowChat, crew: dict[int, FlowChat], clock: FrozenClock
) -> None:
    app = client.app
    await report(client, "Urgent")
    scheduler = build_scheduler(app)
    for _ in range(2):  # urgent: escalated after 10 minutes nobody took it
        clock.advance(timedelta(minutes=5))
        await scheduler.run_due()
    [escalation] = await alerts(app, "sla_unaccepted")
    [alert] = await alerts(app, "new_ticket")
    await crew[ANA].press_data("jb:acc:1")
    text, keys = await last_words(app, escalation)
    assert text.startswith(f"⏰ #1 has waited {nb('10 min')}") and text.endswith("taken by Ana")
    assert keys == [OPEN, ("👷 Reassign", "mg:as:1"), WRITE]
    await crew[ANA].press_data("rs:1")
    await crew[ANA].say("Replaced the steam wand gasket")
    clock.advance(timedelta(days=4))
    await scheduler.run_due()
    assert (await load_ticket(app, 1)).status.value == "closed"
    for message in (alert, escalation):
        text, keys = await last_words(app, message)
        assert text.endswith("☑️ Now: closed") and keys == []


async def test_maintenance_jobs_are_pushed_and_alerted_live(
    client: FlowChat, crew: dict[int, FlowChat], clock: FrozenClock
) -> None:
    app = client.app
    async with app.db.transaction() as session:
        for contract in await session.scalars(select(Contract)):
            contract.maintenance_interval_days = 90
            contract.valid_until = None
        for item in (await session.scalars(select(Equipment))).unique():
            item.installed_on = date(2026, 9, 1) if item.serial == "LM-PB-2231" else None
    clock.advance(timedelta(days=1))  # due 30 Nov, 7 days ahead
    async with app.db.transaction() as session:
        assert await plan_maintenance(session, clock.now(), app.settings, app.catalogs) == 1
    [alert] = await alerts(app, "maintenance_created")
    assert [row.chat_id for row in await pushes(app)] == [ANA, BORIS]
    await crew[BORIS].press_data("jb:acc:1")
    text, keys = await last_words(app, alert)
    assert text.startswith("🛠 Preventive maintenance #1") and text.endswith("taken by Boris")
    assert keys == [OPEN, ("👷 Reassign", "mg:as:1"), WRITE]
