"""The escalation pass looks at a ticket when its next escalation can be due, and again
whenever what that depends on changes (the ticket, its contract, the holidays)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.services import escalations, sla
from bot.services.business_hours import Calendar, business_time_between, earliest_with_left
from bot.services.importer import import_csv
from storage.escalation_marks import CHECK_NOW
from storage.models import Holiday, Ticket
from tests.support.seed import seed_app
from tests.unit.test_escalations import MINUTE, open_ticket, run

SOFIA = ZoneInfo("Europe/Sofia")
SECOND = timedelta(seconds=1)


def test_earliest_with_left_is_the_first_instant_with_that_little_left() -> None:
    """Against business_time_between: at the instant found at most ``left`` remains, a
    second before more does; across nights, a weekend, a holiday and a DST change."""
    calendar = Calendar(
        SOFIA, (time(9), time(18)), frozenset(range(5)), frozenset({date(2026, 10, 26)})
    )
    ends = [
        datetime(2026, 10, 27, 7, 30, tzinfo=UTC),  # Tuesday after a holiday Monday
        datetime(2026, 10, 23, 15, 0, tzinfo=UTC),  # Friday afternoon
        datetime(2026, 10, 25, 12, 0, tzinfo=UTC),  # Sunday (the DST change)
        datetime(2026, 11, 2, 7, 0, tzinfo=UTC),  # Monday at opening
    ]
    for end in ends:
        for left in (
            timedelta(0),
            30 * MINUTE,
            timedelta(hours=2),
            timedelta(hours=9),
            timedelta(hours=13),
        ):
            found = earliest_with_left(end, left, calendar)
            assert business_time_between(found, end, calendar) <= left, (end, left)
            assert business_time_between(found - SECOND, end, calendar) > left, (end, left)
    around = Calendar(SOFIA)
    assert earliest_with_left(ends[0], 30 * MINUTE, around) == ends[0] - 30 * MINUTE


async def check_at(app: App, ticket_id: int) -> datetime | None:
    async with app.db.transaction() as session:
        ticket = await session.get_one(Ticket, ticket_id)
        return ticket.escalation_check_at


async def test_the_check_follows_the_ticket(app: App, clock: FrozenClock) -> None:
    await seed_app(app)
    t0 = clock.now()
    ticket = await open_ticket(app, t0)
    assert await check_at(app, ticket) == CHECK_NOW  # new: the next pass looks
    assert await run(app, t0) == 0
    assert await check_at(app, ticket) == t0 + 30 * MINUTE  # unaccepted after 30 min
    assert await run(app, t0 + 30 * MINUTE) == 1
    assert await check_at(app, ticket) == t0 + timedelta(hours=6)  # response at risk (75 %)
    async with app.db.transaction() as session:
        sla.pause(await session.get_one(Ticket, ticket), t0 + timedelta(hours=1))
    assert await check_at(app, ticket) is None  # paused: nothing can escalate
    async with app.db.transaction() as session:
        found = await session.get_one(Ticket, ticket, options=[sla.TERMS])
        sla.resume(found, t0 + timedelta(hours=2), sla.calendar_for(found, app.settings))
    assert await check_at(app, ticket) == CHECK_NOW
    assert await run(app, t0 + timedelta(hours=2)) == 0
    assert await check_at(app, ticket) == t0 + timedelta(hours=7)  # pushed by the pause


async def test_a_removed_holiday_brings_the_check_forward(app: App, clock: FrozenClock) -> None:
    """Sunday 11:00, a business-hours contract, Monday a holiday: the job would wait until
    Tuesday; once the holiday is taken back it escalates on Monday as if it never was."""
    await seed_app(app)
    async with app.db.transaction() as session:
        header = "number,customer_ref,tier,response_hours,resolution_hours,business_hours\n"
        await import_csv(session, "contracts", header + "C-100,ACME,gold,2,8,yes\n")
        session.add(Holiday(day=date(2026, 11, 23), name="A bridge day"))
    t0 = clock.now()
    ticket = await open_ticket(app, t0, serial="LM-PB-2231")
    assert await run(app, t0) == 0
    tuesday_9am = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert await check_at(app, ticket) == tuesday_9am + 30 * MINUTE
    async with app.db.transaction() as session:
        await session.delete(await session.get_one(Holiday, date(2026, 11, 23)))
    monday_9am = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert await check_at(app, ticket) == CHECK_NOW
    assert await run(app, monday_9am + 30 * MINUTE) == 1


async def test_only_tickets_due_for_a_check_are_loaded(app: App, clock: FrozenClock) -> None:
    await seed_app(app)
    t0 = clock.now()
    tickets = [await open_ticket(app, t0) for _ in range(3)]
    assert await run(app, t0) == 0
    async with app.db.transaction() as session:
        assert await escalations.due(session, t0 + 29 * MINUTE, app.settings) == []
        due = await session.scalars(
            select(Ticket.id).where(Ticket.escalation_check_at <= t0 + 29 * MINUTE)
        )
        assert list(due) == []
    assert await run(app, t0 + 30 * MINUTE) == 3
    assert {await check_at(app, ticket) for ticket in tickets} == {t0 + timedelta(hours=6)}


async def test_other_settings_look_at_every_open_ticket_again(
    app: App, clock: FrozenClock
) -> None:
    """Restarted with unaccepted jobs escalating after 10 minutes instead of 30: the check
    times computed under the old settings do not hold the alert back."""
    await seed_app(app)
    t0 = clock.now()
    ticket = await open_ticket(app, t0)
    assert await run(app, t0) == 0
    assert await check_at(app, ticket) == t0 + 30 * MINUTE
    sooner = app.settings.model_copy(update={"unaccepted_minutes": 10})
    async with app.db.transaction() as session:
        found = await escalations.due(session, t0 + 10 * MINUTE, sooner)
    assert [item.kind for item in found] == [escalations.Kind.UNACCEPTED]
