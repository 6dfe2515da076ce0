"""Guided acceptance tests through the engine: values, specs, retests, languages, refusals."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.core.replies import AnswerCallback
from storage.models import Dialog, TestResult, TicketEvent, TicketKind, TicketStatus, TimelineKind
from tests.support.chat import FlowChat
from tests.support.jobs import assigned_job, failing_names
from tests.support.people import engineer_chat


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
    assert "❌ Boiler pressure: 12.5 bar (spec 0.8–1.5 bar)" in engineer.joined()
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
    assert "✅ Boiler pressure: 1.2 bar" in engineer.joined()
    await engineer.press("Next")

    assert "Check 2 of 6" in engineer.joined()
    await engineer.say("12.5")  # a dot decimal, out of 90–96 °C
    assert "(spec 90–96 °C)" in engineer.joined()
    await engineer.press("Retest")
    await engineer.say("93,5")
    assert "✅ Brew water temperature: 93.5 °C" in engineer.joined()
    await engineer.press("Next")

    await engineer.say("9")
    assert "Next: Grinder calibrated? Answer yes or no." in engineer.joined()
    await engineer.say("да")  # typed in Russian
    assert "✅ Grinder calibrated: yes" in engineer.joined()
    await engineer.press("Next")
    await engineer.press("Yes")  # the leak test, by button
    await engineer.press("Next")
    assert "Notes: type a short note." in engineer.joined()
    await engineer.press("Skip")  # notes are optional

    summary = engineer.joined()
    assert "✅ Boiler pressure: 1.2 bar" in summary
    assert "✅ Brew water temperature: 93.5 °C" in summary
    assert "— Notes: skipped" in summary
    assert "Passed: 5, failed: 0, not logged: 1" in summary
    assert "All required checks passed." in summary
    assert "✅ Resolve" in engineer.button_texts()

    logged = await results(engineer, job)
    assert len(logged) == 7  # two retests add rows; the latest counts
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
        assert events == 7


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
    assert "✅ Brew water temperature: 93 °C" in engineer.joined()
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


async def test_russian_engineer_sees_russian_names_and_types_net(engineer: FlowChat) -> None:
    ivan = await engineer_chat(engineer.app, 705, "Алексей", locale="ru", on_duty=True)
    job = await assigned_job(engineer.app, 705)
    await ivan.press_data(f"ts:start:{job}")
    assert "Давление в бойлере, bar" in ivan.joined()
    assert "0,8–1,5" in ivan.joined()  # numbers in the reader's locale
    for value in ("1,1", "92", "9"):
        await ivan.say(value)
        await ivan.press_data(ivan.last.buttons()[1][1])  # Next
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
        await engineer.press("Next")
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
