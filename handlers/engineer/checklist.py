"""Guided acceptance tests: the engineer logs each check of the job's checklist in turn.

Every value is kept when it is typed (out-of-spec ones too: they are facts about the site),
so leaving the dialog loses nothing. A retest adds a new result; the latest counts. A skipped
optional check is kept as skipped: retesting the failed and missing leaves it be, and only
"Fill in skipped checks" or "Log all again" asks it again. The dialog lives in the database:
data ``ticket_id``, ``queue`` (check ids) and ``index``; steps ``value`` (waiting for the
value of ``queue[index]``) and ``verdict`` (shown with the next question, waiting for Retest,
Next or the next value typed); the last value goes straight to the summary. A button under an
earlier question or verdict is answered and ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from bot.core import dialogs
from bot.core.context import Context
from bot.core.i18n import N_, Translator
from bot.core.refusals import ending_dialog
from bot.core.replies import Button, InlineKeyboard, inline
from bot.core.router import Router
from bot.services import checklists
from bot.services.checklists import BadValue, CheckOutcome, Verdict
from handlers.answers import typed
from handlers.engineer.buttons import (
    AnswerCheck,
    LogAllTests,
    LogSkippedTests,
    LogTests,
    NextCheck,
    ResolveJob,
    RetestCheck,
    SkipCheck,
    StopTests,
    YesNo,
)
from handlers.engineer.card import ENGINEERS
from handlers.engineer.outcomes import outcome_line, spec_text, summary_lines
from handlers.texts import ticket_ref
from storage.models import ChecklistCheck, CheckType, Ticket

router = Router()
DIALOG = "tests"
ASK = N_("Please type the value, or use the buttons.")
EARLIER = N_("That button belongs to an earlier step. Please use the latest message.")


# -- the questions ------------------------------------------------------------------------------
def question(t: Translator, check: ChecklistCheck) -> str:
    name = checklists.check_name(check, t.locale)
    if check.type is CheckType.YESNO:
        return t._("{check}? Answer yes or no.", check=name)
    if check.type is CheckType.TEXT:
        return t._("{check}: type a short note.", check=name)
    label = f"{name}, {check.unit}" if check.unit else name
    spec = spec_text(t, check, unit=False)
    if spec:
        return t._("{check} (spec {spec})?", check=label, spec=spec)
    return t._("{check}?", check=label)


# -- the dialog -----------------------------------------------------------------------------------
def state(ctx: Context) -> dict[str, Any]:
    assert ctx.dialog is not None
    return ctx.dialog.data


def current_check_id(ctx: Context) -> int | None:
    values = state(ctx)
    queue, index = values.get("queue", []), values.get("index", 0)
    return int(queue[index]) if index < len(queue) else None


def open_for_tests() -> AbstractAsyncContextManager[None]:
    """Around each step once the dialog runs: a job that is no longer this engineer's, or no
    longer on site, ends the dialog (what was logged before stays) and says so."""
    return ending_dialog(N_("This job is no longer open for tests. Nothing more was saved."))


async def own_ticket(ctx: Context, ticket_id: int) -> Ticket:
    return await checklists.job_for_logging(ctx.session, ticket_id, ctx.person)


# Which checks each start asks: the failed and missing (a skip stands), every one, the skipped.
OPEN = frozenset({Verdict.FAILED, Verdict.MISSING})
EVERY = frozenset(Verdict)
SKIPPED = frozenset({Verdict.SKIPPED})


@router.callback(LogTests, roles=ENGINEERS)
async def log_tests(ctx: Context, button: LogTests) -> None:
    await begin(ctx, button.ticket, OPEN)


@router.callback(LogAllTests, roles=ENGINEERS)
async def log_all_tests(ctx: Context, button: LogAllTests) -> None:
    await begin(ctx, button.ticket, EVERY)


@router.callback(LogSkippedTests, roles=ENGINEERS)
async def log_skipped_tests(ctx: Context, button: LogSkippedTests) -> None:
    await begin(ctx, button.ticket, SKIPPED)


async def begin(ctx: Context, ticket_id: int, which: frozenset[Verdict]) -> None:
    """Start logging the checks whose verdict is one of ``which``."""
    ticket = await own_ticket(ctx, ticket_id)
    ctx.answer()
    outcomes = await checklists.outcomes(ctx.session, ticket)
    if not outcomes:
        ctx.send(ctx._("There is no checklist for this job's equipment and kind."))
        return
    queue = [o.check.id for o in outcomes if o.verdict in which]
    if not queue:
        show_summary(ctx, ticket, outcomes)
        return
    await dialogs.start(
        ctx, DIALOG, "value", keeps_progress=True, ticket_id=ticket.id, queue=queue, index=0
    )
    ctx.send(
        ctx.ngettext(
            "Acceptance tests for {ref}: {n} check to log.",
            "Acceptance tests for {ref}: {n} checks to log.",
            len(queue),
            ref=ticket_ref(ticket),
        )
    )
    await ask(ctx, ticket)


async def ask(ctx: Context, ticket: Ticket) -> None:
    check_id = current_check_id(ctx)
    assert check_id is not None
    check = await checklists.get_check(ctx.session, ticket, check_id)
    dialogs.move(ctx, "value")
    values = state(ctx)
    text = "\n".join(
        [
            ctx._("Check {n} of {total}", n=values["index"] + 1, total=len(values["queue"])),
            question(ctx.t, check),
        ]
    )
    ctx.send(text, question_buttons(ctx, ticket, check))


def question_buttons(ctx: Context, ticket: Ticket, check: ChecklistCheck) -> InlineKeyboard:
    rows = answer_rows(ctx, ticket, check)
    rows.append([Button(ctx._("✖ Stop"), StopTests(ticket=ticket.id).pack())])
    return inline(*rows)


def answer_rows(ctx: Context, ticket: Ticket, check: ChecklistCheck) -> list[list[Button]]:
    """Yes/No for a yes/no check, Skip for an optional one."""
    ids = {"ticket": ticket.id, "check": check.id}
    rows: list[list[Button]] = []
    if check.type is CheckType.YESNO:
        yes = AnswerCheck(answer=YesNo.YES, **ids).pack()
        no = AnswerCheck(answer=YesNo.NO, **ids).pack()
        rows.append([Button(ctx._("Yes"), yes), Button(ctx._("No"), no)])
    if not check.required:
        rows.append([Button(ctx._("Skip"), SkipCheck(**ids).pack())])
    return rows


async def take_value(ctx: Context, raw: str) -> None:
    ticket_id, check_id = state(ctx)["ticket_id"], current_check_id(ctx)
    if check_id is None:
        await finish(ctx)
        return
    try:
        check, result = await checklists.record(
            ctx.session, ticket_id, check_id, ctx.person, raw, ctx.now()
        )
    except BadValue:
        ticket = await own_ticket(ctx, ticket_id)
        ctx.send(bad_value(ctx, await checklists.get_check(ctx.session, ticket, check_id), raw))
        await ask(ctx, ticket)
        return
    values = state(ctx)
    if values["index"] + 1 >= len(values["queue"]):
        await finish(ctx)  # the last value: its verdict is a line of the summary, no Next to tap
        return
    dialogs.move(ctx, "verdict")
    ids = {"ticket": ticket_id, "check": check.id}
    lines = [outcome_line(ctx.t, CheckOutcome(check, result))]  # its mark is the verdict
    ticket = await own_ticket(ctx, ticket_id)
    upcoming = await checklists.get_check(
        ctx.session, ticket, values["queue"][values["index"] + 1]
    )
    lines.append(ctx._("Next: {question}", question=question(ctx.t, upcoming)))
    rows = answer_rows(ctx, ticket, upcoming)  # answer the next check at once: no Next to tap
    rows.append(
        [
            Button(ctx._("🔁 Retest"), RetestCheck(**ids).pack()),
            Button(ctx._("➡ Next"), NextCheck(**ids).pack()),
        ]
    )
    ctx.send("\n".join(lines), inline(*rows))


def bad_value(ctx: Context, check: ChecklistCheck, raw: str) -> str:
    if check.type is CheckType.NUMBER:
        example = check.min_value if check.min_value is not None else 12.5
        return ctx._(
            "We could not read a number in “{text}”. Type just the value, for example {example}.",
            text=raw,
            example=ctx.t.number(example),
        )
    if check.type is CheckType.YESNO:
        return ctx._("Please answer yes or no, or use the buttons.")
    return ctx._("Please type a short note.")


async def advance(ctx: Context) -> None:
    values = state(ctx)
    index = values["index"] + 1
    dialogs.move(ctx, "value", index=index)
    if index >= len(values["queue"]):
        await finish(ctx)
        return
    await ask(ctx, await own_ticket(ctx, values["ticket_id"]))


async def skip(ctx: Context) -> None:
    """Keep the skip (a retest of the failed and missing leaves it be) and ask the next."""
    ticket = await own_ticket(ctx, state(ctx)["ticket_id"])
    check_id = current_check_id(ctx)
    assert check_id is not None
    check = await checklists.get_check(ctx.session, ticket, check_id)
    if check.required:
        ctx.send(ctx._("This check is required and cannot be skipped."))
        return
    await checklists.skip(ctx.session, ticket.id, check.id, ctx.person, ctx.now())
    await advance(ctx)


async def finish(ctx: Context) -> None:
    ticket_id = state(ctx)["ticket_id"]
    await dialogs.end(ctx)
    ticket = await own_ticket(ctx, ticket_id)
    show_summary(ctx, ticket, await checklists.outcomes(ctx.session, ticket))


def show_summary(ctx: Context, ticket: Ticket, outcomes: Sequence[CheckOutcome]) -> None:
    blocking = [o for o in outcomes if o.check.required and o.verdict is not Verdict.PASSED]
    lines = [ctx._("Acceptance tests for {ref}:", ref=ticket_ref(ticket))]
    lines += summary_lines(ctx.t, outcomes)
    if blocking:
        lines.append(
            ctx._("The job cannot be resolved while a required check is failed or missing.")
        )
        retest = LogTests(ticket=ticket.id).pack()
        buttons = [Button(ctx._("🔁 Retest failed and missing"), retest)]
    else:
        lines.append(ctx._("All required checks passed."))
        buttons = [
            Button(ctx._("✅ Resolve"), ResolveJob(ticket=ticket.id).pack()),
            Button(ctx._("Log all again"), LogAllTests(ticket=ticket.id).pack()),
        ]
    rows = [buttons]
    if any(o.verdict is Verdict.SKIPPED for o in outcomes):
        fill = LogSkippedTests(ticket=ticket.id).pack()
        rows.append([Button(ctx._("✏ Fill in skipped checks"), fill)])
    ctx.send("\n".join(lines), inline(*rows))


# -- buttons under a question or a verdict, and typed values --------------------------------------
def in_tests_of(ctx: Context, ticket_id: int) -> bool:
    return dialogs.is_in(ctx, DIALOG) and state(ctx).get("ticket_id") == ticket_id


def at_check(ctx: Context, ticket_id: int, check_id: int, step: str) -> bool:
    """Whether a button under a check is the latest one: the dialog is at this job's check,
    at ``step`` (``value`` for answers, ``verdict`` for Retest and Next)."""
    if not in_tests_of(ctx, ticket_id) or check_id != current_check_id(ctx):
        ctx.answer(ctx._(EARLIER))
        return False
    ctx.answer()
    if not dialogs.is_in(ctx, DIALOG, step):
        ctx.send(ctx._(EARLIER))
        return False
    return True


def reached(ctx: Context, ticket_id: int, check_id: int) -> bool:
    """A Yes, No or Skip of the check shown under a verdict ("Next: …") moves on to it first."""
    if not (in_tests_of(ctx, ticket_id) and dialogs.is_in(ctx, DIALOG, "verdict")):
        return False
    values = state(ctx)
    index = values["index"] + 1
    if index >= len(values["queue"]) or values["queue"][index] != check_id:
        return False
    ctx.answer()
    dialogs.move(ctx, "value", index=index)
    return True


@router.callback(AnswerCheck, roles=ENGINEERS)
async def check_answered(ctx: Context, button: AnswerCheck) -> None:
    if reached(ctx, button.ticket, button.check) or at_check(
        ctx, button.ticket, button.check, "value"
    ):
        async with open_for_tests():
            await take_value(ctx, button.answer.value)


@router.callback(SkipCheck, roles=ENGINEERS)
async def check_skipped(ctx: Context, button: SkipCheck) -> None:
    if reached(ctx, button.ticket, button.check) or at_check(
        ctx, button.ticket, button.check, "value"
    ):
        async with open_for_tests():
            await skip(ctx)


@router.callback(RetestCheck, roles=ENGINEERS)
async def retest(ctx: Context, button: RetestCheck) -> None:
    if at_check(ctx, button.ticket, button.check, "verdict"):
        async with open_for_tests():
            await ask(ctx, await own_ticket(ctx, button.ticket))


@router.callback(NextCheck, roles=ENGINEERS)
async def next_check(ctx: Context, button: NextCheck) -> None:
    if at_check(ctx, button.ticket, button.check, "verdict"):
        async with open_for_tests():
            await advance(ctx)


@router.callback(StopTests, roles=ENGINEERS)
async def stop(ctx: Context, button: StopTests) -> None:
    if not in_tests_of(ctx, button.ticket):
        ctx.answer(ctx._(EARLIER))
        return
    ctx.answer()
    await dialogs.end(ctx)
    ctx.send(ctx._("Stopped. The values logged so far are saved."))


@router.dialog(DIALOG, step="value", roles=ENGINEERS)
async def value_typed(ctx: Context) -> None:
    text = typed(ctx, ASK)
    if text is not None:
        async with open_for_tests():
            await take_value(ctx, text)


@router.dialog(DIALOG, step="verdict", roles=ENGINEERS)
async def typed_at_verdict(ctx: Context) -> None:
    """A value typed after a verdict is the next check's (it was shown): no Next to press."""
    text = typed(ctx, ASK)
    if text is None:
        return
    values = state(ctx)
    async with open_for_tests():
        dialogs.move(ctx, "value", index=values["index"] + 1)
        await take_value(ctx, text)
