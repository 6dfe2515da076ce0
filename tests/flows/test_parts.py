"""Part requests from a job through the engine: fuzzy search, stock, quantity, refusals."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import PartRequest, TicketEvent, TicketStatus, TimelineKind
from tests.support.chat import FlowChat
from tests.support.jobs import assigned_job, load_ticket
from tests.support.outbox import outbox


async def requests(chat: FlowChat) -> list[PartRequest]:
    async with chat.app.db.transaction() as session:
        return list(await session.scalars(select(PartRequest).order_by(PartRequest.id)))


async def test_request_with_typos_stock_per_warehouse_and_waiting(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"pq:start:{job}")
    assert f"Parts for #{job}: type a part name or number." in engineer.joined()
    await engineer.say("grup hed gaskit")  # typos
    assert "Choose the part" in engineer.joined()
    labels = [text for text, _ in engineer.last.buttons()]
    assert labels[0] == "LM-GSK-85 · Group head gasket 8.5 mm (La Marzocco) (in stock: 14)"
    await engineer.press("LM-GSK-85")
    shown = engineer.joined()
    assert "In stock:\nSofia central: 12\nPlovdiv: 2" in shown
    assert "How many do you need?" in shown

    await engineer.say("lots")
    assert "whole number from 1 to 99" in engineer.joined()
    await engineer.say("0")
    assert "whole number from 1 to 99" in engineer.joined()
    await engineer.say("150")
    assert "whole number from 1 to 99" in engineer.joined()
    assert await requests(engineer) == []
    await engineer.say("2 pcs")
    assert f"Requested for #{job}: LM-GSK-85" in engineer.joined()
    assert "× 2" in engineer.joined()
    [request] = await requests(engineer)
    assert request.quantity == 2 and request.ticket_id == job and request.status == "requested"
    async with engineer.app.db.transaction() as session:
        event = await session.scalar(
            select(TicketEvent).where(TicketEvent.kind == TimelineKind.PARTS)
        )
        assert event is not None and event.data["quantity"] == 2
        assert event.data["number"] == "LM-GSK-85"

    await engineer.press("Waiting for parts")  # the job card's status action
    job_now = await load_ticket(engineer.app, job)
    assert job_now.status is TicketStatus.WAITING_PARTS and job_now.sla_paused_at is not None
    assert [m.kind for m in await outbox(engineer.app, chat_id=501)] == ["job_waiting_parts"]


async def test_quantity_in_other_digits_is_asked_again(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"pq:start:{job}")
    await engineer.say("gasket")
    await engineer.press("LM-GSK-85")
    for text in ("٣", "２", "①", "9" * 30):
        await engineer.say(text)
        assert "whole number from 1 to 99" in engineer.joined()
    assert await requests(engineer) == []


async def test_part_numbers_and_cyrillic_and_nothing_found(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"pq:start:{job}")
    await engineer.say("DK-FLT35")
    assert engineer.last.buttons()[0][0].startswith("DK-FLT-35 · Air filter set FTXM35 (Daikin)")
    await engineer.say("Xyzzy quux")
    assert "No part matches “Xyzzy quux”" in engineer.joined()
    await engineer.say("SM-TUB-55")
    await engineer.press("SM-TUB-55")
    assert "Moscow: 0" in engineer.joined()
    await engineer.press("Cancel")
    assert "Nothing was requested" in engineer.joined()
    await engineer.say("1")
    assert await requests(engineer) == []


async def test_forged_part_and_stale_buttons(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"pq:start:{job}")
    await engineer.press_data(f"pq:pick:{job}:999999")
    assert "not in the catalog" in engineer.joined()
    other_job = await assigned_job(engineer.app)
    await engineer.press_data(f"pq:pick:{other_job}:1")
    assert "earlier step" in (engineer.answer().text or "")
    await engineer.press_data("pq:pick:x:y")
    assert engineer.answer().text == "This button is no longer active."


async def test_only_the_assigned_engineer_requests_parts(
    engineer: FlowChat, other_engineer: FlowChat
) -> None:
    job = await assigned_job(engineer.app)
    await other_engineer.press_data(f"pq:start:{job}")
    assert other_engineer.answer().text == "This job is not assigned to you."
    await other_engineer.say("gasket")  # no dialog was started for them
    assert "Choose the part" not in other_engineer.joined()
    assert (await load_ticket(engineer.app, job)).status is TicketStatus.ON_SITE

    resolved = await assigned_job(engineer.app, status=TicketStatus.RESOLVED)
    await engineer.press_data(f"pq:start:{resolved}")
    assert engineer.answer().text == "This job is no longer open."

    client = FlowChat(engineer.app, 501, name="Maria")
    await client.press_data(f"pq:start:{job}")
    assert client.answer().text == "This action is not available to you."


async def test_en_route_job_gets_no_waiting_button(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app, status=TicketStatus.EN_ROUTE)
    await engineer.press_data(f"pq:start:{job}")
    await engineer.say("shower screen")
    await engineer.press("LM-SHW-01")
    await engineer.say("1")
    assert "Requested for" in engineer.joined()
    assert not any("Waiting for parts" in text for text, _ in engineer.last.buttons())
