"""The service report PDF: issued in the customer's language when they confirm the work, read
back as text (Cyrillic checks, values, the code), verified by managers, fetched from cards."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select, update

from bot.services import service_reports, tickets
from bot.services.importer import import_csv
from storage.models import (
    Part,
    PartRequest,
    PartStatus,
    Person,
    ServiceReport,
    Ticket,
    TicketKind,
)
from tests.support.chat import FlowChat
from tests.support.jobs import assigned_job
from tests.support.papers import documents, pdf_text, qr_texts
from tests.support.people import CLIENT_ID, client_chat, engineer_chat
from tests.support.seed import NORD_PARTS, NORD_PHONE, REPAIR_CHECKS
from tests.support.steps import log_tests


async def confirm(client: FlowChat, job: int) -> bytes:
    await client.press_data(f"cf:ok:{job}")
    [sent] = documents(client.last_replies)
    assert sent.document_name == f"service-report-{job}.pdf"
    assert sent.document is not None
    return sent.document


async def stored(client: FlowChat, job: int) -> ServiceReport:
    async with client.app.db.transaction() as session:
        report = await service_reports.for_ticket(session, job)
        assert report is not None
        return report


async def test_bulgarian_installation_report_with_retest_and_verification(
    engineer: FlowChat, manager: FlowChat
) -> None:
    client = await client_chat(engineer.app, 601, name="Мария Иванова", language_code="bg")
    job = await assigned_job(engineer.app, reporter_user_id=601)
    # the boiler first out of spec, then retested within it
    await log_tests(engineer, job, ("2,4", "93", "9", "yes", "yes", "Всичко е наред"))
    await engineer.press_data(f"ts:start:{job}")
    await engineer.say("1,2")
    await engineer.press_data(f"rs:{job}")
    await engineer.say("Монтирана и пусната, персоналът е обучен")

    pdf = await confirm(client, job)
    report = await stored(client, job)
    assert report.locale == "bg" and report.passed and report.pdf == pdf
    text = pdf_text(pdf)
    for expected in (
        "Налягане в бойлера",  # the checks in Bulgarian, with their values
        "Температура на водата за запарка",
        "1,2",  # numbers as Bulgarian writes them
        "2,4",  # the failed first measurement, shown as a retest
        "93",
        "Мелачката е калибрирана",
        "Няма течове",  # the leak test as its phrase, not "yes"
        "Монтирана и пусната, персоналът е обучен",
        "Мария Иванова",
        "LM-PB-2231",
        "Acme Coffee Sofia",
        "Petar",
        report.code,
    ):
        assert expected in text, (expected, text)
    [scanned] = qr_texts(pdf)  # the QR a manager scans: the code, to check in the bot
    assert scanned.endswith(report.code)

    await manager.say(f"/verify {report.code.lower().replace('-', ' ')}")
    assert f"The code {report.code} is genuine: the service report of #{job}" in manager.joined()
    altered = report.code[:-1] + ("A" if report.code[-1] != "A" else "B")
    await manager.say(f"/verify {altered}")
    assert "Not ours" in manager.joined() and f"#{job}" not in manager.joined()


async def test_yes_no_phrases_and_a_skipped_check_in_the_report(
    engineer: FlowChat, client: FlowChat
) -> None:
    job = await assigned_job(engineer.app)
    await log_tests(engineer, job, ("1.1", "92", "9", "+", "да"))
    await engineer.press("Next")  # the optional notes are asked
    await engineer.press("Skip")  # the optional notes
    await engineer.press_data(f"rs:{job}")
    await engineer.say("Installed and commissioned")
    text = pdf_text(await confirm(client, job))
    for expected in ("Grinder calibrated", "No leaks", "Notes (optional)", "skipped"):
        assert expected in text, (expected, text)
    assert "yes" not in text and "да" not in text and "+" not in text
    assert (await stored(client, job)).passed  # a skip fails nothing


async def test_russian_repair_report_with_parts(manager: FlowChat) -> None:
    app = manager.app
    async with app.db.transaction() as session:
        assert not (await import_csv(session, "checklists", REPAIR_CHECKS)).errors
        assert not (
            await import_csv(
                session,
                "parts",
                NORD_PARTS,
            )
        ).errors
    engineer = await engineer_chat(app, 701, "Сергей Кузнецов", on_duty=True)
    client = await client_chat(app, 602, phone=NORD_PHONE, name="Иван Петров", language_code="ru")
    job = await assigned_job(
        app, 701, serial="CR-42-0117", kind=TicketKind.BREAKDOWN, reporter_user_id=602
    )
    async with app.db.transaction() as session:
        part = await session.scalar(select(Part).where(Part.number == "CR-CAP-45"))
        assert part is not None
        session.add(
            PartRequest(ticket_id=job, part_id=part.id, quantity=1, status=PartStatus.USED)
        )
    await log_tests(engineer, job, ("10,5", "9", "да"))
    await engineer.press_data(f"rs:{job}")
    await engineer.say("Заменён пусковой конденсатор, дренаж прочищен")
    pdf = await confirm(client, job)
    report = await stored(client, job)
    text = pdf_text(pdf)
    for expected in (
        "Давление хладагента",
        "10,5",
        "Температура воздуха на выходе",
        "Дренаж чист",
        "Пусковой конденсатор",
        "CR-CAP-45",
        "Заменён пусковой конденсатор, дренаж прочищен",
        "Иван Петров",
        "Сергей Кузнецов",
        "Nord Pharma",
        "CR-42-0117",
        report.code,
    ):
        assert expected in text, (expected, text)

    # the manager fetches the same file from the ticket's card; the engineer from the notice
    await manager.say(f"/verify {report.code}")
    assert ("📄 Service report", f"sr:{job}") in manager.last.buttons()
    await manager.press_data(f"sr:{job}")
    [again] = documents(manager.last_replies)
    assert again.document == pdf


async def test_the_report_is_issued_once_and_only_for_those_who_may_see_it(
    engineer: FlowChat, client: FlowChat, manager: FlowChat
) -> None:
    job = await assigned_job(engineer.app)
    async with engineer.app.db.transaction() as session:  # opened this week, for /export
        await session.execute(
            update(Ticket)
            .where(Ticket.id == job)
            .values(created_at=engineer.app.engine.clock.now())
        )
    await log_tests(engineer, job)
    await engineer.press_data(f"rs:{job}")
    await engineer.say("Installed and commissioned")
    pdf = await confirm(client, job)
    await client.press_data(f"cf:ok:{job}")  # pressed twice: no second report
    assert documents(client.last_replies) == []
    async with client.app.db.transaction() as session:
        count = len(list(await session.scalars(select(ServiceReport))))
    assert count == 1

    await engineer.press_data(f"sr:{job}")  # the button on the "customer confirmed" notice
    [mine] = documents(engineer.last_replies)
    assert mine.document == pdf
    other = await engineer_chat(engineer.app, 702, "Georgi", on_duty=True)
    await other.press_data(f"sr:{job}")  # a forged press by an engineer of another job
    assert documents(other.last_replies) == []
    assert "no service report" in other.answer().text.lower()

    await manager.say("/export week")  # the week's signed reports come as a ZIP of PDFs
    [archive] = [d for d in documents(manager.last_replies) if d.document_name.endswith(".zip")]
    assert archive.document is not None
    with zipfile.ZipFile(io.BytesIO(archive.document)) as papers:
        assert papers.namelist() == [f"service-report-{job}.pdf"]
        assert papers.read(f"service-report-{job}.pdf") == pdf


async def test_a_failed_required_check_never_makes_an_accepted_protocol(
    engineer: FlowChat, client: FlowChat
) -> None:
    job = await assigned_job(engineer.app)
    await log_tests(engineer, job, ("2,4", "93", "9", "yes", "yes", "ok"))
    app = client.app
    async with app.db.transaction() as session:
        ticket = await tickets.card(session, job)
        maria = await session.scalar(select(Person).where(Person.tg_user_id == CLIENT_ID))
        assert ticket is not None and maria is not None
        content = await service_reports.content_of(
            session, ticket, maria, app.engine.clock.now(), app.settings
        )
    assert content.passed is False
    boiler = content.checks[0]
    assert boiler.verdict == "failed" and boiler.results[-1].number == 2.4
    # and the gate stays: the job cannot be resolved, so the customer cannot confirm it
    await engineer.press_data(f"rs:{job}")
    assert f"#{job} cannot be resolved yet" in engineer.joined()
    await client.press_data(f"cf:ok:{job}")
    assert documents(client.last_replies) == []


async def test_forgetting_the_signer_rerenders_the_stored_report_with_its_code(
    manager: FlowChat,
) -> None:
    """The company keeps the report (its figures and code), not the person's name in it."""
    from bot.core.i18n import Catalogs
    from bot.papers import report_pdf
    from bot.services import personal_data

    app = manager.app
    await engineer_chat(app, 701, "Сергей Кузнецов", on_duty=True)
    client = await client_chat(app, 602, phone=NORD_PHONE, name="Иван Петров", language_code="ru")
    job = await assigned_job(
        app, 701, serial="CR-42-0117", kind=TicketKind.BREAKDOWN, reporter_user_id=602
    )
    engineer = FlowChat(app, 701)
    await engineer.press_data(f"rs:{job}")
    await engineer.say("Дренаж прочищен")
    signed = pdf_text(await confirm(client, job))
    assert "Иван Петров" in signed and "602" in signed
    code = (await stored(client, job)).code
    catalogs = Catalogs(app.settings.tz, app.settings.default_locale)

    def render(content: service_reports.ReportContent, text: str, locale: str) -> bytes:
        return report_pdf.render(content, text, catalogs.get(locale))

    async with app.db.transaction() as session:
        signer = await session.scalar(select(Person).where(Person.tg_user_id == 602))
        assert signer is not None
        forgotten = await personal_data.forget(
            session, signer.id, app.engine.clock.now(), by="cli:t"
        )
        assert await service_reports.reissue_naming(session, forgotten, app.settings, render) == 1
    report = await stored(client, job)
    text = pdf_text(report.pdf)
    assert "Иван Петров" not in text and "602" not in text
    assert "Дренаж прочищен" in text and code in text and report.code == code
    await manager.say(f"/verify {code}")
    assert ("📄 Service report", f"sr:{job}") in manager.last.buttons()
