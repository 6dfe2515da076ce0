"""A spare part end to end: the engineer asks for a gasket by its Russian name, a manager
issues it from a warehouse on the managers' alert (stock down by the quantity, the alert edited
to say so), the engineer is told, marks it used from the job card and resolves; the customer's
sign-off request lists the part. Real frameworks, real HTTP, the outbox delivering."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import select

from bot.sandbox import SandboxMessage
from bot.services import parts
from storage.models import Part, PartRequest, PartStatus, TicketStatus
from tests.support.jobs import make_job
from tests.support.live import TIMEOUT, LiveBot, button, register
from tests.support.people import MANAGER_ID, make_engineer
from tests.support.seed import ACME_PHONE, SOFIA_CENTRE, import_examples

pytestmark = pytest.mark.manager_chat()


def has(prefix: str) -> Callable[[SandboxMessage], bool]:
    """The message carries a button whose data starts with ``prefix``."""
    return lambda m: any(str(b.get("callback_data", "")).startswith(prefix) for b in m.buttons)


def edit_of(message: SandboxMessage, text: str) -> Callable[[SandboxMessage], bool]:
    return lambda m: m.message_id == message.message_id and text in m.content


async def test_a_part_from_request_to_the_customers_summary(live: LiveBot) -> None:
    await import_examples(live.app)
    await make_engineer(live.app, 8301, "Ana", location=SOFIA_CENTRE, on_duty=True, locale="ru")
    ana, maria = live.user(8301, "Ana", "ru"), live.user(8302, "Maria", "en")
    ana.open_chat()
    await register(maria, ACME_PHONE, "Maria", "Acme Coffee Sofia")
    job = await make_job(
        live.app,
        live.app.engine.clock.now(),
        reporter_user_id=8302,
        status=TicketStatus.ON_SITE,
        engineer_user_id=8301,
    )

    ana.send_command("/myjobs")
    listing = await ana.wait_for(has(f"mj:open:{job}"), timeout=TIMEOUT)
    ana.press(f"mj:open:{job}", listing)
    card = await ana.wait_for(has(f"pq:start:{job}"), timeout=TIMEOUT)
    ana.press(f"pq:start:{job}", card)
    await ana.wait_for(has(f"pq:cancel:{job}"), timeout=TIMEOUT)
    ana.send_text("прокладка")
    found = await ana.wait_for(has("pq:pick:"), timeout=TIMEOUT)
    assert found.button_texts[0].startswith("LM-GSK-85 · Прокладка группы")
    ana.press(button(found, "LM-GSK-85"), found)
    await ana.wait_for(lambda m: "Sofia central: 12" in m.content, timeout=TIMEOUT)
    ana.send_text("2")
    await ana.wait_for(
        lambda m: "LM-GSK-85 · Прокладка группы" in m.content and "× 2" in m.content,
        timeout=TIMEOUT,
    )

    alert = await live.managers.wait_for(has("pr:iss:"), timeout=TIMEOUT)
    assert alert.content.startswith(f"📦 Part request for #{job}: LM-GSK-85 · Group head gasket")
    olga = live.user(MANAGER_ID, "Olga", "en")
    live.managers.press(olga.person, button(alert, "Sofia central"), alert)
    issued = await live.managers.wait_for(
        edit_of(alert, "issued from Sofia central by Olga"), timeout=TIMEOUT
    )
    assert issued.button_texts == ["🔎 Open"]
    told = await ana.wait_for(
        lambda m: "Sofia central" in m.content and "LM-GSK-85" in m.content and has("mj:open:")(m),
        timeout=TIMEOUT,
    )
    async with live.app.db.transaction() as session:
        gasket = await session.scalar(select(Part).where(Part.number == "LM-GSK-85"))
        assert gasket is not None
        assert await parts.stock_by_warehouse(session, gasket.id) == [
            ("Sofia central", 10),
            ("Plovdiv", 2),
        ]
        request = await session.scalar(select(PartRequest))
        assert request is not None
        request_id = request.id

    ana.press(f"mj:open:{job}", told)
    card = await ana.wait_for(has(f"pq:used:{request_id}"), timeout=TIMEOUT)
    ana.press(f"pq:used:{request_id}", card)
    card = await ana.wait_for(
        lambda m: m.message_id == card.message_id and not has("pq:used:")(m), timeout=TIMEOUT
    )
    await live.managers.wait_for(edit_of(alert, "used on the job"), timeout=TIMEOUT)
    async with live.app.db.transaction() as session:
        assert (await session.get_one(PartRequest, request_id)).status is PartStatus.USED

    ana.press(f"rs:{job}", card)
    await ana.wait_for(has(f"rs:cancel:{job}"), timeout=TIMEOUT)
    ana.send_text("Заменил прокладку группы")
    summary = await maria.wait_for(has(f"cf:ok:{job}"), timeout=TIMEOUT)
    assert "Parts used:\n• LM-GSK-85 · Group head gasket 8.5 mm (La Marzocco) × 2" in (
        summary.content
    )
    assert re.search(r"Your request #\d+ is resolved", summary.content)
    await ana.wait_idle()
