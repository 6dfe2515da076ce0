"""The jobs service on a real database: the board, taking a job, statuses and the SLA clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from math import asin, atan2, cos, degrees, radians, sin

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.core.events import Attachment
from bot.services import jobs
from bot.services.errors import Forbidden, InvalidState, NotFound
from storage.models import (
    AttachmentKind,
    Equipment,
    Person,
    Priority,
    Role,
    Site,
    TicketAttachment,
    TicketStatus,
    TimelineKind,
)
from tests.support.jobs import events, load_ticket, make_job
from tests.support.people import make_engineer
from tests.support.seed import PLOVDIV_CENTRE, SOFIA_CENTRE


async def board_ids(app: App, engineer_id: int, offset: int = 0, limit: int = 6) -> list[int]:
    async with app.db.transaction() as session:
        engineer = await session.get_one(Person, engineer_id)
        items, _ = await jobs.board(session, engineer, app.engine.clock.now(), offset, limit)
        return [item.ticket.id for item in items]


async def accept(app: App, ticket_id: int, engineer_id: int) -> None:
    async with app.db.transaction() as session:
        engineer = await session.get_one(Person, engineer_id)
        await jobs.accept(session, ticket_id, engineer, app.engine.clock.now())


async def move(
    app: App, ticket_id: int, engineer_id: int, status: TicketStatus, **kw: object
) -> None:
    async with app.db.transaction() as session:
        engineer = await session.get_one(Person, engineer_id)
        ticket = await jobs.get_my_job(session, ticket_id, engineer)
        await jobs.set_status(
            session, ticket, engineer, status, app.engine.clock.now(), app.settings, **kw
        )  # type: ignore[arg-type]


async def test_board_shows_only_jobs_matching_skills(seeded: App, clock: FrozenClock) -> None:
    now = clock.now()
    coffee = await make_job(seeded, now, "LM-PB-2231")
    hvac = await make_job(seeded, now, "DK-35-8812")
    medical = await make_job(seeded, now, "SM-XR-5500", customer_ref="NORD")
    unknown = await make_job(seeded, now, None)
    hvac_engineer = await make_engineer(seeded, 301, skills=("hvac",))
    anyone = await make_engineer(seeded, 302)
    assert sorted(await board_ids(seeded, hvac_engineer)) == sorted([hvac, unknown])
    assert sorted(await board_ids(seeded, anyone)) == sorted([coffee, hvac, medical, unknown])


async def test_board_orders_by_urgency_then_distance_then_age(
    seeded: App, clock: FrozenClock
) -> None:
    now = clock.now()
    far_old = await make_job(seeded, now - timedelta(days=2), "DK-35-8812")  # Plovdiv
    near_new = await make_job(seeded, now, "LM-PB-2231")  # Sofia
    unknown_older = await make_job(seeded, now - timedelta(days=3), None)
    unknown_newer = await make_job(seeded, now - timedelta(days=1), None)
    urgent_far = await make_job(seeded, now, "CR-42-0117", Priority.URGENT, "NORD")  # Moscow
    stopped = await make_job(seeded, now, None, Priority.PRODUCTION_STOPPED)
    in_sofia = await make_engineer(seeded, 303, location=SOFIA_CENTRE)
    assert await board_ids(seeded, in_sofia) == [
        stopped,
        urgent_far,
        near_new,
        far_old,
        unknown_older,
        unknown_newer,
    ]
    in_plovdiv = await make_engineer(seeded, 304, location=PLOVDIV_CENTRE)
    assert (await board_ids(seeded, in_plovdiv))[2:4] == [far_old, near_new]
    nowhere = await make_engineer(seeded, 305)  # no location: oldest first within urgency
    assert (await board_ids(seeded, nowhere))[2:] == [
        unknown_older,
        far_old,
        unknown_newer,
        near_new,
    ]
    assert await board_ids(seeded, in_sofia, offset=4, limit=6) == [unknown_older, unknown_newer]


async def test_board_distances(seeded: App, clock: FrozenClock) -> None:
    await make_job(seeded, clock.now(), "DK-35-8812")
    engineer_id = await make_engineer(seeded, 306, location=SOFIA_CENTRE)
    async with seeded.db.transaction() as session:
        engineer = await session.get_one(Person, engineer_id)
        [item], total = await jobs.board(session, engineer, clock.now())
    assert total == 1 and item.customer_name == "Acme Coffee Sofia"
    assert item.distance_km is not None and 125 < item.distance_km < 135  # Sofia–Plovdiv


def destination(start: tuple[float, float], km: float, bearing: float) -> tuple[float, float]:
    """The point ``km`` along the great circle from ``start`` at ``bearing`` degrees."""
    lat, lon, angle, heading = (
        radians(start[0]),
        radians(start[1]),
        km / 6371.0,
        radians(bearing),
    )
    lat2 = asin(sin(lat) * cos(angle) + cos(lat) * sin(angle) * cos(heading))
    lon2 = lon + atan2(sin(heading) * sin(angle) * cos(lat), cos(angle) - sin(lat) * sin(lat2))
    return degrees(lat2), degrees(lon2)


async def job_at(app: App, now: datetime, position: tuple[float, float], serial: str) -> int:
    """A job on a machine of its own at its own site of Acme's, at ``position``."""
    async with app.db.transaction() as session:
        model = await session.scalar(select(Equipment).where(Equipment.serial == "LM-PB-2231"))
        assert model is not None
        site = Site(customer_id=model.customer_id, name=serial, latitude=position[0])
        site.longitude = position[1]
        session.add(site)
        await session.flush()
        session.add(
            Equipment(
                serial=serial, model_id=model.model_id, customer_id=model.customer_id, site=site
            )
        )
    return await make_job(app, now, serial)


@pytest.mark.parametrize(
    ("centre", "km"),
    [(SOFIA_CENTRE, 3.0), (SOFIA_CENTRE, 240.0), ((60.17, 24.94), 100.0)],
    ids=["sofia-3km", "sofia-240km", "helsinki-100km"],
)
async def test_board_order_agrees_with_the_distances_shown(
    seeded: App, clock: FrozenClock, centre: tuple[float, float], km: float
) -> None:
    """The database orders by an approximation (no trigonometry in SQL); around the ring, jobs
    0.2 km apart in every direction still come in the order of the distances on the board."""
    now = clock.now()
    made = {}
    for step, bearing in enumerate([0, 135, 270, 45, 180, 315, 90, 225, 20, 200]):
        # the nearest in the middle of the list, the farthest not last
        distance = km + 0.2 * ((step * 7) % 10)
        made[await job_at(seeded, now, destination(centre, distance, bearing), f"R-{step}")] = (
            distance
        )
    engineer_id = await make_engineer(seeded, 307, location=centre)
    async with seeded.db.transaction() as session:
        engineer = await session.get_one(Person, engineer_id)
        items, total = await jobs.board(session, engineer, now, 0, 20)
        past_the_end, total_there = await jobs.board(session, engineer, now, 20, 6)
    assert total == total_there == len(made) and past_the_end == []
    assert [item.ticket.id for item in items] == sorted(made, key=made.__getitem__)
    shown = [round(item.distance_km or 0.0, 1) for item in items]
    assert shown == sorted(shown) and len(set(shown)) == len(shown)
    for item in items:
        assert item.distance_km == pytest.approx(made[item.ticket.id], abs=0.01)


async def test_accept_assigns_once_with_timeline(seeded: App, clock: FrozenClock) -> None:
    job = await make_job(seeded, clock.now())
    first = await make_engineer(seeded, 310)
    second = await make_engineer(seeded, 311)
    clock.advance(timedelta(minutes=20))
    await accept(seeded, job, first)
    ticket = await load_ticket(seeded, job)
    assert ticket.status is TicketStatus.ASSIGNED and ticket.engineer_id == first
    assert ticket.responded_at == clock.now() and ticket.updated_at == clock.now()
    with pytest.raises(jobs.JobTaken) as taken:
        await accept(seeded, job, second)
    assert not taken.value.mine
    with pytest.raises(jobs.JobTaken) as again:
        await accept(seeded, job, first)
    assert again.value.mine
    assert len(await events(seeded, job, TimelineKind.ASSIGNED)) == 1
    assert await board_ids(seeded, second) == []


async def test_accept_refusals(seeded: App, clock: FrozenClock) -> None:
    coffee = await make_job(seeded, clock.now(), "LM-PB-2231")
    hvac_engineer = await make_engineer(seeded, 312, skills=("hvac",))
    with pytest.raises(Forbidden):
        await accept(seeded, coffee, hvac_engineer)
    with pytest.raises(NotFound):
        await accept(seeded, 9999, hvac_engineer)
    async with seeded.db.transaction() as session:
        client = Person(tg_user_id=313, chat_id=313, locale="en", role=Role.CLIENT, skills=[])
        session.add(client)
        await session.flush()
        with pytest.raises(Forbidden):
            await jobs.accept(session, coffee, client, clock.now())
    ticket = await load_ticket(seeded, coffee)
    assert ticket.status is TicketStatus.NEW and ticket.engineer_id is None


async def test_transitions(seeded: App, clock: FrozenClock) -> None:
    job = await make_job(seeded, clock.now())
    engineer = await make_engineer(seeded, 320)
    await accept(seeded, job, engineer)
    with pytest.raises(InvalidState):
        await move(seeded, job, engineer, TicketStatus.WAITING_PARTS)
    eta = clock.now() + timedelta(minutes=30)
    await move(seeded, job, engineer, TicketStatus.EN_ROUTE, eta=eta, note="traffic")
    assert (await load_ticket(seeded, job)).eta == eta
    with pytest.raises(InvalidState):
        await move(seeded, job, engineer, TicketStatus.ASSIGNED)
    await move(seeded, job, engineer, TicketStatus.ON_SITE)
    await move(seeded, job, engineer, TicketStatus.WAITING_PARTS)
    with pytest.raises(InvalidState):
        await move(seeded, job, engineer, TicketStatus.EN_ROUTE)
    await move(seeded, job, engineer, TicketStatus.ON_SITE)
    await move(seeded, job, engineer, TicketStatus.RESOLVED)
    ticket = await load_ticket(seeded, job)
    assert ticket.status is TicketStatus.RESOLVED and ticket.resolved_at == clock.now()
    with pytest.raises(InvalidState):
        await move(seeded, job, engineer, TicketStatus.ON_SITE)
    statuses = [event.status for event in await events(seeded, job, TimelineKind.STATUS)]
    assert statuses == [
        TicketStatus.EN_ROUTE,
        TicketStatus.ON_SITE,
        TicketStatus.WAITING_PARTS,
        TicketStatus.ON_SITE,
        TicketStatus.RESOLVED,
    ]
    assert (await events(seeded, job, TimelineKind.STATUS))[0].note == "traffic"


async def test_sla_clock_pauses_while_waiting_for_parts(seeded: App, clock: FrozenClock) -> None:
    job = await make_job(seeded, clock.now())
    due = (await load_ticket(seeded, job)).resolution_due
    assert due is not None
    engineer = await make_engineer(seeded, 321)
    await accept(seeded, job, engineer)
    await move(seeded, job, engineer, TicketStatus.ON_SITE)
    await move(seeded, job, engineer, TicketStatus.WAITING_PARTS)
    assert (await load_ticket(seeded, job)).sla_paused_at == clock.now()
    clock.advance(timedelta(hours=3))
    await move(seeded, job, engineer, TicketStatus.ON_SITE)
    ticket = await load_ticket(seeded, job)
    assert ticket.sla_paused_at is None and ticket.sla_paused_seconds == 3 * 3600
    assert ticket.resolution_due == due + timedelta(hours=3)
    await move(seeded, job, engineer, TicketStatus.WAITING_PARTS)
    clock.advance(timedelta(minutes=90))
    await move(seeded, job, engineer, TicketStatus.RESOLVED)  # resolving also ends the pause
    ticket = await load_ticket(seeded, job)
    assert ticket.sla_paused_seconds == 3 * 3600 + 90 * 60
    assert ticket.resolution_due == due + timedelta(hours=4, minutes=30)


async def test_hand_back_returns_job_to_board(seeded: App, clock: FrozenClock) -> None:
    job = await make_job(seeded, clock.now())
    engineer = await make_engineer(seeded, 330)
    other = await make_engineer(seeded, 331)
    await accept(seeded, job, engineer)
    await move(seeded, job, engineer, TicketStatus.ON_SITE)
    await move(seeded, job, engineer, TicketStatus.WAITING_PARTS)
    clock.advance(timedelta(hours=1))
    async with seeded.db.transaction() as session:
        me = await session.get_one(Person, engineer)
        ticket = await jobs.get_my_job(session, job, me)
        await jobs.hand_back(
            session, ticket, me, "Needs a gas-certified engineer", clock.now(), seeded.settings
        )
    ticket = await load_ticket(seeded, job)
    assert ticket.status is TicketStatus.NEW and ticket.engineer_id is None
    assert ticket.sla_paused_at is None and ticket.sla_paused_seconds == 3600
    [event] = await events(seeded, job, TimelineKind.HANDED_BACK)
    assert event.note == "Needs a gas-certified engineer" and event.actor_id == engineer
    assert await board_ids(seeded, other) == [job]
    first_response = ticket.responded_at
    clock.advance(timedelta(hours=1))
    await accept(seeded, job, other)
    assert (await load_ticket(seeded, job)).responded_at == first_response


async def test_someone_elses_job_is_not_found(seeded: App, clock: FrozenClock) -> None:
    job = await make_job(seeded, clock.now())
    owner = await make_engineer(seeded, 340)
    stranger = await make_engineer(seeded, 341)
    async with seeded.db.transaction() as session:
        me = await session.get_one(Person, stranger)
        with pytest.raises(NotFound):  # still on the board: not "my" job either
            await jobs.get_my_job(session, job, me)
    await accept(seeded, job, owner)
    async with seeded.db.transaction() as session:
        me = await session.get_one(Person, stranger)
        with pytest.raises(NotFound):
            await jobs.get_my_job(session, job, me)
        mine = await session.get_one(Person, owner)
        ticket = await jobs.get_my_job(session, job, mine)
        with pytest.raises(Forbidden):
            await jobs.set_status(
                session, ticket, me, TicketStatus.ON_SITE, clock.now(), seeded.settings
            )
        with pytest.raises(Forbidden):
            await jobs.add_note(session, ticket, me, "hi", clock.now())


async def test_notes_and_photos(seeded: App, clock: FrozenClock) -> None:
    job = await make_job(seeded, clock.now())
    engineer = await make_engineer(seeded, 350)
    await accept(seeded, job, engineer)
    async with seeded.db.transaction() as session:
        me = await session.get_one(Person, engineer)
        ticket = await jobs.get_my_job(session, job, me)
        await jobs.add_note(session, ticket, me, "Pump replaced", clock.now())
        for file_id, caption in (("file-1", "before"), ("file-2", None)):
            photo = Attachment(AttachmentKind.PHOTO, file_id)
            await jobs.add_attachment(session, ticket, me, photo, clock.now(), caption=caption)
        photos = await session.scalars(
            TicketAttachment.__table__.select().where(TicketAttachment.ticket_id == job)
        )
        assert len(list(photos)) == 2
    [note] = await events(seeded, job, TimelineKind.NOTE)
    assert note.note == "Pump replaced"
    assert [e.note for e in await events(seeded, job, TimelineKind.ATTACHMENT)] == ["before", None]
