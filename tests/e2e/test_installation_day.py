"""Issue 15 end to end through the real frameworks and the outbox: a customer requests an
installation at their second site with an order reference; the managers' alert carries it all;
the engineer takes the job, offers two visit times and the customer picks one; on site the
engineer asks for a part, a manager issues it from a warehouse (stock down by the quantity),
the engineer marks it used and the customer's /status lists it with the visit; the reminders are
queued once on a moved clock (the scheduler run again and again)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.core.clock import FrozenClock
from bot.sandbox import SandboxMessage
from bot.services import parts
from storage.models import OutboxMessage, Part, PartRequest, Ticket
from tests.support.live import TIMEOUT, LiveBot, button, register
from tests.support.people import MANAGER_ID, make_engineer
from tests.support.seed import ACME_PHONE, SOFIA_CENTRE, import_examples

pytestmark = pytest.mark.manager_chat()


def has(prefix: str) -> Callable[[SandboxMessage], bool]:
    """The message carries a button whose data starts with ``prefix``."""
    return lambda m: any(str(b.get("callback_data", "")).startswith(prefix) for b in m.buttons)


def labelled(text: str) -> Callable[[SandboxMessage], bool]:
    return lambda m: any(text in label for label in m.button_texts)


async def reminders(live: LiveBot, kind: str) -> int:
    async with live.app.db.transaction() as session:
        query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind)
        return int(await session.scalar(query) or 0)


async def test_an_installation_from_request_to_parts_used(live: LiveBot) -> None:
    await import_examples(live.app)
    await make_engineer(
        live.app, 8401, "Ana", location=SOFIA_CENTRE, on_duty=True, skills=("coffee",)
    )
    ana, maria = live.user(8401, "Ana", "en"), live.user(8402, "Maria", "en")
    ana.open_chat()
    await register(maria, ACME_PHONE, "Maria", "Acme Coffee Sofia")

    # The request: installation, order reference, model, the second of two sites, dates.
    maria.send_command("/request")
    kinds = await maria.wait_for(has("rq:kind:"), timeout=TIMEOUT)
    maria.press(button(kinds, "Installation"), kinds)
    await maria.wait_for(lambda m: "order" in m.content.lower(), timeout=TIMEOUT)
    maria.send_text("SO-2026-118")
    await maria.wait_for(lambda m: "model" in m.content.lower(), timeout=TIMEOUT)
    maria.send_text("linea")
    models = await maria.wait_for(labelled("Linea PB"), timeout=TIMEOUT)
    maria.press(button(models, "Linea PB"), models)
    sites = await maria.wait_for(has("rq:site:"), timeout=TIMEOUT)
    maria.press(button(sites, "Vitosha blvd"), sites)
    await maria.wait_for("When would suit you?", timeout=TIMEOUT)
    maria.send_text("Next week, mornings")
    await maria.wait_for(lambda m: bool(m.buttons), timeout=TIMEOUT)  # a comment, or skip
    maria.send_text("Ask for Georgi at the yard gate")
    summary = await maria.wait_for(labelled("Send"), timeout=TIMEOUT)
    assert "Order: SO-2026-118" in summary.content and "Vitosha blvd" in summary.content
    maria.press(button(summary, "Send"), summary)

    alert = await live.managers.wait_for(lambda m: "SO-2026-118" in m.content, timeout=TIMEOUT)
    for line in (
        "#1 · installation",
        "Site: Vitosha blvd",
        "Preferred dates: Next week, mornings",
    ):
        assert line in alert.content
    async with live.app.db.transaction() as session:
        job = int(await session.scalar(select(func.max(Ticket.id))) or 0)

    # The engineer takes it and offers two times; the customer picks the second.
    push = await ana.wait_for(has(f"jb:acc:{job}"), timeout=TIMEOUT)
    ana.press(f"jb:acc:{job}", push)
    card = await ana.wait_for(has(f"vs:new:{job}"), timeout=TIMEOUT)
    ana.press(f"vs:new:{job}", card)
    picker = await ana.wait_for(has("vs:t:"), timeout=TIMEOUT)
    first, second = [b["callback_data"] for b in picker.buttons[:2]]
    ana.press(first, picker)
    picker = await ana.wait_for(has("vs:send:"), timeout=TIMEOUT)
    ana.press(second, picker)
    picker = await ana.wait_for(lambda m: has("vs:send:")(m) and "; " in m.content, TIMEOUT)
    ana.press(f"vs:send:{job}", picker)
    offer = await maria.wait_for(has("vs:pick:"), timeout=TIMEOUT)
    picks = [b for b in offer.buttons if str(b["callback_data"]).startswith("vs:pick:")]
    assert len(picks) == 2
    maria.press(str(picks[1]["callback_data"]), offer)
    await maria.wait_for(
        lambda m: m.message_id == offer.message_id and not has("vs:pick:")(m), timeout=TIMEOUT
    )
    async with live.app.db.transaction() as session:
        visit_at = (await session.get_one(Ticket, job)).visit_at
    assert visit_at is not None

    # On site, a part: requested, issued from a warehouse by a manager, used.
    ana.send_command("/myjobs")
    listing = await ana.wait_for(has(f"mj:open:{job}"), timeout=TIMEOUT)
    ana.press(f"mj:open:{job}", listing)
    card = await ana.wait_for(has(f"mj:site:{job}"), timeout=TIMEOUT)
    ana.press(f"mj:site:{job}", card)
    card = await ana.wait_for(has(f"pq:start:{job}"), timeout=TIMEOUT)
    ana.press(f"pq:start:{job}", card)
    await ana.wait_for(has(f"pq:cancel:{job}"), timeout=TIMEOUT)
    ana.send_text("gasket")
    found = await ana.wait_for(has("pq:pick:"), timeout=TIMEOUT)
    ana.press(button(found, "LM-GSK-85"), found)
    await ana.wait_for(lambda m: "Sofia central: 12" in m.content, timeout=TIMEOUT)
    ana.send_text("2")
    request_alert = await live.managers.wait_for(has("pr:iss:"), timeout=TIMEOUT)
    olga = live.user(MANAGER_ID, "Olga", "en")
    live.managers.press(olga.person, button(request_alert, "Sofia central"), request_alert)
    told = await ana.wait_for(lambda m: "Sofia central" in m.content, timeout=TIMEOUT)
    async with live.app.db.transaction() as session:
        gasket = await session.scalar(select(Part).where(Part.number == "LM-GSK-85"))
        assert gasket is not None
        stock = dict(await parts.stock_by_warehouse(session, gasket.id))
        assert stock["Sofia central"] == 10  # 12 less the 2 issued
        request = await session.scalar(select(PartRequest).where(PartRequest.ticket_id == job))
        assert request is not None
    ana.press(f"mj:open:{job}", told)
    card = await ana.wait_for(has(f"pq:used:{request.id}"), timeout=TIMEOUT)
    ana.press(f"pq:used:{request.id}", card)
    await ana.wait_for(
        lambda m: m.message_id == card.message_id and not has("pq:used:")(m), timeout=TIMEOUT
    )

    maria.send_command("/status")
    listing = await maria.wait_for(has(f"tk:{job}"), timeout=TIMEOUT)
    maria.press(f"tk:{job}", listing)
    details = await maria.wait_for(lambda m: "Parts used" in m.content, timeout=TIMEOUT)
    assert "LM-GSK-85" in details.content and "× 2" in details.content
    assert picks[1]["text"] in details.content  # the agreed visit
    await ana.wait_idle()

    # The reminders on a moved clock: each queued once, however often the scheduler runs. Last,
    # as the clock moves days ahead and what it queues is not due yet by the outbox's clock.
    clock = live.app.engine.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(visit_at - timedelta(minutes=50) - clock.now())
    await live.bot.scheduler.run_due()
    await live.bot.scheduler.run_due()
    assert await reminders(live, "visit_hour") == 2  # the customer and the engineer
    evening = await reminders(live, "visit_evening")
    assert evening in (0, 2)
    clock.advance(timedelta(minutes=10))
    await live.bot.scheduler.run_due()
    assert await reminders(live, "visit_hour") == 2
    assert await reminders(live, "visit_evening") == evening
