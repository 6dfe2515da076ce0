"""/open: filters, paging, the card, assigning and reassigning — also by two managers at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.app import App
from bot.core.clock import FrozenClock
from bot.core.replies import Send
from storage.models import Priority, Ticket, TicketStatus, TimelineKind
from tests.support.chat import FlowChat
from tests.support.jobs import events, load_ticket, make_job
from tests.support.outbox import alerts, outbox
from tests.support.people import MANAGER_CHAT, MANAGERS, make_engineer, person
from tests.support.steps import report

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)


@pytest.fixture
async def board(seeded: App, clock: FrozenClock) -> dict[str, int]:
    """Three open tickets: an unassigned normal one, a production stop, one with Petar."""
    petar = await make_engineer(seeded, 701, "Petar", skills=("coffee",), on_duty=True)
    normal = await make_job(seeded, clock.now() - timedelta(hours=3))
    stopped = await make_job(
        seeded, clock.now() - timedelta(hours=1), priority=Priority.PRODUCTION_STOPPED
    )
    taken = await make_job(seeded, clock.now() - timedelta(hours=2), serial="CR-42-0117")
    async with seeded.db.transaction() as session:
        ticket = await session.get_one(Ticket, taken)
        ticket.engineer_id, ticket.status = petar, TicketStatus.ON_SITE
    return {"normal": normal, "stopped": stopped, "taken": taken, "petar": petar}


async def test_open_lists_and_filters(manager: FlowChat, board: dict[str, int]) -> None:
    await manager.say("/open")
    listing = manager.joined()
    assert listing.startswith("3 open requests\nStatus: any · priority: any · engineer: any")
    lines = listing.splitlines()
    assert lines[2].startswith(f"🔴 #{board['stopped']} · Linea PB · Acme Coffee Sofia")
    assert "· unassigned ·" in lines[2]
    assert f"#{board['taken']} · 42QHC · Nord Pharma · Engineer on site · Petar" in listing

    await manager.press("Priority ▾")
    await manager.press("Production stopped")
    filtered = manager.last.text
    assert filtered.startswith("1 open request\nStatus: any · priority: Production stopped")
    assert f"#{board['stopped']}" in filtered and f"#{board['normal']} " not in filtered

    await manager.press("Clear filters")
    await manager.press("Engineer ▾")
    assert "Petar" in manager.button_texts()
    await manager.press("Petar")
    assert manager.last.text.startswith("1 open request")
    assert f"#{board['taken']}" in manager.last.text

    await manager.press("Clear filters")
    await manager.press("Engineer ▾")
    await manager.press("Unassigned")
    await manager.press("Status ▾")
    await manager.press("Engineer on site")
    assert manager.last.text.startswith("0 open requests")
    assert "Nothing matches these filters." in manager.last.text


async def test_open_pages(manager: FlowChat, seeded: App, clock: FrozenClock) -> None:
    for hours in range(8):
        await make_job(seeded, clock.now() - timedelta(hours=hours))
    await manager.say("/open")
    assert "Page 1 of 2" in manager.joined()
    await manager.press("»")
    assert "Page 2 of 2" in manager.last.text
    assert manager.last.text.count("🆕") == 2


async def test_forged_filters_are_refused(manager: FlowChat) -> None:
    for data in ("mg:o:bogus:-:-:-:0", "mg:f:x:-:-:-:-", "mg:t:abc", "mg:ae:1:2", "mg:zz"):
        await manager.press_data(data)
        assert manager.answer().text == "This button is no longer active."


async def test_assign_from_the_card(
    manager: FlowChat, client: FlowChat, board: dict[str, int], seeded: App
) -> None:
    await make_engineer(seeded, 702, "Georgi", skills=("hvac",), on_duty=True)  # other skills
    await make_engineer(seeded, 703, "Ivan", on_duty=False)
    job = await make_job(seeded, seeded.engine.clock.now(), reporter_user_id=501)
    await manager.press_data(f"mg:t:{job}")
    card = manager.joined()
    assert card.startswith(f"#{job} · breakdown · normal\nStatus: Registered, waiting")
    assert "Respond by" in card and "Timeline:" not in card  # made directly, no events
    await manager.press("Assign")
    choices = manager.last.buttons()
    assert [label for label, _ in choices[:3]] == [
        "🟢 Petar · 1 open job",
        "🟡 Georgi · 0 open jobs",
        "💤 Ivan · 0 open jobs",
    ]
    await manager.press("Petar")
    assert manager.answer().text == f"#{job} is assigned to Petar."
    assert manager.last.text == f"✅ #{job} is assigned to Petar."
    ticket = await load_ticket(seeded, job)
    assert ticket.status is TicketStatus.ASSIGNED and ticket.engineer_id == board["petar"]
    assert ticket.responded_at == seeded.engine.clock.now()
    [assigned] = await events(seeded, job, TimelineKind.ASSIGNED)
    assert (
        assigned.actor_id == (await person(seeded, 900)).id and assigned.data["by_manager"] is True
    )
    [to_engineer] = await outbox(seeded, 701)
    assert to_engineer.text == (f"🆕 A manager assigned #{job} to you: Acme Coffee Sofia, Normal.")
    [to_client] = await outbox(seeded, 501)
    assert to_client.text == f"Engineer Petar will handle your request #{job}."


async def test_reassign_tells_both_engineers(
    manager: FlowChat, board: dict[str, int], seeded: App
) -> None:
    georgi = await make_engineer(seeded, 702, "Georgi", on_duty=True)
    taken = board["taken"]
    await manager.press_data(f"mg:t:{taken}")
    await manager.press("Reassign")
    assert "Now with Petar." in manager.last.text
    assert "Petar" not in " ".join(label for label, _ in manager.last.buttons())
    await manager.press("Georgi")
    ticket = await load_ticket(seeded, taken)
    assert ticket.engineer_id == georgi and ticket.status is TicketStatus.ASSIGNED
    [to_petar] = await outbox(seeded, 701)
    assert (
        to_petar.text == f"A manager passed #{taken} to another engineer; it is no longer yours."
    )
    [to_georgi] = await outbox(seeded, 702)
    assert f"assigned #{taken} to you" in to_georgi.text
    petar = FlowChat(seeded, 701, "Petar")
    await petar.press_data(f"mj:site:{taken}")  # a button on Petar's old card
    assert petar.answer().text == "This job is not yours or no longer open."


async def test_two_managers_assign_at_once_one_wins(
    board: dict[str, int], seeded: App, processes: Callable[..., list[App]]
) -> None:
    georgi = await make_engineer(seeded, 702, "Georgi", on_duty=True)
    job = board["normal"]
    first, second = processes(2)
    olga = FlowChat(first, 900, "Olga")
    boris = FlowChat(second, 901, "Boris")
    await asyncio.gather(
        olga.press_data(f"mg:ae:{job}:{board['petar']}:0"),
        boris.press_data(f"mg:ae:{job}:{georgi}:0"),
    )
    texts = sorted(chat.answer().text or "" for chat in (olga, boris))
    winner = [t for t in texts if "is assigned to" in t]
    loser = [t for t in texts if "changed a moment ago" in t]
    assert len(winner) == 1 and len(loser) == 1
    ticket = await load_ticket(seeded, job)
    name = "Petar" if ticket.engineer_id == board["petar"] else "Georgi"
    assert winner == [f"#{job} is assigned to {name}."]
    assert len(await events(seeded, job, TimelineKind.ASSIGNED)) == 1


async def test_stale_assign_button_after_engineer_accepted(
    manager: FlowChat, board: dict[str, int], seeded: App
) -> None:
    job = board["normal"]
    await FlowChat(seeded, 701, "Petar").press_data(f"jb:acc:{job}")
    await manager.press_data(f"mg:ae:{job}:{board['petar']}:0")
    assert manager.answer().text == f"#{job} changed a moment ago; here is how it stands now."
    assert (await load_ticket(seeded, job)).engineer_id == board["petar"]


async def test_open_in_the_manager_group_topic(seeded: App, board: dict[str, int]) -> None:
    group = FlowChat(seeded, 900, "Olga", group_id=MANAGER_CHAT, thread_id=77)
    await group.say("/open")
    [reply] = [r for r in group.last_replies if isinstance(r, Send)]
    assert reply.chat_id == MANAGER_CHAT and reply.thread_id == 77
    assert reply.text.startswith("3 open requests")
    stranger = FlowChat(seeded, 555, "Someone", group_id=MANAGER_CHAT)
    await stranger.say("/open")
    assert "not available to you" in stranger.joined()


async def test_assign_from_an_alert_in_the_group(
    client: FlowChat, board: dict[str, int], seeded: App
) -> None:
    seeded.settings.manager_locale = "bg"
    await report(client)
    [alert] = await alerts(seeded, "new_ticket")
    job = int(alert.text.split("#", 1)[1].split(" ", 1)[0])
    group = FlowChat(seeded, 901, "Boris", group_id=MANAGER_CHAT, language_code="en")
    await group.press_data(f"mg:as:{job}")  # the alert's Assign button
    [shown] = [r for r in group.last_replies if isinstance(r, Send)]
    assert shown.chat_id == MANAGER_CHAT
    await group.press("Petar")
    ticket = await load_ticket(seeded, job)
    assert ticket.engineer_id == board["petar"] and ticket.status is TicketStatus.ASSIGNED
    [to_client] = [m for m in await outbox(seeded, 501) if m.kind == "job_assigned"]
    assert to_client.text == f"Engineer Petar will handle your request #{job}."  # in English


async def test_every_reply_in_the_manager_group_speaks_its_language(seeded: App) -> None:
    seeded.settings.manager_locale = "bg"
    group = FlowChat(seeded, 901, "Boris", group_id=MANAGER_CHAT, language_code="en")
    await group.say("/help")  # not a manager flow: the language is decided for the whole chat
    assert "Вие сте мениджър на сервиза" in group.joined()
    stranger = FlowChat(seeded, 556, "Someone", group_id=MANAGER_CHAT, language_code="ru")
    await stranger.say("/open")
    assert "не е достъпна" in stranger.joined()


async def test_assigning_an_off_duty_engineer_asks_first(
    manager: FlowChat, board: dict[str, int], seeded: App
) -> None:
    job = board["normal"]
    resting = await make_engineer(seeded, 703, "Vera", on_duty=False)
    await manager.press_data(f"mg:as:{job}")
    await manager.press("Vera")
    assert manager.joined().startswith(f"💤 Vera is off duty and may not see #{job}")
    assert (await load_ticket(seeded, job)).engineer_id is None  # nothing done yet
    await manager.press("Assign anyway")
    assert f"✅ #{job} is assigned to Vera." in manager.joined()
    assert (await load_ticket(seeded, job)).engineer_id == resting
