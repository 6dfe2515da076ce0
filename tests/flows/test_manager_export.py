"""/export: real CSV and XLSX documents, read back with the csv module and openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import App
from bot.core.replies import Send
from bot.services.exports import Sheet, to_csv
from storage.models import ChecklistCheck, TestResult, TicketEvent, TimelineKind
from tests.support.chat import FlowChat
from tests.support.known_month import at, known_month
from tests.support.people import MANAGERS
from tests.support.seed import import_examples

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)


def documents(chat: FlowChat) -> dict[str, Send]:
    return {
        reply.document_name or "": reply
        for reply in chat.last_replies
        if isinstance(reply, Send) and reply.document is not None
    }


async def with_timeline_and_tests(app: App) -> dict[str, int]:
    ids = await known_month(app)
    await import_examples(app)
    async with app.db.transaction() as session:
        check = await session.scalar(select(ChecklistCheck).where(ChecklistCheck.position == 1))
        assert check is not None
        session.add_all(
            [
                TicketEvent(ticket_id=ids["t3"], at=at(18), kind=TimelineKind.CREATED, data={}),
                TicketEvent(
                    ticket_id=ids["t3"], at=at(20), kind=TimelineKind.NOTE, note="Труба заменена"
                ),
                TestResult(
                    ticket_id=ids["t3"],
                    check_id=check.id,
                    value_text="1.1",
                    value_number=1.1,
                    passed=True,
                    measured_at=at(20, 9),
                ),
            ]
        )
    return ids


async def test_export_week_as_csv_and_xlsx(manager: FlowChat, seeded: App) -> None:
    ids = await with_timeline_and_tests(seeded)
    await manager.say("/export week")
    files = documents(manager)
    stem = "tickets-2026-11-16_2026-11-22"
    assert sorted(files) == [f"{stem}.csv", f"{stem}.xlsx"]
    assert files[f"{stem}.csv"].text == "3 requests opened in Nov 16\u2009–\u200922, 2026."

    raw = files[f"{stem}.csv"].document
    assert raw is not None and raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [row["Number"] for row in rows] == [f"#{ids['t3']}", f"#{ids['t2']}", f"#{ids['t1']}"]
    t3 = rows[0]
    assert t3["Opened"] == "2026-11-18 12:00"  # Sofia time
    assert t3["Kind"] == "Installation" and t3["Status"] == "Closed"
    assert t3["Customer"] == "Acme Coffee Sofia" and t3["Serial number"] == "LM-PB-2231"
    assert t3["Rating"] == "5"
    assert t3["Tests"] == "Boiler pressure: 1.1 bar ✓"
    assert t3["Timeline"] == "2026-11-18 12:00 Registered\n2026-11-20 12:00 Note: Труба заменена"

    xlsx = files[f"{stem}.xlsx"].document
    assert xlsx is not None
    book = load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["Requests", "Timeline", "Tests", "Parts", "Stock movements"]
    requests = list(book["Requests"].iter_rows(values_only=True))
    assert requests[0][:3] == ("Number", "Opened", "Kind") and len(requests) == 4
    assert requests[1][0] == f"#{ids['t3']}" and requests[1][1] == datetime(2026, 11, 18, 12)
    timeline = list(book["Timeline"].iter_rows(values_only=True))
    assert timeline[2] == (
        f"#{ids['t3']}",
        datetime(2026, 11, 20, 12),
        "Note",
        "Registered, waiting for an engineer",  # the status the note left it in
        None,
        "Труба заменена",
    )
    tests = list(book["Tests"].iter_rows(values_only=True))
    assert tests[1] == (
        f"#{ids['t3']}",
        "Boiler pressure",
        1.1,  # a number Excel can sum and compare, as the spec beside it
        "bar",
        0.8,
        1.5,
        "yes",
        datetime(2026, 11, 20, 11),
    )


async def test_export_month_range_and_bad_input(manager: FlowChat, seeded: App) -> None:
    await known_month(seeded)
    await manager.say("/export")
    assert sorted(documents(manager)) == ["tickets-2026-11.csv", "tickets-2026-11.xlsx"]
    await manager.say("/export 2026-10-01..2026-10-31")
    files = documents(manager)
    raw = files["tickets-2026-10-01_2026-10-31.csv"].document
    assert raw is not None
    assert len(list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))) == 2  # header + t5
    await manager.say("/export 2026-01-01..2026-01-31")
    assert manager.joined() == "No requests were opened in Jan 1\u2009–\u200931, 2026."
    await manager.say("/export yesterday")
    assert manager.joined().startswith("Usage: /export week")
    await manager.press("This week")
    assert len(documents(manager)) == 2


async def test_export_in_russian_and_bulgarian_opens_in_their_excel(
    manager: FlowChat, seeded: App
) -> None:
    """Period words in the manager's language; ";" and decimal commas where Excel's list
    separator is ";"; headers frozen and numbers as numbers in the workbook."""
    ids = await with_timeline_and_tests(seeded)
    await manager.say("/language")
    await manager.press("Русский")
    await manager.say("/export неделя")
    files = documents(manager)
    stem = "tickets-2026-11-16_2026-11-22"
    raw = files[f"{stem}.csv"].document
    assert raw is not None and raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == 4 and len(rows[0]) > 10  # a column per field, not one
    assert rows[1][0] == f"#{ids['t3']}"
    book = load_workbook(io.BytesIO(files[f"{stem}.xlsx"].document or b""))
    sheet = book.worksheets[2]  # the tests
    assert sheet.freeze_panes == "A2" and sheet["C2"].value == 1.1
    assert sheet.column_dimensions["B"].width > len("Boiler pressure")

    await manager.say("/language")
    await manager.press("Български")
    await manager.say("/export месец")
    assert sorted(documents(manager)) == ["tickets-2026-11.csv", "tickets-2026-11.xlsx"]
    await manager.say("/export седмица")
    assert f"{stem}.csv" in documents(manager)


def test_csv_numbers_with_a_decimal_comma_for_ru_and_bg() -> None:
    sheet = Sheet("Tests", ["Check", "Value"], [["Pressure", 1.5], ["=SUM(A1)", 2]])
    assert to_csv(sheet, "bg").decode("utf-8-sig").splitlines() == [
        "Check;Value",
        "Pressure;1,5",
        "'=SUM(A1);2",
    ]
    assert to_csv(sheet, "en").decode("utf-8-sig").splitlines()[1] == "Pressure,1.5"


async def test_yes_no_tests_export_as_phrases_and_a_skip_as_skipped(
    manager: FlowChat, seeded: App
) -> None:
    ids = await with_timeline_and_tests(seeded)
    async with seeded.db.transaction() as session:
        checks = {
            check.names["en"]: check for check in await session.scalars(select(ChecklistCheck))
        }
        leak, grinder, notes = (
            checks["Leak test passed"],
            checks["Grinder calibrated"],
            checks["Notes"],
        )
        for check, value, passed, skipped in (
            (grinder, "no", False, False),
            (leak, "yes", True, False),
            (notes, "", False, True),
        ):
            session.add(
                TestResult(
                    ticket_id=ids["t3"],
                    check_id=check.id,
                    value_text=value,
                    passed=passed,
                    skipped=skipped,
                    measured_at=at(20, 10),
                )
            )
    await manager.say("/export week")
    stem = "tickets-2026-11-16_2026-11-22"
    files = documents(manager)
    raw = files[f"{stem}.csv"].document
    assert raw is not None
    t3 = next(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert t3["Tests"] == (
        "Boiler pressure: 1.1 bar ✓\nGrinder not calibrated ✗\nNo leaks ✓\n— Notes: skipped"
    )
    book = load_workbook(io.BytesIO(files[f"{stem}.xlsx"].document or b""))
    rows = [row[1:3] + row[6:7] for row in book["Tests"].iter_rows(min_row=3, values_only=True)]
    assert rows == [
        ("Grinder calibrated", "Grinder not calibrated", "no"),
        ("Leak test passed", "No leaks", "yes"),
        ("Notes", None, "skipped"),
    ]

    await manager.say("/language")
    await manager.press("Русский")
    await manager.say("/export неделя")
    book = load_workbook(io.BytesIO(documents(manager)[f"{stem}.xlsx"].document or b""))
    values = [row[2] for row in book.worksheets[2].iter_rows(min_row=3, values_only=True)]
    assert values[:2] == ["Кофемолка не откалибрована", "Протечек нет"]
