"""A part request from request to stock, through the engine: the managers' live alert offers
Issue from a warehouse / Order / Reject and is edited as the request moves; the engineer hears
of each decision and marks the part used or returned from the job card; the customer's
summaries list the parts used; stock moves with a ledger row each time, never below zero,
even with two managers pressing at once in two processes; low stock is told once per fall."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.core.replies import ForceReply, Send
from bot.services import parts
from storage.models import (
    MovementReason,
    Part,
    PartRequest,
    PartStatus,
    StockMovement,
    TicketKind,
    TicketStatus,
)
from tests.support.chat import FlowChat
from tests.support.jobs import assigned_job, make_job
from tests.support.outbox import alerts, buttons, edits, outbox
from tests.support.people import (
    CLIENT_ID,
    ENGINEER_ID,
    MANAGER_CHAT,
    MANAGER_ID,
    MANAGERS,
    OTHER_MANAGER_ID,
    engineer_chat,
)

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)
GASKET = "LM-GSK-85 · Group head gasket 8.5 mm (La Marzocco)"


def group(app: App, user_id: int = MANAGER_ID, name: str = "Olga") -> FlowChat:
    """A manager in the managers' chat, where the alerts are."""
    return FlowChat(app, user_id, name=name, group_id=MANAGER_CHAT)


async def request_part(engineer: FlowChat, job: int, number: str, quantity: int) -> int:
    await engineer.press_data(f"pq:start:{job}")
    await engineer.say(number)
    await engineer.press(number)
    await engineer.say(str(quantity))
    assert "Requested for" in engineer.joined()
    async with engineer.app.db.transaction() as session:
        found = await session.scalar(select(PartRequest).order_by(PartRequest.id.desc()))
        assert found is not None
        return found.id


async def alert_of(app: App, request_id: int) -> tuple[str, list[tuple[str, str]]]:
    """The part request's alert as it reads now (its last edit), with its buttons."""
    async with app.db.transaction() as session:
        request = await session.get_one(PartRequest, request_id)
        alert_id = request.alert_id
    [alert] = [row for row in await alerts(app, "part_request") if row.id == alert_id]
    changes = await edits(app, alert)
    last = changes[-1] if changes else alert
    return last.text, buttons(last)


def labels(found: list[tuple[str, str]]) -> list[str]:
    return [text for text, _ in found]


def data_of(found: list[tuple[str, str]], label: str) -> str:
    [data] = [data for text, data in found if label in text]
    return data


async def stock(app: App, number: str) -> list[tuple[str, int]]:
    async with app.db.transaction() as session:
        part = await session.scalar(select(Part).where(Part.number == number))
        assert part is not None
        return await parts.stock_by_warehouse(session, part.id)


async def status(app: App, request_id: int) -> PartRequest:
    async with app.db.transaction() as session:
        return await session.get_one(PartRequest, request_id)


async def ledger(app: App, request_id: int) -> list[tuple[int, MovementReason]]:
    async with app.db.transaction() as session:
        rows = await session.scalars(
            select(StockMovement)
            .where(StockMovement.request_id == request_id)
            .order_by(StockMovement.id)
        )
        return [(row.delta, row.reason) for row in rows]


async def told(app: App, kind: str) -> list[str]:
    return [row.text for row in await outbox(app, chat_id=ENGINEER_ID, kind=kind)]


# -- the whole way ------------------------------------------------------------------------------
async def test_requested_issued_used_and_listed_for_the_customer(
    engineer: FlowChat, client: FlowChat
) -> None:
    app = engineer.app
    job = await assigned_job(app, kind=TicketKind.BREAKDOWN)
    request = await request_part(engineer, job, "LM-GSK-85", 2)
    text, offered = await alert_of(app, request)
    assert text.startswith(f"📦 Part request for #{job}: {GASKET} × 2")
    assert "Sofia central: 12" in text and "Plovdiv: 2" in text
    assert labels(offered) == [
        "📤 Issue from Sofia central (12)",
        "📤 Issue from Plovdiv (2)",
        "🚚 Order",
        "✖ Reject",
        "🔎 Open",
    ]
    assert await stock(app, "LM-GSK-85") == [("Sofia central", 12), ("Plovdiv", 2)]

    manager = group(app)
    await manager.press_data(data_of(offered, "Sofia central"))
    assert manager.answer().text == "Issued from Sofia central: LM-GSK-85 × 2. 10 left there."
    assert await stock(app, "LM-GSK-85") == [("Sofia central", 10), ("Plovdiv", 2)]
    assert await ledger(app, request) == [(-2, MovementReason.ISSUED)]
    text, offered = await alert_of(app, request)
    assert "Sofia central: 10" in text
    assert "✅ Now: issued from Sofia central by Olga" in text
    assert labels(offered) == ["🔎 Open"]
    [issued] = await told(app, "part_issued")
    assert issued.startswith(f"📦 {GASKET} × 2 for #{job} is issued from Sofia central.")

    await engineer.press_data(f"mj:open:{job}")
    card = engineer.last
    assert f"Parts:\n• {GASKET} × 2 — issued" in card.text
    assert "✔ Used: LM-GSK-85" in labels(card.buttons())
    await engineer.press("Used: LM-GSK-85")
    assert engineer.answer().text == "Marked as used: LM-GSK-85 × 2."
    assert f"• {GASKET} × 2 — used" in card.text  # the card, redrawn in place
    assert not any("Used:" in label for label in labels(card.buttons()))
    assert (await status(app, request)).status is PartStatus.USED
    text, _ = await alert_of(app, request)
    assert "🔧 Now: used on the job (issued from Sofia central)" in text
    assert await stock(app, "LM-GSK-85") == [("Sofia central", 10), ("Plovdiv", 2)]

    await engineer.press_data(f"rs:{job}")
    await engineer.say("Replaced the group head gasket")
    [resolved] = await outbox(app, chat_id=CLIENT_ID, kind="resolved")
    assert f"Parts used:\n• {GASKET} × 2" in resolved.text
    await client.press_data(f"tk:{job}")
    assert f"Parts used:\n• {GASKET} × 2" in client.last.text


async def test_more_than_the_warehouse_holds_is_refused_with_the_numbers(
    engineer: FlowChat,
) -> None:
    app = engineer.app
    job = await assigned_job(app)
    request = await request_part(engineer, job, "LM-GSK-85", 3)
    _, offered = await alert_of(app, request)
    manager = group(app)
    await manager.press_data(data_of(offered, "Plovdiv"))
    assert manager.answer().text == (
        "Not enough in stock: Plovdiv has 2 of LM-GSK-85, 3 needed. Nothing was issued."
    )
    assert manager.answer().alert
    assert await stock(app, "LM-GSK-85") == [("Sofia central", 12), ("Plovdiv", 2)]
    assert (await status(app, request)).status is PartStatus.REQUESTED
    assert await ledger(app, request) == [] and await told(app, "part_issued") == []
    _, still = await alert_of(app, request)
    assert still == offered


async def test_two_managers_issue_the_last_unit_at_once(
    engineer: FlowChat, processes: Callable[..., list[App]]
) -> None:
    app = engineer.app
    job = await assigned_job(app)
    first = await request_part(engineer, job, "LM-PRS-12", 1)  # one in Sofia central
    second = await request_part(engineer, job, "LM-PRS-12", 1)
    sofia = data_of((await alert_of(app, first))[1], "Sofia central").rsplit(":", 1)[1]
    one, other = processes(2)
    olga, boris = group(one), group(other, OTHER_MANAGER_ID, "Boris")
    await asyncio.gather(
        olga.press_data(f"pr:iss:{first}:{sofia}"), boris.press_data(f"pr:iss:{second}:{sofia}")
    )
    answers = sorted(chat.answer().text or "" for chat in (olga, boris))
    assert answers == [
        "Issued from Sofia central: LM-PRS-12 × 1. 0 left there.",
        "Not enough in stock: Sofia central has 0 of LM-PRS-12, 1 needed. Nothing was issued.",
    ]
    assert await stock(app, "LM-PRS-12") == [("Plovdiv", 0), ("Sofia central", 0)]
    statuses = sorted([(await status(app, r)).status for r in (first, second)])
    assert statuses == [PartStatus.ISSUED, PartStatus.REQUESTED]
    assert len(await told(app, "part_issued")) == 1
    [low] = await alerts(app, "low_stock")  # 1 was already below 2: told on the first issue
    assert low.text.startswith("⚠️ Low stock: LM-PRS-12 · Boiler pressurestat 1.2 bar")

    # and the same request pressed in both processes: issued once
    third = await request_part(engineer, job, "LM-GSK-85", 1)
    _, offered = await alert_of(app, third)
    data = data_of(offered, "Sofia central")
    await asyncio.gather(olga.press_data(data), boris.press_data(data))
    answers = sorted(chat.answer().text or "" for chat in (olga, boris))
    assert answers == [
        "Issued from Sofia central: LM-GSK-85 × 1. 11 left there.",
        "This part is already issued.",
    ]
    assert await ledger(app, third) == [(-1, MovementReason.ISSUED)]


async def test_ordered_then_arrived_is_issued(engineer: FlowChat) -> None:
    app = engineer.app
    job = await assigned_job(app)
    request = await request_part(engineer, job, "SM-TUB-55", 1)  # none in Moscow
    _, offered = await alert_of(app, request)
    assert labels(offered) == ["🚚 Order", "✖ Reject", "🔎 Open"]

    manager = group(app)
    await manager.press_data(data_of(offered, "Order"))
    asked, reply = manager.shown[-2:]  # in a group, a typed answer is a reply
    assert reply.text == "Or reply with the expected date, for example 12.12 or 2026-12-12."
    assert isinstance(reply.markup, ForceReply)
    assert asked.text.startswith("When is SM-TUB-55 · X-ray tube assembly")
    assert f"× 1 for #{job} expected?" in asked.text
    assert labels(asked.buttons()) == [
        "Tomorrow",
        "In 3 days",
        "In a week",
        "In 2 weeks",
        "Leave it as it is",
    ]
    await manager.say("31.02")
    assert manager.last.text == "Please type the expected date, for example 12.12 or 2026-12-12."
    await manager.say("21.11.2026")
    assert manager.last.text == "That date is in the past. Please give a date from today on."
    await manager.say("12.12")
    assert manager.last.text == (
        f"🚚 Ordered: SM-TUB-55 · X-ray tube assembly Xray Vision 5500 (Siemens) × 1 for "
        f"#{job}, expected on Dec 12, 2026. The engineer is told."
    )
    assert (await status(app, request)).status is PartStatus.ORDERED
    [ordered] = await told(app, "part_ordered")
    assert f"× 1 for #{job} is ordered, expected on Dec 12, 2026." in ordered
    text, offered = await alert_of(app, request)
    assert "🚚 Now: ordered by Olga, expected on Dec 12, 2026" in text
    assert labels(offered) == ["📥 Arrived — issue", "🚚 Another date", "✖ Reject", "🔎 Open"]

    await manager.press_data(data_of(offered, "Arrived"))
    assert "It is issued from there at once." in manager.last.text
    assert labels(manager.last.buttons()) == [
        "Moscow",
        "Plovdiv",
        "Sofia central",
        "Leave it as it is",
    ]
    await manager.press("Moscow")
    assert manager.last.text.startswith("📥 Arrived at Moscow and issued: SM-TUB-55")
    assert (await status(app, request)).status is PartStatus.ISSUED
    assert await ledger(app, request) == [(1, MovementReason.ARRIVED), (-1, MovementReason.ISSUED)]
    assert await stock(app, "SM-TUB-55") == [("Moscow", 0)]
    [issued] = await told(app, "part_issued")
    assert "is issued from Moscow." in issued
    text, offered = await alert_of(app, request)
    assert "✅ Now: issued from Moscow by Olga" in text and labels(offered) == ["🔎 Open"]


async def test_ordered_for_tomorrow_by_button(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app)
    request = await request_part(engineer, job, "DK-CAP-45", 1)
    manager = group(engineer.app)
    await manager.press_data(f"pr:ord:{request}")
    await manager.press("Tomorrow")
    assert "expected on Nov 23, 2026. The engineer is told." in manager.joined()
    found = await status(engineer.app, request)
    assert found.status is PartStatus.ORDERED and str(found.expected_on) == "2026-11-23"
    await manager.say("12.12")  # the dialog is over: nothing changes
    assert (await status(engineer.app, request)).expected_on == found.expected_on


async def test_rejected_with_a_reason(engineer: FlowChat) -> None:
    app = engineer.app
    job = await assigned_job(app)
    request = await request_part(engineer, job, "DK-PCB-35R", 1)
    _, offered = await alert_of(app, request)
    manager = group(app)

    await manager.press_data(data_of(offered, "Reject"))
    assert isinstance(manager.last.markup, ForceReply)  # in a group, the answer is a reply
    await manager.press_data(f"pr:keep:{request}")  # the button it has in a private chat
    assert manager.last.text == "The part request is left as it is."
    await manager.say("Discontinued")  # no longer in the dialog
    assert (await status(app, request)).status is PartStatus.REQUESTED

    await manager.press_data(data_of(offered, "Reject"))
    assert manager.last.text.startswith("Why is DK-PCB-35R · Indoor unit control board")
    await manager.say("Discontinued by the maker; use the R2 board")
    assert manager.last.text.endswith(
        "The engineer is told: Discontinued by the maker; use the R2 board"
    )
    found = await status(app, request)
    assert found.status is PartStatus.REJECTED
    assert found.reason == "Discontinued by the maker; use the R2 board"
    [rejected] = await told(app, "part_rejected")
    assert rejected == (
        "✖ Your request for DK-PCB-35R · Indoor unit control board FTXM35R (Daikin) × 1 for "
        f"#{job} was rejected: Discontinued by the maker; use the R2 board"
    )
    text, now_offered = await alert_of(app, request)
    assert "✖ Now: rejected by Olga: Discontinued by the maker; use the R2 board" in text
    assert labels(now_offered) == ["🔎 Open"]
    await manager.press_data(data_of(offered, "Sofia central"))  # the old button
    assert manager.answer().text == "This part request was rejected."
    assert await stock(app, "DK-PCB-35R") == [("Sofia central", 1)]


async def test_returned_to_its_warehouse(engineer: FlowChat) -> None:
    app = engineer.app
    job = await assigned_job(app)
    request = await request_part(engineer, job, "DK-FLT-35", 2)
    _, offered = await alert_of(app, request)
    await group(app).press_data(data_of(offered, "Plovdiv"))
    assert await stock(app, "DK-FLT-35") == [("Sofia central", 8), ("Plovdiv", 1)]
    await engineer.press_data(f"mj:open:{job}")
    await engineer.press("Return: DK-FLT-35")
    assert engineer.answer().text == "Returned to Plovdiv: DK-FLT-35 × 2."
    assert "— returned" in engineer.last.text
    assert await stock(app, "DK-FLT-35") == [("Sofia central", 8), ("Plovdiv", 3)]
    assert await ledger(app, request) == [
        (-2, MovementReason.ISSUED),
        (2, MovementReason.RETURNED),
    ]
    text, _ = await alert_of(app, request)
    assert "↩ Now: returned to Plovdiv" in text
    await engineer.press_data(f"pq:used:{request}")  # a stale button
    assert engineer.answer().text == "This part was already returned."


async def test_the_timeline_says_where_each_part_went(
    engineer: FlowChat, manager: FlowChat, client: FlowChat
) -> None:
    """Issued, used and returned are lines of the job's timeline: the managers read the part,
    the warehouse and who did it; the customer reads that parts were issued and used, and
    nothing of one given back unused."""
    app = engineer.app
    job = await assigned_job(app, kind=TicketKind.BREAKDOWN)
    gasket = await request_part(engineer, job, "LM-GSK-85", 2)
    _, offered = await alert_of(app, gasket)
    await group(app).press_data(data_of(offered, "Sofia central"))
    await engineer.press_data(f"mj:open:{job}")
    await engineer.press("Used: LM-GSK-85")
    filters = await request_part(engineer, job, "DK-FLT-35", 1)
    _, offered = await alert_of(app, filters)
    await group(app).press_data(data_of(offered, "Plovdiv"))
    await engineer.press_data(f"mj:open:{job}")
    await engineer.press("Return: DK-FLT-35")

    await manager.press_data(f"mg:t:{job}")
    timeline = manager.last.text.split("Timeline:\n", 1)[1].splitlines()
    assert [line.split(" — ", 1)[1] for line in timeline] == [
        "Parts requested: LM-GSK-85 Group head gasket 8.5 mm (La Marzocco) × 2 (Petar)",
        "Part issued from Sofia central: LM-GSK-85 Group head gasket 8.5 mm (La Marzocco) × 2"
        " (Olga)",
        "Part used: LM-GSK-85 Group head gasket 8.5 mm (La Marzocco) × 2 (Petar)",
        "Parts requested: DK-FLT-35 Air filter set FTXM35 (Daikin) × 1 (Petar)",
        "Part issued from Plovdiv: DK-FLT-35 Air filter set FTXM35 (Daikin) × 1 (Olga)",
        "Part returned to Plovdiv: DK-FLT-35 Air filter set FTXM35 (Daikin) × 1 (Petar)",
    ]

    await client.press_data(f"tk:{job}")
    timeline = client.last.text.split("Timeline:\n", 1)[1].splitlines()
    assert [line.split(" — ", 1)[1] for line in timeline][-5:] == [
        "Spare parts requested",
        "Spare parts issued to the engineer",
        "Spare parts used",
        "Spare parts requested",
        "Spare parts issued to the engineer",  # and nothing of the one returned
    ]


async def test_low_stock_is_alerted_once_per_fall(engineer: FlowChat) -> None:
    app = engineer.app  # CR-FLT-42: 20 in Moscow, a minimum of 5
    job = await assigned_job(app)
    manager = group(app)
    first = await request_part(engineer, job, "CR-FLT-42", 15)
    await manager.press_data(data_of((await alert_of(app, first))[1], "Moscow"))
    assert await alerts(app, "low_stock") == []  # 5 left: at the minimum
    second = await request_part(engineer, job, "CR-FLT-42", 1)
    await manager.press_data(data_of((await alert_of(app, second))[1], "Moscow"))
    [low] = await alerts(app, "low_stock")
    assert low.text == (
        "⚠️ Low stock: CR-FLT-42 · Air filter 42QHC (Carrier). 4 left in all warehouses, "
        "below the minimum of 5."
    )
    assert buttons(low) == [("🔎 Open", f"mg:t:{job}")]
    third = await request_part(engineer, job, "CR-FLT-42", 1)
    await manager.press_data(data_of((await alert_of(app, third))[1], "Moscow"))
    assert len(await alerts(app, "low_stock")) == 1  # the same fall


async def test_the_alert_keeps_its_buttons_as_the_job_moves(engineer: FlowChat) -> None:
    app = engineer.app
    job = await assigned_job(app)
    request = await request_part(engineer, job, "LM-SHW-01", 1)
    _, offered = await alert_of(app, request)
    await engineer.press("Waiting for parts")
    text, now_offered = await alert_of(app, request)
    assert now_offered == offered and text.startswith(f"📦 Part request for #{job}")


@pytest.mark.parametrize(
    ("locale", "query", "name"),
    [
        ("ru", "прокладка", "Прокладка группы 8,5 мм (La Marzocco)"),
        ("bg", "уплътнение", "Уплътнение на групата 8,5 мм (La Marzocco)"),
        ("en", "прокладка", "Group head gasket 8.5 mm (La Marzocco)"),
    ],
)
async def test_part_names_in_the_engineers_language(
    engineer: FlowChat, locale: str, query: str, name: str
) -> None:
    app = engineer.app
    chat = await engineer_chat(app, 777, "Ivan", locale=locale, on_duty=True)
    job = await assigned_job(app, 777)
    await chat.press_data(f"pq:start:{job}")
    await chat.say(query)
    first = labels(chat.last.buttons())[0]
    assert first.startswith(f"LM-GSK-85 · {name[:40]}")
    await chat.press("LM-GSK-85")
    assert f"LM-GSK-85 · {name}" in chat.joined()


async def test_the_export_has_the_parts_and_the_stock_movements(
    engineer: FlowChat, clock: FrozenClock
) -> None:
    app = engineer.app
    job = await make_job(
        app,
        clock.now(),
        status=TicketStatus.ON_SITE,
        engineer_user_id=ENGINEER_ID,
        reporter_user_id=CLIENT_ID,
    )
    issued = await request_part(engineer, job, "LM-GSK-85", 2)
    rejected = await request_part(engineer, job, "DK-PCB-35R", 1)
    manager = group(app)
    await manager.press_data(data_of((await alert_of(app, issued))[1], "Sofia central"))
    await manager.press_data(f"pr:rej:{rejected}")
    await manager.say("Out of production")

    await manager.say("/export week")
    files = {
        reply.document_name: reply
        for reply in manager.last_replies
        if isinstance(reply, Send) and reply.document is not None
    }
    assert sorted(files) == [
        "parts-2026-11-16_2026-11-22.csv",
        "tickets-2026-11-16_2026-11-22.csv",
        "tickets-2026-11-16_2026-11-22.xlsx",
    ]
    raw = files["parts-2026-11-16_2026-11-22.csv"].document
    assert raw is not None
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [(r["Number"], r["Part number"], r["Quantity"], r["Status"]) for r in rows] == [
        (f"#{job}", "LM-GSK-85", "2", "Issued"),
        (f"#{job}", "DK-PCB-35R", "1", "Rejected"),
    ]
    assert rows[0]["Warehouse"] == "Sofia central" and rows[0]["Requested by"] == "Petar"
    assert rows[0]["Issued"] == "2026-11-22 11:00" and rows[1]["Reason"] == "Out of production"

    xlsx = files["tickets-2026-11-16_2026-11-22.xlsx"].document
    assert xlsx is not None
    book = load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["Requests", "Timeline", "Tests", "Parts", "Stock movements"]
    sheet = list(book["Parts"].iter_rows(values_only=True))
    assert sheet[1][:5] == (f"#{job}", "LM-GSK-85", GASKET.split(" · ")[1], 2, "Issued")
    moved = list(book["Stock movements"].iter_rows(values_only=True))
    assert moved[0] == (
        "Time",
        "Part number",
        "Part",
        "Warehouse",
        "Change",
        "Quantity after",
        "Reason",
        "Who",
        "Number",
    )
    assert moved[1:] == [
        (
            datetime(2026, 11, 22, 11),
            "LM-GSK-85",
            "Group head gasket 8.5 mm (La Marzocco)",
            "Sofia central",
            -2,
            10,
            "Issued",
            "Olga",
            f"#{job}",
        )
    ]


async def test_a_cancelled_job_leaves_only_reject(engineer: FlowChat) -> None:
    app = engineer.app
    job = await assigned_job(app)
    ordered = await request_part(engineer, job, "SM-TUB-55", 1)
    waiting = await request_part(engineer, job, "LM-SHW-01", 1)
    manager = group(app)
    await manager.press_data(f"pr:due:{ordered}:3")
    _, offered = await alert_of(app, waiting)
    await manager.press_data(f"mg:cx:{job}")
    await manager.say("The customer bought a new machine")
    await manager.press("Yes")
    assert (await alert_of(app, waiting))[1] == [
        ("✖ Reject", f"pr:rej:{waiting}"),
        ("🔎 Open", f"mg:t:{job}"),
    ]
    assert labels((await alert_of(app, ordered))[1]) == ["✖ Reject", "🔎 Open"]
    await manager.press_data(data_of(offered, "Sofia central"))  # the old button
    assert manager.answer().text == f"#{job} is no longer open; reject the part request instead."
    await manager.press_data(f"pr:arr:{ordered}")
    assert (await status(app, ordered)).status is PartStatus.ORDERED
    assert await stock(app, "LM-SHW-01") == [("Sofia central", 6)]


async def test_the_managers_card_lists_the_requests_and_decides_on_them(
    engineer: FlowChat, manager: FlowChat
) -> None:
    app = engineer.app
    job = await assigned_job(app)
    request = await request_part(engineer, job, "LM-GSK-85", 1)
    await manager.press_data(f"mg:t:{job}")
    assert f"Parts:\n• {GASKET} × 1 — requested" in manager.last.text
    await manager.press("Decide on LM-GSK-85")
    assert manager.last.text.startswith(f"📦 Part request for #{job}: {GASKET} × 1")
    await manager.press("Issue from Plovdiv")
    assert manager.answer().text == "Issued from Plovdiv: LM-GSK-85 × 1. 1 left there."
    await manager.press_data(f"mg:t:{job}")
    assert f"• {GASKET} × 1 — issued" in manager.last.text
    assert not any("Decide on" in label for label in labels(manager.last.buttons()))
    text, _ = await alert_of(app, request)  # the alert in the managers' chat follows
    assert "✅ Now: issued from Plovdiv by Olga" in text


async def test_the_other_requests_of_the_part_show_the_stock_left(engineer: FlowChat) -> None:
    app = engineer.app
    job = await assigned_job(app)
    first = await request_part(engineer, job, "LM-PRS-12", 1)  # the only one, in Sofia central
    second = await request_part(engineer, job, "LM-PRS-12", 1)
    assert "📤 Issue from Sofia central (1)" in labels((await alert_of(app, second))[1])
    await group(app).press_data(data_of((await alert_of(app, first))[1], "Sofia central"))
    text, offered = await alert_of(app, second)
    assert "Sofia central: 0" in text
    assert labels(offered) == ["🚚 Order", "✖ Reject", "🔎 Open"]


async def test_in_a_private_chat_the_prompts_carry_their_buttons(
    engineer: FlowChat, manager: FlowChat
) -> None:
    job = await assigned_job(engineer.app)
    request = await request_part(engineer, job, "DK-CAP-45", 1)
    await manager.press_data(f"pr:ord:{request}")
    assert "Leave it as it is" in labels(manager.last.buttons())  # one message, no reply asked
    await manager.press("Leave it as it is")
    assert manager.last.text == "The part request is left as it is."
    await manager.press_data(f"pr:rej:{request}")
    await manager.press("Leave it as it is")
    await manager.say("Not needed")  # the dialog is over
    assert (await status(engineer.app, request)).status is PartStatus.REQUESTED
