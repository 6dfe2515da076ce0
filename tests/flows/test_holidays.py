"""Company holidays as customers meet them: they move business-hours deadlines, and /status
says so in the deadline they move (the import: tests/unit/test_cli.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.clock import FrozenClock
from storage.models import Holiday
from tests.support.chat import FlowChat
from tests.support.jobs import load_ticket, open_ticket
from tests.support.people import MANAGERS

MONDAY_10 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 10:00 in Sofia


@pytest.mark.manager_chat(admins=MANAGERS, default_business_hours=True)
async def test_status_says_a_holiday_moves_the_deadline(
    client: FlowChat, clock: FrozenClock
) -> None:
    app = client.app
    clock.advance(MONDAY_10 - clock.now())
    async with app.db.transaction() as session:
        session.add(Holiday(day=datetime(2026, 11, 25).date(), name="Founders' Day"))
    ticket_id = await open_ticket(client, "LM-PB-2231")
    ticket = await load_ticket(app, ticket_id)
    # 48 business hours from Monday 10:00, Wednesday off: Monday 8 h, Tuesday, Thursday,
    # Friday, next Monday 9 h each (44 h), and 4 h on Tuesday 1 December
    assert ticket.resolution_due == datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    await client.press_data(f"tk:{ticket_id}")
    lines = client.last.text.splitlines()
    [answer] = [line for line in lines if line.startswith("Answer due")]
    [resolution] = [line for line in lines if line.startswith("Resolution due")]
    assert "holiday" not in answer
    assert resolution.endswith("(by Dec 1, 1:00\u202fPM), paused for the holiday on Nov 25, 2026")
