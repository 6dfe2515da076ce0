"""Resolving a job and the customer's sign-off through the engine, and automatic closing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.core.clock import FrozenClock
from handlers.notices.auto_close import auto_close_job
from storage.models import Feedback, TicketKind, TicketStatus, TimelineKind
from tests.support.chat import FlowChat
from tests.support.jobs import assigned_job, events, load_ticket
from tests.support.outbox import buttons, outbox
from tests.support.people import ENGINEER_ID, client_chat, make_engineer, person
from tests.support.seed import NORD_PHONE
from tests.support.steps import log_tests
from tests.support.units import nb


async def resolved_job(engineer: FlowChat) -> int:
    job = await assigned_job(engineer.app)
    await log_tests(engineer, job)
    await engineer.press_data(f"rs:{job}")
    await engineer.say("Installed, commissioned, staff trained")
    return job


async def test_resolve_blocked_until_failed_check_is_retested(
    engineer: FlowChat, clock: FrozenClock
) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"rs:{job}")  # nothing logged yet
    blocked = engineer.joined()
    assert f"#{job} cannot be resolved yet" in blocked
    for name in ("Boiler pressure", "Brew water temperature", "Leak test passed"):
        assert f"— {name}: not logged" in blocked
    assert "Notes" not in blocked  # optional checks never block

    await log_tests(engineer, job, ("2,0", "92", "9", "yes", "yes", "ok"))
    await engineer.press_data(f"rs:{job}")
    blocked = engineer.joined()
    assert nb("❌ Boiler pressure: 2 bar (spec 0.8–1.5 bar)") in blocked
    assert "Brew water" not in blocked
    assert (await load_ticket(engineer.app, job)).status is TicketStatus.ON_SITE

    await engineer.press("Log tests")  # only what did not pass is asked again
    assert "1 check to log" in engineer.joined()
    await engineer.say("1.3")
    await engineer.press("Resolve")
    assert "What was done?" in engineer.joined()
    await engineer.say("ok")  # too short to tell the customer anything
    assert "Please type a few words" in engineer.joined()
    await engineer.say("Installed and commissioned")
    assert f"#{job} is resolved. The customer is asked to confirm" in engineer.joined()
    resolved = await load_ticket(engineer.app, job)
    assert resolved.status is TicketStatus.RESOLVED
    assert resolved.resolved_at == clock.now()

    [message] = await outbox(engineer.app, chat_id=501)
    assert message.kind == "resolved"
    assert f"Your request #{job} is resolved." in message.text
    assert "What was done: Installed and commissioned" in message.text
    assert nb("✅ Boiler pressure: 1.3 bar") in message.text
    assert nb("✅ Brew water temperature: 92 °C") in message.text
    assert buttons(message) == [
        ("✅ Confirm the work is done", f"cf:ok:{job}"),
        ("❌ There are remarks", f"cf:no:{job}"),  # an installation is not "fixed"
    ]


async def test_confirm_rate_and_comment(engineer: FlowChat, client: FlowChat) -> None:
    job = await resolved_job(engineer)
    await client.press_data(f"cf:ok:{job}")
    assert f"Thank you! #{job} is closed." in client.joined()
    assert [text for text, _ in client.last.buttons()] == ["⭐1", "⭐2", "⭐3", "⭐4", "⭐5"]
    closed = await load_ticket(engineer.app, job)
    assert closed.status is TicketStatus.CLOSED and closed.closed_at is not None
    [note] = await outbox(engineer.app, chat_id=ENGINEER_ID)
    assert note.text == f"The customer confirmed #{job}: it is closed."

    await client.press("⭐4")
    assert "Your rating: ⭐⭐⭐⭐" in client.joined()
    await client.say("Quick and tidy, thank you")
    assert "Your comment is passed to the service team" in client.joined()
    async with client.app.db.transaction() as session:
        feedback = await session.scalar(select(Feedback).where(Feedback.ticket_id == job))
        assert feedback is not None
        assert (feedback.rating, feedback.comment) == (4, "Quick and tidy, thank you")
    assert len(await events(client.app, job, TimelineKind.FEEDBACK)) == 2

    # repeated and forged presses: refused, nothing changes
    await client.press_data(f"cf:ok:{job}")
    assert client.answer().text == "This request is not waiting for your confirmation."
    await client.press_data(f"cf:no:{job}")
    assert client.answer().text == "This request is not waiting for your confirmation."
    await client.press_data(f"rt:{job}:1")
    assert "rated already" in (client.answer().text or "")
    await client.press_data(f"rt:{job}:9")
    assert client.answer().text == "Ratings are from 1 to 5."
    await client.press_data(f"rt:{job}:-2")
    assert client.answer().text == "Ratings are from 1 to 5."
    async with client.app.db.transaction() as session:
        feedback = await session.scalar(select(Feedback).where(Feedback.ticket_id == job))
        assert feedback is not None and feedback.rating == 4
    assert (await load_ticket(engineer.app, job)).status is TicketStatus.CLOSED


async def test_rating_skipped_comment(engineer: FlowChat, client: FlowChat) -> None:
    job = await resolved_job(engineer)
    await client.press_data(f"rt:{job}:5")  # not closed yet: no rating
    assert "cannot be rated now" in (client.answer().text or "")
    await client.press_data(f"cf:ok:{job}")
    await client.press("⭐5")
    await client.press("Skip")
    assert "Thank you for your feedback!" in client.joined()
    await client.say("late comment")  # the dialog is over
    async with client.app.db.transaction() as session:
        feedback = await session.scalar(select(Feedback).where(Feedback.ticket_id == job))
        assert feedback is not None and feedback.comment is None


async def test_not_fixed_reopens_to_the_same_engineer(
    engineer: FlowChat, client: FlowChat
) -> None:
    job = await resolved_job(engineer)
    await client.press_data(f"cf:no:{job}")
    assert "What are your remarks on the work?" in client.joined()
    assert (await load_ticket(engineer.app, job)).status is TicketStatus.RESOLVED
    await client.say("Still leaking under the group head")
    assert f"#{job} is reopened" in client.joined()
    reopened = await load_ticket(engineer.app, job)
    assert reopened.status is TicketStatus.ASSIGNED and reopened.resolved_at is None
    assert reopened.engineer_id == (await person(engineer.app, ENGINEER_ID)).id
    [event] = await events(client.app, job, TimelineKind.REOPENED)
    assert event.note == "Still leaking under the group head"
    [note] = await outbox(engineer.app, chat_id=ENGINEER_ID)
    assert note.kind == "reopened"
    assert f"The customer says #{job} is not fixed; it is yours again." in note.text
    assert "What is still wrong: Still leaking under the group head" in note.text

    await client.press_data(f"cf:ok:{job}")  # the old sign-off message
    assert client.answer().text == "This request is not waiting for your confirmation."
    await engineer.press_data(f"rs:{job}")  # tests still pass: the engineer may resolve again
    assert "What was done?" in engineer.joined()


async def test_not_fixed_skipping_the_reason(engineer: FlowChat, client: FlowChat) -> None:
    job = await resolved_job(engineer)
    await client.press_data(f"cf:no:{job}")
    await client.press("Skip")
    assert (await load_ticket(engineer.app, job)).status is TicketStatus.ASSIGNED
    [event] = await events(client.app, job, TimelineKind.REOPENED)
    assert event.note is None


async def test_another_customers_client_and_strangers_are_refused(
    engineer: FlowChat, client: FlowChat, other_engineer: FlowChat
) -> None:
    job = await resolved_job(engineer)
    nord = await client_chat(engineer.app, 502, NORD_PHONE, name="Иван", language_code="ru")
    for data in (f"cf:ok:{job}", f"cf:no:{job}", f"rt:{job}:1"):
        await nord.press_data(data)
        assert nord.answers[-1].alert
    assert (await load_ticket(engineer.app, job)).status is TicketStatus.RESOLVED
    await engineer.press_data(f"cf:ok:{job}")  # an engineer is no client
    assert engineer.answer().text == "This action is not available to you."
    await client.press_data("cf:ok:abc")
    assert client.answer().text == "This button is no longer active."
    await client.press_data(f"cf:skip:{job}")  # not in the "not fixed" dialog
    assert client.answer().text == "This button is no longer active."
    assert (await load_ticket(engineer.app, job)).status is TicketStatus.RESOLVED

    open_job = await assigned_job(engineer.app)
    await client.press_data(f"cf:ok:{open_job}")  # forged: the job is not resolved
    assert client.answer().text == "This request is not waiting for your confirmation."
    await other_engineer.press_data(f"rs:{open_job}")
    assert other_engineer.answer().text == "This job is not assigned to you."
    await client.press_data(f"rs:{open_job}")
    assert client.answer().text == "This action is not available to you."
    await engineer.press_data(f"rs:{job}")  # resolved already
    assert engineer.answer().text == "This job is already resolved or closed."


async def test_breakdown_without_checklist_resolves_and_cancel(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app, kind=TicketKind.BREAKDOWN, status=TicketStatus.ASSIGNED)
    await engineer.press_data(f"rs:{job}")
    await engineer.press("Cancel")
    assert "Not resolved. The job stays open." in engineer.joined()
    await engineer.say("Replaced the pump")  # the dialog is gone: nothing happens
    assert (await load_ticket(engineer.app, job)).status is TicketStatus.ASSIGNED
    await engineer.press_data(f"rs:{job}")
    await engineer.say("Replaced the pump")
    assert (await load_ticket(engineer.app, job)).status is TicketStatus.RESOLVED
    [message] = await outbox(engineer.app, chat_id=501)
    assert "Acceptance tests" not in message.text


async def test_russian_customer_gets_the_summary_in_russian(engineer: FlowChat) -> None:
    await client_chat(engineer.app, 502, NORD_PHONE, name="Иван", language_code="ru")
    job = await assigned_job(engineer.app, serial="CR-42-0117", reporter_user_id=502)
    await log_tests(engineer, job, ("8,5", "12", "7.2", "yes", "no", "ok"))  # no leak
    await engineer.press_data(f"rs:{job}")
    await engineer.say("Installed")
    [message] = await outbox(engineer.app, chat_id=502)
    assert nb("Давление хладагента на всасывании: 8,5 bar") in message.text
    assert nb("Ток компрессора: 7,2 A") in message.text
    assert "✅ Дренаж конденсата работает" in message.text  # a yes/no check as its phrase
    assert "✅ Утечки хладагента нет" in message.text  # "no" is the answer that passes
    assert ": да" not in message.text


async def test_auto_close_is_idempotent_and_offers_a_rating(
    engineer: FlowChat, client: FlowChat, clock: FrozenClock
) -> None:
    old = await resolved_job(engineer)
    clock.advance(timedelta(days=2))
    recent = await assigned_job(engineer.app, kind=TicketKind.BREAKDOWN)
    await engineer.press_data(f"rs:{recent}")
    await engineer.say("Descaled")
    clock.advance(timedelta(days=1, hours=1))
    app = engineer.app
    async with app.db.transaction() as session:
        assert await auto_close_job(session, clock.now(), app.settings, app.catalogs) == 1
    async with app.db.transaction() as session:
        assert await auto_close_job(session, clock.now(), app.settings, app.catalogs) == 0
    assert (await load_ticket(app, old)).status is TicketStatus.CLOSED
    assert (await load_ticket(app, recent)).status is TicketStatus.RESOLVED
    [event] = [
        e
        for e in await events(engineer.app, old, TimelineKind.STATUS)
        if e.status is TicketStatus.CLOSED
    ]
    assert event.data["automatic"] is True and "automatically" in (event.note or "")
    [message] = [m for m in await outbox(app, chat_id=501) if m.kind == "auto_closed"]
    assert f"#{old} was closed automatically: 3 days passed" in message.text
    assert buttons(message)[2] == ("⭐3", f"rt:{old}:3")
    await client.press_data(f"rt:{old}:3")
    assert "Your rating: ⭐⭐⭐" in client.joined()
    clock.advance(timedelta(days=5))
    async with app.db.transaction() as session:
        assert await auto_close_job(session, clock.now(), app.settings, app.catalogs) == 1
    assert (await load_ticket(app, recent)).status is TicketStatus.CLOSED
    assert len([m for m in await outbox(app, chat_id=501) if m.kind == "auto_closed"]) == 2


async def test_unknown_reporter_notifies_every_client_of_the_customer(
    engineer: FlowChat, client: FlowChat
) -> None:
    job = await assigned_job(engineer.app, reporter_user_id=None)
    # engineers are not customers' contacts
    await make_engineer(engineer.app, 799, "Spare", on_duty=True)
    await log_tests(engineer, job)
    await engineer.press_data(f"rs:{job}")
    await engineer.say("Installed")
    assert [m.chat_id for m in await outbox(engineer.app) if m.kind == "resolved"] == [501]


async def test_resolved_offers_the_next_jobs(engineer: FlowChat) -> None:
    await resolved_job(engineer)
    assert "is resolved. The customer is asked to confirm" in engineer.joined()
    assert {"« My jobs", "📋 Open jobs"} <= set(engineer.button_texts())
