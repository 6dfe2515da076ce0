"""What a request carries — its site, order reference, preferred dates and comment — reaches
everyone who reads about it: the managers' alert, /open and the ticket card, the engineer's
push and job card, and the export. Planned work's text is a comment, not a problem."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from bot.core.replies import Send
from storage.models import Site, TicketKind
from tests.support.chat import FlowChat
from tests.support.jobs import load_ticket
from tests.support.outbox import alerts, outbox
from tests.support.people import ENGINEER_ID, MANAGERS, engineer_chat

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)

SITE = "Site: Vitosha blvd, bul. Vitosha 15, Sofia"
ORDER = "Order: SO-2026-118"
DATES = "Preferred dates: 14–16 December, mornings"
COMMENT = "Comment: Access from the yard, ask for Georgi"


async def request_installation(client: FlowChat) -> int:
    """The Acme client asks for an installation at their second site (of two)."""
    await client.say("/request")
    await client.press("Installation")
    await client.say("SO-2026-118")
    await client.say("linea")
    await client.press("Linea PB")
    assert "At which of your sites?" in client.joined()
    assert [text for text, _ in client.last.buttons()] == [
        "Plovdiv shop, ul. Glavna 3, Plovdiv",
        "Vitosha blvd, bul. Vitosha 15, Sofia",
        "✖ Cancel",
    ]
    await client.press("Vitosha blvd")
    await client.say("14–16 December, mornings")
    await client.say("Access from the yard, ask for Georgi")
    summary = client.joined()
    assert SITE in summary and ORDER in summary and DATES in summary and COMMENT in summary
    await client.press("Send")
    assert "Request #1 registered." in client.joined()
    return 1


def carries_it_all(text: str) -> None:
    for line in (SITE, ORDER, DATES, COMMENT):
        assert line in text, f"{line!r} not in {text!r}"
    assert "Problem:" not in text


async def test_installation_at_the_second_site_is_shown_everywhere(
    client: FlowChat, manager: FlowChat
) -> None:
    engineer = await engineer_chat(client.app, ENGINEER_ID, "Petar", on_duty=True)
    ticket_id = await request_installation(client)
    ticket = await load_ticket(client.app, ticket_id)
    assert ticket.kind is TicketKind.INSTALLATION and ticket.equipment_text == "Linea PB"
    async with client.app.db.transaction() as session:
        site = await session.get_one(Site, ticket.site_id)
        assert site.name == "Vitosha blvd"
    assert ticket.order_ref == "SO-2026-118"
    assert ticket.preferred_date == "14–16 December, mornings"

    [alert] = await alerts(client.app, "new_ticket")
    assert alert.text.startswith("🆕 New request #1 · installation · normal")
    carries_it_all(alert.text)
    assert "🔁" not in alert.text

    await manager.say("/open")
    listed = manager.joined()
    assert (
        "Installation · Site: Vitosha blvd, bul. Vitosha 15, Sofia · Order: SO-2026-118 · "
        "Preferred dates: 14–16 December, mornings"
    ) in listed
    await manager.press("#1")
    carries_it_all(manager.last.text)

    [push] = await outbox(client.app, kind="job_push")
    assert push.chat_id == ENGINEER_ID
    assert "Site: Vitosha blvd" in push.text and "Address: bul. Vitosha 15, Sofia" in push.text
    for line in (ORDER, DATES, COMMENT):
        assert line in push.text
    assert "Problem:" not in push.text

    await engineer.press_data("jb:acc:1")
    card = engineer.last.text
    assert "Job #1 is yours." in engineer.joined()
    assert "Site: Vitosha blvd" in card and "Address: bul. Vitosha 15, Sofia" in card
    for line in (ORDER, DATES, COMMENT):
        assert line in card
    assert "Problem:" not in card

    await manager.say("/export week")
    [raw] = [
        reply.document
        for reply in manager.last_replies
        if isinstance(reply, Send) and (reply.document_name or "").endswith(".csv")
    ]
    assert raw is not None
    [row] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert (row["Number"], row["Kind"], row["Equipment"]) == ("#1", "Installation", "Linea PB")
    assert (row["Site"], row["Address"]) == ("Vitosha blvd", "bul. Vitosha 15, Sofia")
    assert row["Order"] == "SO-2026-118"
    assert row["Preferred dates"] == "14–16 December, mornings"
    assert row["Description"] == "Access from the yard, ask for Georgi"


async def test_maintenance_comment_is_a_comment_and_its_machine_tells_the_site(
    client: FlowChat, manager: FlowChat
) -> None:
    await client.say("/request")
    await client.press("Maintenance")
    await client.press("FTXM35R")  # their machine at the Plovdiv shop: no site question
    assert "When would suit you?" in client.joined()
    await client.press("As soon as possible")
    await client.say("Ring the bell at the back door")
    assert "Site:" not in client.joined()
    await client.say("yes")
    ticket = await load_ticket(client.app, 1)
    assert ticket.site_id is None  # the equipment's site is the ticket's

    [alert] = await alerts(client.app, "new_ticket")
    assert "Comment: Ring the bell at the back door" in alert.text
    assert "Site: Plovdiv shop, ul. Glavna 3, Plovdiv" in alert.text
    assert "Preferred dates: As soon as possible" in alert.text
    assert "Problem:" not in alert.text
    await manager.say("/open")
    assert "Maintenance · Site: Plovdiv shop" in manager.joined()
    await client.say("/status")
    await client.press("#1")
    assert "Comment: Ring the bell at the back door" in client.joined()
    assert "Problem:" not in client.joined()


async def test_a_forged_or_stale_site_is_refused(client: FlowChat) -> None:
    async with client.app.db.transaction() as session:
        nord_site = await session.scalar(select(Site.id).where(Site.name == "Moscow lab"))
    await client.say("/request")
    await client.press_data(f"rq:site:{nord_site}")  # not at the site step
    assert "earlier step" in client.joined()
    await client.press("Installation")
    await client.say("SO-1")
    await client.press("Skip")
    await client.press_data(f"rq:site:{nord_site}")  # another customer's site
    assert "That site is not available. Please choose from the list." in client.joined()
    await client.say("Nowhere street")
    assert "Please choose the site with the buttons." in client.joined()
    assert "At which of your sites?" in client.joined()
    await client.say("Vitosha blvd")  # typed in full
    assert "When would suit you?" in client.joined()
