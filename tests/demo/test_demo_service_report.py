"""The service report in ``fieldbot demo``: the customer confirms a resolved installation in
their pane and gets the PDF there as a document the page can open (served as a PDF under its
own name)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from sqlalchemy import select

from bot.demo import data
from bot.demo.run import DemoOptions, running_demo
from bot.services import checklists, closing
from handlers import notices
from handlers.notices.outbox import Background
from storage.models import CheckType, Equipment, Person, Ticket, TicketKind, TicketStatus
from tests.demo.test_demo_run import call, wait_for_text
from tests.support.papers import pdf_text


def passing(check: checklists.ChecklistCheck) -> str:
    if check.type is CheckType.NUMBER:
        low, high = check.min_value or 0.0, check.max_value or (check.min_value or 0.0) + 2
        return str((low + high) / 2)
    return "yes" if check.type is CheckType.YESNO else "ok"


async def test_the_customer_gets_the_report_in_their_pane(tmp_path: Path) -> None:
    options = DemoOptions(database=tmp_path / "demo.sqlite3", port=0)
    async with running_demo(options) as demo, aiohttp.ClientSession() as http:
        app, now = demo.app, datetime.now(UTC)
        async with app.db.transaction() as session:
            maria = await session.scalar(
                select(Person).where(Person.tg_user_id == data.CUSTOMER.user_id)
            )
            petar = await session.scalar(
                select(Person).where(Person.tg_user_id == data.ENGINEER.user_id)
            )
            machine = await session.scalar(
                select(Equipment).where(Equipment.serial == "LM-PB-3307")
            )
            assert maria is not None and petar is not None and machine is not None
            ticket = Ticket(
                kind=TicketKind.INSTALLATION,
                status=TicketStatus.ON_SITE,
                customer_id=machine.customer_id,
                equipment_id=machine.id,
                reporter_id=maria.id,
                engineer_id=petar.id,
                description="Install and commission",
            )
            session.add(ticket)
            await session.flush()
            for check in await checklists.checks_for_ticket(session, ticket):
                await checklists.record(session, ticket.id, check.id, petar, passing(check), now)
            resolved = await closing.resolve(
                session, ticket.id, petar, "Installed, commissioned, baristas trained", now,
                app.settings,
            )  # fmt: skip
            await notices.resolved(Background(session, app.settings, app.catalogs, now), resolved)
            job = ticket.id

        asked = await wait_for_text(http, demo, data.CUSTOMER.user_id, f"#{job} is resolved")
        await call(
            http,
            demo,
            f"sandbox/users/{data.CUSTOMER.user_id}/press",
            {"message_id": asked["message_id"], "data": f"cf:ok:{job}"},
        )
        sent = await wait_for_text(http, demo, data.CUSTOMER.user_id, "Verification code")
        document = sent.get("document") or {}
        assert document.get("file_name") == f"service-report-{job}.pdf"
        url = f"{demo.page_url}demo/files/{document['file_id']}"
        async with http.get(url) as response:
            assert response.status == 200 and response.content_type == "application/pdf"
            disposition = response.headers["Content-Disposition"]
            assert disposition == f"inline; filename*=UTF-8''service-report-{job}.pdf"
            pdf = await response.read()
        text = pdf_text(pdf)
        assert "Vitosha Field Service Ltd" in text and "Installed, commissioned" in text
        assert "LM-PB-3307" in text and sent["caption"].split(": ")[-1] in text
