"""A client's urgent report nobody takes: the scheduler's jobs escalate it to the managers once,
then warn before and after the response deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.clock import FrozenClock
from bot.runner import build_scheduler
from storage.models import OutboxMessage
from tests.support.chat import FlowChat
from tests.support.outbox import alerts
from tests.support.units import nb

pytestmark = pytest.mark.manager_chat


async def manager_alerts(chat: FlowChat) -> list[OutboxMessage]:
    """The escalations among the manager chat's alerts."""
    return [row for row in await alerts(chat.app) if row.kind.startswith("sla_")]


async def test_unaccepted_report_escalates_once_through_the_scheduler(
    client: FlowChat, clock: FrozenClock
) -> None:
    await client.say("/report")
    await client.press("Linea PB")
    await client.say("Grinder makes a loud noise")
    await client.press("Done")
    await client.press("Urgent")
    await client.press("Send")
    assert "Request #1 is registered." in client.joined()
    scheduler = build_scheduler(client.app)
    assert "sla_escalations" in [job.name for job in scheduler.jobs]

    clock.advance(timedelta(minutes=5))
    await scheduler.run_due()
    assert await manager_alerts(client) == []
    for _ in range(4):  # urgent: a third of 30 minutes; later periods add nothing
        clock.advance(timedelta(minutes=5))
        await scheduler.run_due()
    [alert] = await manager_alerts(client)
    assert alert.kind == "sla_unaccepted"
    assert alert.text.startswith(
        f"⏰ #1 has waited {nb('10 min')} and no engineer has taken it (Urgent)"
    )
    assert alert.markup is not None and "mg:as:1" in str(alert.markup)

    clock.advance(timedelta(hours=8))  # urgent: half of the contract's 8 hours
    await scheduler.run_due()
    assert [row.kind for row in await manager_alerts(client)] == [
        "sla_unaccepted",
        "sla_response_breached",
    ]
