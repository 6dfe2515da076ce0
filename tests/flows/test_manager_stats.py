"""/stats, /trends and /engineers as a manager reads them, on a known data set."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.core.clock import FrozenClock
from storage.models import Person, Ticket
from tests.support.chat import FlowChat
from tests.support.jobs import breakdown, make_job
from tests.support.known_month import known_month
from tests.support.people import MANAGERS, make_engineer
from tests.support.units import nb

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)


async def test_stats_for_the_week_and_the_period_buttons(manager: FlowChat, seeded: App) -> None:
    await known_month(seeded)
    await manager.say("/stats week")
    assert manager.joined() == "\n".join(
        [
            "Figures for this week, Nov 16\u2009–\u200922, 2026",
            "Opened: 3",
            "Closed: 2",
            "Response on time: 67% (2 of 3)",
            "Resolution on time: 50% (1 of 2)",
            "Average rating: 3.5 (2 ratings)",
            "Complaints: 1",
            "",
            "By kind:",
            "Breakdown: opened 2, closed 1",
            "Installation: opened 1, closed 1",
        ]
    )
    await manager.press("This month")
    assert manager.last.text.startswith("Figures for this month, Nov 1\u2009–\u200930, 2026")
    assert "Average rating: 3.67 (3 ratings)" in manager.last.text
    assert "• This month" in manager.button_texts()
    await manager.say("/stats")
    assert "Figures for today, Nov 22, 2026" in manager.joined()
    assert "Resolution on time: no deadlines yet" in manager.joined()
    await manager.say("/stats year")
    assert manager.joined() == "Usage: /stats today, /stats week or /stats month."


async def test_stats_in_bulgarian(manager: FlowChat, seeded: App) -> None:
    await known_month(seeded)
    manager.language_code = "bg"
    await manager.say("/language")
    await manager.press("Български")
    await manager.say("/stats month")
    assert "67%" in manager.joined()  # a percent through Babel


async def test_trends_flags_repeat_breakdowns(
    manager: FlowChat, seeded: App, clock: FrozenClock
) -> None:
    now = clock.now()
    first = await breakdown(seeded, "LM-PB-2231", now - timedelta(days=30), hours=3)
    second = await breakdown(seeded, "LM-PB-2231", now - timedelta(days=2))
    await breakdown(seeded, "CR-42-0117", now - timedelta(days=10), hours=49)
    await manager.say("/trends")
    text = manager.joined()
    assert text.startswith("Breakdowns in the last 90 days: 3")
    assert "Models with the most breakdowns:\nLinea PB: 2\n42QHC: 1" in text
    assert "Customers with the most breakdowns:\nAcme Coffee Sofia: 2\nNord Pharma: 1" in text
    assert "⚠️ Repeat breakdowns (the same equipment again within 30 days):" in text
    assert (
        f"LM-PB-2231 · Linea PB · Acme Coffee Sofia: #{first}, #{second}"
        f" (shortest gap {nb('4 weeks')})" in text
    )
    assert f"Mean time to resolve, by model:\n42QHC: {nb('2 days 1 hr')} (1 request)" in text
    assert f"Linea PB: {nb('3 hr')} (1 request)" in text


async def test_trends_without_breakdowns(manager: FlowChat) -> None:
    await manager.say("/trends")
    assert manager.joined() == "\n".join(
        ["Breakdowns in the last 90 days: 0", "", "No requests closed in the last 90 days."]
    )


async def test_engineers_roll_call(manager: FlowChat, seeded: App, clock: FrozenClock) -> None:
    await manager.say("/engineers")
    assert "There are no engineers yet" in manager.joined()
    petar = await make_engineer(seeded, 701, "Petar", on_duty=True)
    await make_engineer(seeded, 702, "Georgi", on_duty=False)
    job_id = await make_job(seeded, clock.now())
    async with seeded.db.transaction() as session:
        person = await session.get_one(Person, petar)
        person.latitude, person.longitude = 42.69, 23.32
        person.located_at = clock.now() - timedelta(minutes=12)
        (await session.get_one(Ticket, job_id)).engineer_id = petar
    await manager.say("/engineers")
    assert manager.joined() == "\n".join(
        [
            "2 engineers, 1 on duty:",
            f"🟢 Petar · on duty · location {nb('12 minutes')} ago · 1 open job",
            "💤 Georgi · off duty · no location shared · 0 open jobs",
        ]
    )
