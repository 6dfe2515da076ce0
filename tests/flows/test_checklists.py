"""Guided acceptance tests through the engine: values, specs, retests, languages, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.core.clock import FrozenClock
from bot.core.replies import AnswerCallback
from bot.services import checklists, tickets
from bot.services.checklists import Verdict
from bot.services.importer import import_csv
from storage.models import (
    Dialog,
    TestResult,
    TicketEvent,
    TicketKind,
    TicketStatus,
    TimelineKind,
)
from tests.support.chat import FlowChat
from tests.support.jobs import assigned_job, failing_names
from tests.support.people import engineer_chat
from tests.support.seed import REPAIR_CHECKS
from tests.support.units import nb


async def results(chat: FlowChat, ticket_id: int) -> list[TestResult]:
    async with chat.app.db.transaction() as session:
        rows = await session.scalars(
            select(TestResult).where(TestResult.ticket_id == ticket_id).order_by(TestResult.id)
        )
        return list(rows)


async def test_full_checklist_with_out_of_spec_value_kept_then_retested(
    engineer: FlowChat,
) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"ts:start:{job}")
    assert "6 checks to log" in engineer.joined()
    assert "Check 1 of 6" in engineer.joined()
    assert "Boiler pressure, bar (spec 0.8–1.5)?" in engineer.joined()

    await engineer.say("12,5")  # a comma decimal, far out of spec: kept, not refused
    assert nb("❌ Boiler pressure: 12.5 bar (spec 0.8–1.5 bar)") in engineer.joined()
    assert engineer.joined().count("❌") == 1  # the verdict once
    assert "Next: Brew water temperature, °C (spec 90–96)?" in engineer.joined()
    assert await failing_names(engineer.app, job) == [
        "Boiler pressure",
        "Brew water temperature",
        "Pump pressure during extraction",
        "Grinder calibrated",
        "Leak test passed",
    ]
    await engineer.press("Retest")
    assert "Boiler pressure, bar (spec 0.8–1.5)?" in engineer.joined()
    await engineer.say(" 1.2 bar")
    assert nb("✅ Boiler pressure: 1.2 bar") in engineer.joined()
    await engineer.press("Next")

    assert "Check 2 of 6" in engineer.joined()
    await engineer.say("12.5")  # a dot decimal, out of 90–96 °C
    assert nb("(spec 90–96 °C)") in engineer.joined()
    await engineer.press("Retest")
    await engineer.say("93,5")
    assert nb("✅ Brew water temperature: 93.5 °C") in engineer.joined()
    await engineer.press("Next")

    await engineer.say("9")
    assert "Next: Grinder calibrated? Answer yes or no." in engineer.joined()
    await engineer.say("да")  # typed in Russian
    assert "✅ Grinder calibrated" in engineer.joined()
    assert ": yes" not in engineer.joined()  # a yes/no check reads as its phrase
    await engineer.press("Next")
    await engineer.press("Yes")  # the leak test, by button
    assert "✅ No leaks" in engineer.joined()
    await engineer.press("Next")
    assert "Notes: type a short note." in engineer.joined()
    await engineer.press("Skip")  # notes are optional

    summary = engineer.joined()
    assert nb("✅ Boiler pressure: 1.2 bar") in summary
    assert nb("✅ Brew water temperature: 93.5 °C") in summary
    assert "— Notes: skipped" in summary
    assert "Passed: 5, failed: 0, not logged: 0, skipped: 1" in summary
    assert "All required checks passed." in summary
    assert "✅ Resolve" in engineer.button_texts()

    logged = await results(engineer, job)
    assert len(logged) == 8  # two retests add rows, the latest counts; the skip is kept
    assert logged[-1].skipped and logged[-1].value_text == "" and not logged[-1].passed
    assert [r.value_number for r in logged[:2]] == [12.5, 1.2]
    assert logged[0].passed is False and logged[1].passed is True
    assert await failing_names(engineer.app, job) == []
    async with engineer.app.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Dialog)) == 0
        events = await session.scalar(
            select(func.count())
            .select_from(TicketEvent)
            .where(TicketEvent.ticket_id == job, TicketEvent.kind == TimelineKind.TEST)
        )
        assert events == 8


async def test_unreadable_values_are_asked_again(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"ts:start:{job}")
    await engineer.say("about one")
    assert "could not read a number in “about one”" in engineer.joined()
    assert "Check 1 of 6" in engineer.joined()
    await engineer.say("1.0 1.1")  # two numbers: which one?
    assert "could not read a number" in engineer.joined()
    await engineer.say("1")
    await engineer.press("Next")
    await engineer.say("94")
    await engineer.press("Next")
    await engineer.say("9")
    await engineer.press("Next")
    await engineer.say("maybe")
    assert "Please answer yes or no" in engineer.joined()
    await engineer.say("Next")  # a word that is not an answer is not taken as one
    assert "Please answer yes or no" in engineer.joined()
    assert len(await results(engineer, job)) == 3


async def test_values_in_other_digits_are_asked_again(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"ts:start:{job}")
    for text in ("١٫٢", "١,٢", "①", "１.２", "9" * 30):
        await engineer.say(text)
        assert "could not read a number" in engineer.joined()
    assert await results(engineer, job) == []


async def test_typing_while_a_verdict_waits_and_stale_buttons(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"ts:start:{job}")
    first_question = engineer.last.message_id
    await engineer.say("1.1")
    await engineer.say("93")  # the next check's value, typed without pressing Next
    assert nb("✅ Brew water temperature: 93 °C") in engineer.joined()
    await engineer.press("Next")
    await engineer.press_data(f"ts:retest:{job}:999999", first_question)
    [answer] = [r for r in engineer.last_replies if isinstance(r, AnswerCallback)]
    assert answer.text is not None and "earlier step" in answer.text
    assert len(await results(engineer, job)) == 2


async def test_stop_and_cancel_keep_what_was_logged(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"ts:start:{job}")
    await engineer.say("1.1")
    await engineer.press("Next")
    await engineer.press("Stop")
    assert "The values logged so far are saved." in engineer.joined()
    assert len(await results(engineer, job)) == 1

    await engineer.press_data(f"ts:start:{job}")  # continues with the checks not yet passed
    assert "5 checks to log" in engineer.joined()
    assert "Brew water temperature" in engineer.joined()
    await engineer.say("95")
    await engineer.say("/cancel")
    assert len(await results(engineer, job)) == 2
    await engineer.say("94")  # no longer in the dialog: nothing recorded
    assert len(await results(engineer, job)) == 2


def next_of(chat: FlowChat) -> str:
    """The Next button under the newest verdict, whatever its language."""
    return next(data for _, data in chat.last.buttons() if data.startswith("ts:next:"))


async def test_russian_engineer_sees_russian_names_and_types_net(engineer: FlowChat) -> None:
    ivan = await engineer_chat(engineer.app, 705, "Алексей", locale="ru", on_duty=True)
    job = await assigned_job(engineer.app, 705)
    await ivan.press_data(f"ts:start:{job}")
    assert "Давление в бойлере, bar" in ivan.joined()
    assert "0,8–1,5" in ivan.joined()  # numbers in the reader's locale
    for value in ("1,1", "92", "9"):
        await ivan.say(value)
        await ivan.press_data(next_of(ivan))
    assert "Кофемолка откалибрована" in ivan.joined()
    await ivan.say("нет")
    assert "❌" in ivan.joined()
    logged = await results(ivan, job)
    assert logged[-1].value_text == "no" and logged[-1].passed is False
    assert await failing_names(engineer.app, job) == ["Grinder calibrated", "Leak test passed"]


async def test_only_the_assigned_engineer_on_site_logs_tests(
    engineer: FlowChat, other_engineer: FlowChat
) -> None:
    job = await assigned_job(engineer.app)
    await other_engineer.press_data(f"ts:start:{job}")
    [answer] = [r for r in other_engineer.last_replies if isinstance(r, AnswerCallback)]
    assert answer.alert and answer.text == "This job is not assigned to you."
    await other_engineer.say("1.2")
    assert await results(engineer, job) == []

    en_route = await assigned_job(engineer.app, status=TicketStatus.EN_ROUTE)
    await engineer.press_data(f"ts:start:{en_route}")
    [answer] = [r for r in engineer.last_replies if isinstance(r, AnswerCallback)]
    assert answer.text is not None and "On site" in answer.text

    await engineer.press_data("ts:start:notanumber")
    assert engineer.texts() == []


async def test_client_cannot_press_test_buttons(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app)
    client = FlowChat(engineer.app, 501, name="Maria")
    await client.press_data(f"ts:start:{job}")
    [answer] = [r for r in client.last_replies if isinstance(r, AnswerCallback)]
    assert answer.text == "This action is not available to you."


async def test_breakdown_without_checklist(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app, kind=TicketKind.BREAKDOWN)
    await engineer.press_data(f"ts:start:{job}")
    assert "There is no checklist" in engineer.joined()


async def test_all_passed_shows_summary_and_log_all_again(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"ts:start:{job}")
    for value in ("1.1", "92", "9", "yes", "yes", "Descaled, new filter"):
        await engineer.say(value)
    assert "Passed: 6, failed: 0, not logged: 0" in engineer.joined()
    await engineer.press_data(f"ts:start:{job}")
    assert "All required checks passed." in engineer.joined()
    await engineer.press("Log all again")
    assert "6 checks to log" in engineer.joined()


async def test_log_tests_only_on_a_job_with_a_checklist(engineer: FlowChat) -> None:
    installation = await assigned_job(engineer.app)  # the coffee machines' installation list
    await engineer.press_data(f"mj:open:{installation}")
    assert "🧪 Log tests" in engineer.button_texts()
    unknown = await assigned_job(engineer.app, serial=None, kind=TicketKind.UPGRADE)  # no list
    await engineer.press_data(f"mj:open:{unknown}")
    assert "🧪 Log tests" not in dict(engineer.last.buttons())
    assert "✅ Resolve" in dict(engineer.last.buttons())


# -- yes/no checks read as phrases ----------------------------------------------------------------
async def log_coffee_yes_no(chat: FlowChat, job: int, grinder: str, leaks: str) -> None:
    """The three numbers within spec, the grinder and leak answers as typed, notes skipped."""
    await chat.press_data(f"ts:start:{job}")
    for value in ("1,1", "92", "9", grinder, leaks):
        await chat.say(value)
        await chat.press_data(next_of(chat))
    await chat.press_data(chat.last.buttons()[0][1])  # Skip


@pytest.mark.parametrize(
    ("locale", "passed", "failed"),
    [
        ("en", "✅ No leaks", "❌ Grinder not calibrated"),
        ("ru", "✅ Протечек нет", "❌ Кофемолка не откалибрована"),
        ("bg", "✅ Няма течове", "❌ Мелачката не е калибрирана"),
    ],
)
async def test_yes_no_checks_read_as_their_phrases_in_each_language(
    engineer: FlowChat, locale: str, passed: str, failed: str
) -> None:
    chat = await engineer_chat(engineer.app, 706, "Georgi", locale=locale, on_duty=True)
    job = await assigned_job(engineer.app, 706)
    await log_coffee_yes_no(chat, job, "-", "+")  # signs, typed
    summary = chat.texts()[-1]
    assert failed in summary and passed in summary
    assert failed + ":" not in summary and passed + ":" not in summary
    logged = await results(chat, job)  # the signs stored as the answers they mean
    assert [(r.value_text, r.passed) for r in logged[3:5]] == [("no", False), ("yes", True)]


def timeline_of(text: str) -> list[str]:
    """What each line of a ticket's timeline says, without its time."""
    return [line.split(" — ", 1)[1] for line in text.split("\n\n")[-1].splitlines()[1:]]


async def test_the_timeline_shows_each_checks_outcome(
    engineer: FlowChat, client: FlowChat, clock: FrozenClock
) -> None:
    job = await assigned_job(engineer.app)
    await log_coffee_yes_no(engineer, job, "no", "yes")
    async with engineer.app.db.transaction() as session:  # lines logged before names were kept
        for data in (
            {"name": "Boiler pressure", "value": "1.3", "unit": "bar", "passed": True},
            {},
        ):
            session.add(
                TicketEvent(ticket_id=job, at=clock.now(), kind=TimelineKind.TEST, data=data)
            )
    await client.press_data(f"tk:{job}")
    assert timeline_of(client.last.text)[-8:] == [
        nb("Test: ✅ Boiler pressure: 1.1 bar"),
        nb("Test: ✅ Brew water temperature: 92 °C"),
        nb("Test: ✅ Pump pressure during extraction: 9 bar"),
        "Test: ❌ Grinder not calibrated",  # a yes/no check as its phrase
        "Test: ✅ No leaks",
        "Test skipped: Notes",
        nb("Test: ✅ Boiler pressure: 1.3 bar"),
        "Acceptance test logged",
    ]
    await client.say("/language")
    await client.press("Русский")
    await client.press_data(f"tk:{job}")
    russian = "\n".join(timeline_of(client.last.text))  # the names and phrases as logged
    assert nb("✅ Давление в бойлере: 1,1 bar") in russian
    assert "❌ Кофемолка не откалибрована" in russian and "✅ Протечек нет" in russian


async def test_a_check_that_passes_on_no(engineer: FlowChat) -> None:
    """ "Refrigerant leak?": "no" passes, "yes" fails and blocks resolving."""
    job = await assigned_job(engineer.app, serial="DK-35-8812")  # an air conditioner
    await engineer.press_data(f"ts:start:{job}")
    for value in ("9", "12", "8"):
        await engineer.say(value)
    await engineer.say("yes")  # the condensate drain works
    await engineer.press("Next")
    assert "Refrigerant leak? Answer yes or no." in engineer.joined()
    await engineer.say("yes")  # there is a leak
    assert "❌ Refrigerant leak found" in engineer.joined()
    assert await failing_names(engineer.app, job) == ["Refrigerant leak"]
    await engineer.press("Retest")
    await engineer.press("No")  # fixed: no leak any more
    assert "✅ No refrigerant leak" in engineer.joined()
    assert await failing_names(engineer.app, job) == []
    logged = await results(engineer, job)
    assert [(r.value_text, r.passed) for r in logged[-2:]] == [("yes", False), ("no", True)]


async def test_a_check_without_phrases_reads_as_its_name(engineer: FlowChat) -> None:
    async with engineer.app.db.transaction() as session:
        assert not (await import_csv(session, "checklists", REPAIR_CHECKS)).errors  # old columns
    job = await assigned_job(engineer.app, serial="CR-42-0117", kind=TicketKind.BREAKDOWN)
    await engineer.press_data(f"ts:start:{job}")
    for value in ("10", "9"):
        await engineer.say(value)
    await engineer.say("no")
    assert "❌ Drain is clear" in engineer.joined()
    await engineer.press("Retest")
    await engineer.say("Yes")
    assert "✅ Drain is clear" in engineer.joined() and "clear: yes" not in engineer.joined()


# -- skipped optional checks ----------------------------------------------------------------------
async def test_a_skip_is_kept_not_failed_and_not_asked_again_on_retest(
    engineer: FlowChat,
) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"ts:start:{job}")
    for value in ("2,5", "92", "9", "yes", "yes"):  # the boiler out of spec
        await engineer.say(value)
    await engineer.press("Next")  # the optional notes are asked
    await engineer.press("Skip")  # the optional notes
    summary = engineer.texts()[-1]
    assert "— Notes: skipped" in summary
    assert "Passed: 4, failed: 1, not logged: 0, skipped: 1" in summary
    assert "✏ Fill in skipped checks" in engineer.button_texts()
    assert await failing_names(engineer.app, job) == ["Boiler pressure"]  # the skip is no failure

    await engineer.press("Retest failed and missing")
    assert "1 check to log" in engineer.joined()  # the boiler; not the skipped notes
    await engineer.say("1.2")
    summary = engineer.texts()[-1]
    assert "All required checks passed." in summary and "— Notes: skipped" in summary
    assert "✅ Resolve" in engineer.button_texts()

    await engineer.press_data(f"ts:start:{job}")  # nothing failed or missing: the summary
    assert "checks to log" not in engineer.joined() and "— Notes: skipped" in engineer.joined()

    await engineer.press("Fill in skipped checks")  # on purpose, from the summary
    assert "1 check to log" in engineer.joined()
    assert "Notes: type a short note." in engineer.joined()
    await engineer.say("Staff trained")
    summary = engineer.texts()[-1]
    assert "✅ Notes: Staff trained" in summary and "skipped" not in summary
    assert "Passed: 6, failed: 0, not logged: 0" in summary
    assert not any("Fill in skipped" in label for label, _ in engineer.last.buttons())


async def test_a_skip_is_shown_to_the_customer_and_survives_stop(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"ts:start:{job}")
    for value in ("1,1", "92", "9", "no", "yes"):
        await engineer.say(value)
    await engineer.press("Next")  # the optional notes are asked
    await engineer.press("Skip")
    await engineer.press_data(f"ts:start:{job}")
    assert "1 check to log" in engineer.joined()  # the grinder only
    await engineer.press("Stop")
    async with engineer.app.db.transaction() as session:
        ticket = await tickets.card(session, job)
        assert ticket is not None
        outcomes = await checklists.outcomes(session, ticket)
        counts = checklists.summary_counts(outcomes)
    assert counts[Verdict.SKIPPED] == 1 and counts[Verdict.FAILED] == 1
    assert counts[Verdict.MISSING] == 0


async def test_the_next_check_is_answered_under_the_verdict(engineer: FlowChat) -> None:
    """Yes/No and Skip of the next check sit under the verdict: no Next to tap."""
    job = await assigned_job(engineer.app)
    await engineer.press_data(f"ts:start:{job}")
    for value in ("1,1", "92", "9"):
        await engineer.say(value)
    assert "Next: Grinder calibrated? Answer yes or no." in engineer.joined()
    await engineer.press("Yes")  # under the pump's verdict
    assert "✅ Grinder calibrated" in engineer.joined()
    await engineer.press("Yes")  # the leak test, under the grinder's verdict
    assert "Next: Notes" in engineer.joined()
    await engineer.press("Skip")  # the optional notes, under the leak test's verdict
    summary = engineer.texts()[-1]
    assert "Passed: 5, failed: 0, not logged: 0, skipped: 1" in summary
    logged = await results(engineer, job)
    assert [r.value_text for r in logged][3:5] == ["yes", "yes"] and logged[-1].skipped
