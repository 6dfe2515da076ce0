"""Agreed visits end to end: the engineer (job card) or a manager (ticket card) offers times,
the customer picks one or asks for another; the agreed time shows on /status, the job card,
/jobs and /open; reminders go out once the evening before and an hour before, however many
processes run the scheduler; a preventive maintenance job tells the customer its due date and
offers times the same way."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.app import App
from bot.core.clock import FrozenClock
from bot.core.replies import Send
from bot.runner import build_scheduler
from handlers.notices.maintenance import plan_maintenance
from storage.models import (
    Contract,
    Equipment,
    Holiday,
    OutboxMessage,
    Person,
    Ticket,
    TicketStatus,
    VisitSlot,
    VisitState,
)
from tests.support.chat import FlowChat
from tests.support.jobs import assigned_job, load_ticket, make_job
from tests.support.outbox import alerts, buttons, edits, outbox
from tests.support.people import CLIENT_ID, ENGINEER_ID, MANAGERS

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)

MONDAY_10 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 23 November, 10:00 in Sofia


@pytest.fixture
def monday(clock: FrozenClock) -> FrozenClock:
    clock.advance(MONDAY_10 - clock.now())
    return clock


async def offered_to(app: App, chat_id: int) -> OutboxMessage:
    """The newest offer of visit times queued for ``chat_id``."""
    rows = await outbox(app, chat_id, "visit_offered")
    assert rows, "no offer queued"
    return rows[-1]


async def pick(chat: FlowChat, offer: OutboxMessage, label: str) -> None:
    [data] = [data for text, data in buttons(offer) if text == label]
    await chat.press_data(data)


async def engineer_offers(engineer: FlowChat, ticket_id: int, *labels: str) -> None:
    await engineer.press_data(f"mj:open:{ticket_id}")
    await engineer.press("📅 Propose a visit")
    for label in labels:
        await engineer.press(label)
    await engineer.press("📨 Offer")


# -- offering and agreeing ----------------------------------------------------------------------
async def test_engineer_offers_two_times_and_the_customer_picks_one(
    client: FlowChat, engineer: FlowChat, manager: FlowChat, monday: FrozenClock
) -> None:
    app = client.app
    ticket_id = await assigned_job(app, status=TicketStatus.ASSIGNED)
    await engineer.press_data(f"mj:open:{ticket_id}")
    await engineer.press("📅 Propose a visit")
    picker = engineer.last
    assert picker.text.startswith(f"📅 A visit for #{ticket_id}: pick one or more times")
    labels = [text for text, _ in picker.buttons()]
    # today's 09:00 has passed; Monday to Wednesday's standard times, in working hours
    assert labels[:4] == [
        "Mon, Nov 23, 11:00\u202fAM",
        "Mon, Nov 23, 2:00\u202fPM",
        "Mon, Nov 23, 4:00\u202fPM",
        "Tue, Nov 24, 9:00\u202fAM",
    ]
    assert len(labels) == 11
    await engineer.press("Tue, Nov 24, 9:00\u202fAM")
    await engineer.press("Tue, Nov 24, 2:00\u202fPM")
    assert "✅ Tue, Nov 24, 9:00\u202fAM" in [text for text, _ in engineer.last.buttons()]
    assert "Chosen: Tue, Nov 24, 9:00\u202fAM; Tue, Nov 24, 2:00\u202fPM" in engineer.last.text
    await engineer.press("📨 Offer 2 times to the customer")
    assert engineer.last.text.startswith(f"📨 Offered to the customer for #{ticket_id}")

    offer = await offered_to(app, CLIENT_ID)
    assert offer.ticket_id == ticket_id
    assert offer.text == (
        f"📅 Petar proposes a visit for #{ticket_id} (Linea PB). Which of these times suits you?"
    )
    assert [text for text, _ in buttons(offer)] == [
        "Tue, Nov 24, 9:00\u202fAM",
        "Tue, Nov 24, 2:00\u202fPM",
        "🔁 Another time",
    ]
    await pick(client, offer, "Tue, Nov 24, 2:00\u202fPM")
    assert client.joined().startswith(
        f"✅ The visit for #{ticket_id} is agreed: Tue, Nov 24, 2:00\u202fPM."
    )
    visit = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert (await load_ticket(app, ticket_id)).visit_at == visit
    [told] = await outbox(app, ENGINEER_ID, "visit_agreed")
    agreed = f"✅ Maria agreed to the visit for #{ticket_id} on Tue, Nov 24, 2:00\u202fPM."
    assert told.text == agreed

    # the other time is withdrawn: pressing it now is refused
    await pick(client, offer, "Tue, Nov 24, 9:00\u202fAM")
    assert client.answer().text == "This time is no longer offered."

    shown = "📅 Visit: Tue, Nov 24, 2:00\u202fPM"
    await client.press_data(f"tk:{ticket_id}")
    assert shown in client.last.text
    assert "🔁 Change the visit time" in client.button_texts()
    await engineer.press_data(f"mj:open:{ticket_id}")
    assert shown in engineer.last.text
    await engineer.say("/myjobs")
    assert "📅 Tue, Nov 24, 2:00\u202fPM" in engineer.last.text
    await manager.say("/open")
    assert "📅 Tue, Nov 24, 2:00\u202fPM" in manager.joined()
    await manager.press_data(f"mg:t:{ticket_id}")
    assert shown in manager.last.text
    assert "📅 Visit times offered" in manager.last.text and "📅 Visit agreed" in manager.last.text

    async with app.db.transaction() as session:  # opened this week, for /export week
        await session.execute(
            update(Ticket).where(Ticket.id == ticket_id).values(created_at=monday.now())
        )
    await manager.say("/export week")
    [sheet] = [
        reply.document
        for reply in manager.last_replies
        if isinstance(reply, Send) and (reply.document_name or "").endswith(".csv")
    ]
    assert sheet is not None
    [row] = csv.DictReader(io.StringIO(sheet.decode("utf-8-sig")))
    assert row["Visit"] == "2026-11-24 14:00"


async def test_manager_types_a_time_on_a_new_ticket_and_it_shows_on_the_board(
    client: FlowChat, engineer: FlowChat, manager: FlowChat, monday: FrozenClock
) -> None:
    app = client.app
    ticket_id = await make_job(app, reporter_user_id=CLIENT_ID)
    await manager.press_data(f"mg:t:{ticket_id}")
    await manager.press("📅 Propose a visit")
    await manager.say("tomorrow 15:30")
    assert "Chosen: Tue, Nov 24, 3:30\u202fPM" in manager.last.text
    await manager.press("📨 Offer 1 time to the customer")
    offer = await offered_to(app, CLIENT_ID)
    assert offer.text.startswith(f"📅 Olga proposes a visit for #{ticket_id}")
    await pick(client, offer, "Tue, Nov 24, 3:30\u202fPM")
    [told] = await outbox(app, manager.user_id, "visit_agreed")  # the manager who offered
    assert "Tue, Nov 24, 3:30\u202fPM" in told.text
    await engineer.say("/jobs")
    assert "📅 Tue, Nov 24, 3:30\u202fPM" in engineer.joined()


@pytest.mark.parametrize(
    ("locale", "typed", "expected"),
    [
        ("en", "tomorrow 14:00", datetime(2026, 11, 24, 12, 0, tzinfo=UTC)),
        ("ru", "завтра в 9:30", datetime(2026, 11, 24, 7, 30, tzinfo=UTC)),
        ("bg", "утре 16:00", datetime(2026, 11, 24, 14, 0, tzinfo=UTC)),
        ("bg", "26.11 10:00", datetime(2026, 11, 26, 8, 0, tzinfo=UTC)),
        ("ru", "27/11 11:15", datetime(2026, 11, 27, 9, 15, tzinfo=UTC)),
    ],
)
async def test_typed_times_in_each_language(
    client: FlowChat,
    engineer: FlowChat,
    monday: FrozenClock,
    locale: str,
    typed: str,
    expected: datetime,
) -> None:
    app = client.app
    ticket_id = await assigned_job(app, status=TicketStatus.ASSIGNED)
    speaker = FlowChat(app, ENGINEER_ID, name="Petar", language_code=locale)
    async with app.db.transaction() as session:
        await session.execute(
            update(Person).where(Person.tg_user_id == ENGINEER_ID).values(locale=locale)
        )
    await speaker.press_data(f"vs:new:{ticket_id}")
    await speaker.say(typed)
    [offer] = [data for _, data in speaker.last.buttons() if data.startswith("vs:send:")]
    await speaker.press_data(offer)
    async with app.db.transaction() as session:
        slots = list(await session.scalars(select(VisitSlot)))
    assert [slot.starts_at for slot in slots] == [expected]


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("today 9:30", "Mon, Nov 23, 9:30\u202fAM has already passed. Pick a time from now on."),
        ("28.11 10:00", "Nov 28, 2026 is not a working day. Pick a working day."),
        ("25.11 10:00", "Nov 25, 2026 is a company holiday (Founders' Day). Pick a working day."),
        (
            "tomorrow 19:00",
            "Visits are made between 09:00 and 18:00. Pick a time in working hours.",
        ),
        ("whenever", 'We could not read a day and time in that. Type it like "tomorrow 14:00"'),
    ],
)
async def test_times_no_visit_can_be_made_at_are_refused(
    client: FlowChat, engineer: FlowChat, monday: FrozenClock, typed: str, refusal: str
) -> None:
    app = client.app
    async with app.db.transaction() as session:
        session.add(Holiday(day=date(2026, 11, 25), name="Founders' Day"))
    ticket_id = await assigned_job(app, status=TicketStatus.ASSIGNED)
    await engineer.press_data(f"vs:new:{ticket_id}")
    await engineer.say(typed)
    assert engineer.joined().startswith(refusal)
    await engineer.say("tomorrow 10:00")  # the dialog goes on
    assert "Chosen: Tue, Nov 24, 10:00\u202fAM" in engineer.last.text


async def test_the_holiday_is_not_among_the_standard_times(
    client: FlowChat, engineer: FlowChat, monday: FrozenClock
) -> None:
    app = client.app
    async with app.db.transaction() as session:
        session.add(Holiday(day=date(2026, 11, 24), name=""))
    ticket_id = await assigned_job(app, status=TicketStatus.ASSIGNED)
    await engineer.press_data(f"vs:new:{ticket_id}")
    labels = [text for text, _ in engineer.last.buttons()]
    assert not [label for label in labels if "Nov 24" in label]
    assert labels[-1] == "Thu, Nov 26, 4:00\u202fPM"


async def test_only_the_jobs_engineer_or_a_manager_offers_times(
    client: FlowChat, engineer: FlowChat, other_engineer: FlowChat, monday: FrozenClock
) -> None:
    ticket_id = await assigned_job(client.app, status=TicketStatus.ASSIGNED)
    await other_engineer.press_data(f"vs:new:{ticket_id}")
    assert other_engineer.answer().text == "This job is not yours or no longer open."
    await client.press_data(f"vs:new:{ticket_id}")
    assert client.answer().text == "This action is not available to you."


# -- moving the visit ---------------------------------------------------------------------------
async def test_rescheduling_by_either_side_tells_the_other(
    client: FlowChat, engineer: FlowChat, monday: FrozenClock
) -> None:
    app = client.app
    ticket_id = await assigned_job(app, status=TicketStatus.ASSIGNED)
    await engineer_offers(engineer, ticket_id, "Tue, Nov 24, 9:00\u202fAM")
    first = await offered_to(app, CLIENT_ID)
    await pick(client, first, "Tue, Nov 24, 9:00\u202fAM")
    [answered] = await edits(app, first)  # the offer says how it ended, without buttons
    assert answered.text.endswith("\n\n✅ Agreed: Tue, Nov 24, 9:00\u202fAM")
    assert answered.markup is None

    # the engineer moves it: the customer is asked, and the old time stands until they answer
    await engineer_offers(engineer, ticket_id, "Wed, Nov 25, 11:00\u202fAM")
    offer = await offered_to(app, CLIENT_ID)
    assert offer.text == (
        f"📅 Petar would like to move the visit for #{ticket_id} (Linea PB) from "
        "Tue, Nov 24, 9:00\u202fAM. Which of these times suits you?"
    )
    assert (await load_ticket(app, ticket_id)).visit_at == datetime(2026, 11, 24, 7, tzinfo=UTC)
    await pick(client, offer, "Wed, Nov 25, 11:00\u202fAM")
    moved = (await outbox(app, ENGINEER_ID, "visit_agreed"))[-1]
    assert moved.text == (
        f"📅 Maria moved the visit for #{ticket_id} from Tue, Nov 24, 9:00\u202fAM "
        "to Wed, Nov 25, 11:00\u202fAM."
    )

    # none of the new times suits: the engineer hears, and the agreed visit stands
    await engineer_offers(engineer, ticket_id, "Wed, Nov 25, 2:00\u202fPM")
    declined = await offered_to(app, CLIENT_ID)
    await pick(client, declined, "🔁 Another time")
    assert (await edits(app, declined))[-1].text.endswith("🔁 You asked for another time.")
    last = (await outbox(app, ENGINEER_ID, "visit_another"))[-1]
    assert last.text == f"🔁 Maria asks for another time for the visit for #{ticket_id}."
    wednesday = datetime(2026, 11, 25, 9, tzinfo=UTC)
    assert (await load_ticket(app, ticket_id)).visit_at == wednesday

    # the customer cannot make it after all: the engineer hears, with a button to offer again
    await client.press_data(f"tk:{ticket_id}")
    await client.press("🔁 Change the visit time")
    assert client.joined().startswith(
        f"🔁 We asked for another time for the visit for #{ticket_id}"
    )
    asked = (await outbox(app, ENGINEER_ID, "visit_another"))[-1]
    assert asked.text.startswith(
        f"🔁 Maria cannot make the visit for #{ticket_id} on Wed, Nov 25, 11:00\u202fAM"
    )
    assert ("📅 Propose a visit", f"vs:new:{ticket_id}") in buttons(asked)
    assert (await load_ticket(app, ticket_id)).visit_at is None


async def test_offers_are_closed_when_replaced_or_the_request_is_cancelled(
    client: FlowChat, manager: FlowChat, monday: FrozenClock
) -> None:
    app = client.app
    ticket_id = await make_job(app, reporter_user_id=CLIENT_ID)
    for typed in ("tomorrow 10:00", "tomorrow 11:00"):
        await manager.press_data(f"vs:new:{ticket_id}")
        await manager.say(typed)
        await manager.press("📨 Offer 1 time")
    first, second = await outbox(app, CLIENT_ID, "visit_offered")
    [replaced] = await edits(app, first)
    assert replaced.text.endswith("These times were replaced by new ones.")
    assert await edits(app, second) == []
    await client.press_data(f"tk:{ticket_id}")
    await client.press("Cancel request")
    await client.press("Reported twice")
    await client.press("Yes, cancel it")
    [closed] = await edits(app, second)
    assert closed.text.endswith("The request is closed; these times no longer apply.")
    assert len(await edits(app, first)) == 1


# -- reminders ----------------------------------------------------------------------------------
async def reminders(app: App, kind: str) -> list[tuple[int, str]]:
    return [(row.chat_id, row.text) for row in await outbox(app, kind=kind)]


async def test_reminders_fire_once_with_two_processes_and_again_for_a_moved_visit(
    client: FlowChat,
    engineer: FlowChat,
    monday: FrozenClock,
    processes: Callable[..., list[App]],
) -> None:
    app = client.app
    ticket_id = await assigned_job(app, status=TicketStatus.ASSIGNED)
    await engineer_offers(engineer, ticket_id, "Tue, Nov 24, 2:00\u202fPM")
    await pick(client, await offered_to(app, CLIENT_ID), "Tue, Nov 24, 2:00\u202fPM")
    [other] = processes(1)
    schedulers = [build_scheduler(app), build_scheduler(other)]

    async def run(until: datetime) -> None:
        """Both processes tick every five minutes up to ``until``."""
        while monday.now() < until:
            monday.advance(timedelta(minutes=5))
            for scheduler in schedulers:
                await scheduler.run_due()

    await run(datetime(2026, 11, 23, 15, 55, tzinfo=UTC))  # 17:55 in Sofia
    assert await reminders(app, "visit_evening") == []
    await run(datetime(2026, 11, 23, 17, 0, tzinfo=UTC))  # till 19:00
    assert await reminders(app, "visit_evening") == [
        (
            CLIENT_ID,
            f"⏰ Reminder: the engineer's visit for #{ticket_id} (Linea PB) is on "
            "Tue, Nov 24, 2:00\u202fPM.",
        ),
        (
            ENGINEER_ID,
            f"⏰ Reminder: your visit to Acme Coffee Sofia for #{ticket_id} is on "
            "Tue, Nov 24, 2:00\u202fPM.",
        ),
    ]
    await run(datetime(2026, 11, 24, 11, 30, tzinfo=UTC))  # 13:30 on the day
    hour = await reminders(app, "visit_hour")
    assert [chat for chat, _ in hour] == [CLIENT_ID, ENGINEER_ID]
    assert hour[0][1].startswith(f"⏰ The engineer's visit for #{ticket_id} (Linea PB) is in an")
    assert len(await reminders(app, "visit_evening")) == 2

    # moved to Wednesday 09:00: reminders of its own, Tuesday evening and Wednesday 08:00
    await engineer_offers(engineer, ticket_id, "Wed, Nov 25, 9:00\u202fAM")
    await pick(client, await offered_to(app, CLIENT_ID), "Wed, Nov 25, 9:00\u202fAM")
    await run(datetime(2026, 11, 25, 6, 30, tzinfo=UTC))
    assert len(await reminders(app, "visit_evening")) == 4
    assert len(await reminders(app, "visit_hour")) == 4


async def test_a_visit_under_way_cannot_be_moved_by_the_customer(
    client: FlowChat, engineer: FlowChat, monday: FrozenClock
) -> None:
    app = client.app
    ticket_id = await assigned_job(app, status=TicketStatus.ASSIGNED)
    await engineer_offers(engineer, ticket_id, "Tue, Nov 24, 2:00\u202fPM")
    await pick(client, await offered_to(app, CLIENT_ID), "Tue, Nov 24, 2:00\u202fPM")
    async with app.db.transaction() as session:
        await session.execute(
            update(Ticket).where(Ticket.id == ticket_id).values(status=TicketStatus.ON_SITE)
        )
    await client.press_data(f"tk:{ticket_id}")
    assert "🔁 Change the visit time" not in client.button_texts()
    await client.press_data(f"vs:other:{ticket_id}")  # an old or forged button
    assert client.answer().text == (
        "The engineer is already on the way or on site, so the visit cannot be moved."
    )
    assert (await load_ticket(app, ticket_id)).visit_at is not None


async def test_no_reminders_for_a_cancelled_ticket(
    client: FlowChat, engineer: FlowChat, monday: FrozenClock
) -> None:
    app = client.app
    ticket_id = await assigned_job(app, status=TicketStatus.ASSIGNED)
    await engineer_offers(engineer, ticket_id, "Tue, Nov 24, 2:00\u202fPM")
    await pick(client, await offered_to(app, CLIENT_ID), "Tue, Nov 24, 2:00\u202fPM")
    async with app.db.transaction() as session:
        await session.execute(
            update(Ticket).where(Ticket.id == ticket_id).values(status=TicketStatus.CANCELLED)
        )
    scheduler = build_scheduler(app)
    for hours in (8, 4, 12):  # Monday 18:00, 22:00, Tuesday 10:00 (and 13:00 below)
        monday.advance(timedelta(hours=hours))
        await scheduler.run_due()
    monday.advance(timedelta(hours=3))
    await scheduler.run_due()
    assert await reminders(app, "visit_evening") == await reminders(app, "visit_hour") == []


# -- preventive maintenance ---------------------------------------------------------------------
async def test_maintenance_tells_the_customer_and_offers_times(
    client: FlowChat, manager: FlowChat, monday: FrozenClock
) -> None:
    app = client.app
    async with app.db.transaction() as session:
        for contract in await session.scalars(select(Contract)):
            contract.maintenance_interval_days = 90
            contract.valid_until = None
        for item in (await session.scalars(select(Equipment))).unique():
            # due Saturday 28 November: the job is due on the next working day, Monday 30
            item.installed_on = date(2026, 8, 30) if item.serial == "LM-PB-2231" else None
    async with app.db.transaction() as session:
        assert await plan_maintenance(session, monday.now(), app.settings, app.catalogs) == 1
    [notice] = await outbox(app, CLIENT_ID, "maintenance_customer")
    assert notice.text.splitlines() == [
        "🛠 Preventive maintenance of your Linea PB · LM-PB-2231 is due on Nov 30, 2026 (#1).",
        "Your contract C-100 includes it every 90 days.",
        "When may the engineer come?",
    ]
    labels = [text for text, _ in buttons(notice)]
    assert labels[0] == "Fri, Nov 27, 9:00\u202fAM" and labels[-2] == "Mon, Nov 30, 4:00\u202fPM"
    assert labels[-1] == "🔁 Another time" and len(labels) == 9
    await pick(client, notice, "Mon, Nov 30, 9:00\u202fAM")
    assert (await load_ticket(app, 1)).visit_at == datetime(2026, 11, 30, 7, tzinfo=UTC)
    [agreed] = await alerts(app, "visit_agreed")  # nobody has the job yet: the managers hear
    assert agreed.text == "✅ Maria agreed to the visit for #1 on Mon, Nov 30, 9:00\u202fAM."

    description = "Preventive maintenance under contract C-100, every 90 days, due Nov 30, 2026"
    await manager.press_data("mg:t:1")
    assert description in manager.last.text
    await client.press_data("tk:1")
    assert description in client.last.text
    async with app.db.transaction() as session:
        [slot] = await session.scalars(
            select(VisitSlot).where(VisitSlot.state == VisitState.AGREED)
        )
        assert slot.proposed_by is None
