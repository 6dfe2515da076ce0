"""Guided acceptance tests: the engineer logs each check of the job's checklist in turn.

Every value is kept when it is typed (out-of-spec ones too: they are facts about the site),
so leaving the dialog loses nothing. A retest adds a new result; the latest counts. The
dialog lives in the database: data ``ticket_id``, ``queue`` (check ids) and ``index``;
steps ``value`` (waiting for the value of ``queue[index]``) and ``verdict`` (shown, waiting
for Retest or Next).

Buttons: ``ts:start:<ticket>`` (checks not yet passed), ``ts:all:<ticket>`` (every check),
``ts:yes|no|skip|retest|next:<ticket>:<check>``, ``ts:stop:<ticket>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.i18n import Translator
from bot.core.replies import Button, InlineKeyboard, inline
from bot.core.router import Router
from bot.services import checklists
from bot.services.checklists import BadValue, CheckOutcome, Verdict
from bot.services.errors import InvalidState, NotFound
from handlers.keyboards import action_and_ids
from handlers.texts import ticket_ref
from storage.models import ChecklistCheck, CheckType, Role, TestResult, Ticket

router = Router()
DIALOG = "tests"
ENGINEERS = (Role.ENGINEER,)
MARK = {Verdict.PASSED: "✅", Verdict.FAILED: "❌", Verdict.MISSING: "—"}


# -- rendering, shared with the customer's sign-off message -------------------------------------
def spec_text(t: Translator, check: ChecklistCheck, unit: bool = True) -> str:
    """``0.8–1.5 bar``, ``≥ 90 °C``, ``≤ 2 mm``; empty without limits."""
    low, high = check.min_value, check.max_value
    if low is not None and high is not None:
        span = f"{t.number(low)}–{t.number(high)}"
    elif low is not None:
        span = f"≥ {t.number(low)}"
    elif high is not None:
        span = f"≤ {t.number(high)}"
    else:
        return ""
    return f"{span} {check.unit}".strip() if unit else span


def value_text(t: Translator, check: ChecklistCheck, result: TestResult) -> str:
    """A result as the reader writes it: ``1,2 bar`` in Russian, ``yes``/``да``, or the note."""
    if check.type is CheckType.NUMBER and result.value_number is not None:
        return f"{t.number(result.value_number)} {check.unit}".strip()
    if check.type is CheckType.YESNO:
        return t._("yes") if result.value_text == "yes" else t._("no")
    return result.value_text


def outcome_line(t: Translator, outcome: CheckOutcome) -> str:
    name = checklists.check_name(outcome.check, t.locale)
    mark = MARK[outcome.verdict]
    if outcome.result is None:
        if outcome.check.required:
            return t._("{mark} {check}: not logged", mark=mark, check=name)
        return t._("{mark} {check}: skipped", mark=mark, check=name)
    value = value_text(t, outcome.check, outcome.result)
    spec = spec_text(t, outcome.check)
    if outcome.verdict is Verdict.FAILED and spec:
        return t._(
            "{mark} {check}: {value} (spec {spec})", mark=mark, check=name, value=value, spec=spec
        )
    return t._("{mark} {check}: {value}", mark=mark, check=name, value=value)


def summary_lines(t: Translator, outcomes: Sequence[CheckOutcome]) -> list[str]:
    counts = checklists.summary_counts(outcomes)
    return [outcome_line(t, outcome) for outcome in outcomes] + [
        t._(
            "Passed: {passed}, failed: {failed}, not logged: {missing}",
            passed=counts[Verdict.PASSED],
            failed=counts[Verdict.FAILED],
            missing=counts[Verdict.MISSING],
        )
    ]


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


async def begin(ctx: Context, ticket_id: int, only: str = "open", check_id: int = 0) -> None:
    """Start logging: ``open`` checks not yet passed, ``all`` of them, or ``one`` check."""
    try:
        ticket = await checklists.job_for_logging(ctx.session, ticket_id, ctx.person)
    except NotFound:
        ctx.answer(ctx._("This job is not assigned to you."), alert=True)
        return
    except InvalidState:
        ctx.answer(ctx._("Tests are logged on site: set the job to “On site” first."), alert=True)
        return
    ctx.answer()
    outcomes = await checklists.outcomes(ctx.session, ticket)
    if not outcomes:
        ctx.send(ctx._("There is no checklist for this job's equipment and kind."))
        return
    if only == "all":
        queue = [outcome.check.id for outcome in outcomes]
    elif only == "one":
        queue = [outcome.check.id for outcome in outcomes if outcome.check.id == check_id]
    else:
        queue = [outcome.check.id for outcome in outcomes if outcome.verdict is not Verdict.PASSED]
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
    tail = f"{ticket.id}:{check.id}"
    rows: list[list[Button]] = []
    if check.type is CheckType.YESNO:
        rows.append([Button(ctx._("Yes"), f"ts:yes:{tail}"), Button(ctx._("No"), f"ts:no:{tail}")])
    if not check.required:
        rows.append([Button(ctx._("Skip"), f"ts:skip:{tail}")])
    rows.append([Button(ctx._("✖ Stop"), f"ts:stop:{ticket.id}")])
    return inline(*rows)


async def take_value(ctx: Context, raw: str) -> None:
    values = state(ctx)
    check_id = current_check_id(ctx)
    if check_id is None:
        await finish(ctx)
        return
    try:
        check, result = await checklists.record(
            ctx.session, values["ticket_id"], check_id, ctx.person, raw, ctx.now()
        )
    except (NotFound, InvalidState):
        await dialogs.end(ctx)
        ctx.send(ctx._("This job is no longer open for tests. Nothing more was saved."))
        return
    except BadValue:
        ticket = await own_ticket(ctx, values["ticket_id"])
        ctx.send(bad_value(ctx, await checklists.get_check(ctx.session, ticket, check_id), raw))
        await ask(ctx, ticket)
        return
    dialogs.move(ctx, "verdict")
    tail = f"{values['ticket_id']}:{check.id}"
    ctx.send(
        "\n".join([outcome_line(ctx.t, CheckOutcome(check, result)), verdict(ctx, check, result)]),
        inline(
            [
                Button(ctx._("🔁 Retest"), f"ts:retest:{tail}"),
                Button(ctx._("➡ Next"), f"ts:next:{tail}"),
            ]
        ),
    )


def verdict(ctx: Context, check: ChecklistCheck, result: TestResult) -> str:
    if result.passed:
        return ctx._("✅ within spec") if check.type is CheckType.NUMBER else ctx._("✅ passed")
    spec = spec_text(ctx.t, check)
    return ctx._("❌ out of spec ({spec})", spec=spec) if spec else ctx._("❌ failed")


def bad_value(ctx: Context, check: ChecklistCheck, raw: str) -> str:
    if check.type is CheckType.NUMBER:
        example = check.min_value if check.min_value is not None else 12.5
        return ctx._(
            "I could not read a number in “{text}”. Please type just the value, "
            "for example {example}.",
            text=raw,
            example=ctx.t.number(example),
        )
    if check.type is CheckType.YESNO:
        return ctx._("Please answer yes or no, or use the buttons.")
    return ctx._("Please type a short note.")


async def own_ticket(ctx: Context, ticket_id: int) -> Ticket:
    return await checklists.job_for_logging(ctx.session, ticket_id, ctx.person)


async def advance(ctx: Context) -> None:
    values = state(ctx)
    index = values["index"] + 1
    dialogs.move(ctx, "value", index=index)
    if index >= len(values["queue"]):
        await finish(ctx)
        return
    await ask(ctx, await own_ticket(ctx, values["ticket_id"]))


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
        lines.append(ctx._("Required checks that failed or are missing block resolving."))
        buttons = [Button(ctx._("🔁 Retest failed and missing"), f"ts:start:{ticket.id}")]
    else:
        lines.append(ctx._("All required checks passed."))
        buttons = [
            Button(ctx._("✅ Resolve"), f"rs:{ticket.id}"),
            Button(ctx._("Log all again"), f"ts:all:{ticket.id}"),
        ]
    ctx.send("\n".join(lines), inline(buttons))


# -- buttons and typed values ------------------------------------------------------------------
@router.callback("ts", roles=ENGINEERS)
async def tests_button(ctx: Context) -> None:
    parsed = action_and_ids(ctx.event)
    if parsed is None:
        ctx.answer(ctx._("This button is no longer active."))
        return
    action, numbers = parsed
    ticket_id = numbers[0]
    check_id = numbers[1] if len(numbers) > 1 else 0
    if action in ("start", "all"):
        await begin(ctx, ticket_id, "all" if action == "all" else "open")
        return
    if not dialogs.is_in(ctx, DIALOG) or state(ctx).get("ticket_id") != ticket_id:
        ctx.answer(ctx._("That button belongs to an earlier step. Please use the latest message."))
        return
    if action == "stop":
        ctx.answer()
        await finish_stopped(ctx)
        return
    if check_id != current_check_id(ctx):
        ctx.answer(ctx._("That button belongs to an earlier step. Please use the latest message."))
        return
    ctx.answer()
    step = ctx.dialog.step if ctx.dialog else ""
    try:
        if action in ("yes", "no") and step == "value":
            await take_value(ctx, action)
        elif action == "skip" and step == "value":
            await skip(ctx)
        elif action == "retest" and step == "verdict":
            await ask(ctx, await own_ticket(ctx, ticket_id))
        elif action == "next" and step == "verdict":
            await advance(ctx)
        else:
            ctx.send(
                ctx._("That button belongs to an earlier step. Please use the latest message.")
            )
    except (NotFound, InvalidState):
        await dialogs.end(ctx)
        ctx.send(ctx._("This job is no longer open for tests. Nothing more was saved."))


async def skip(ctx: Context) -> None:
    ticket = await own_ticket(ctx, state(ctx)["ticket_id"])
    check_id = current_check_id(ctx)
    assert check_id is not None
    check = await checklists.get_check(ctx.session, ticket, check_id)
    if check.required:
        ctx.send(ctx._("This check is required and cannot be skipped."))
        return
    await advance(ctx)


async def finish_stopped(ctx: Context) -> None:
    await dialogs.end(ctx)
    ctx.send(ctx._("Stopped. The values logged so far are saved."))


@router.dialog(DIALOG, roles=ENGINEERS)
async def tests_message(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = ctx.event.text.strip()
    if ctx.event.kind is not EventKind.TEXT or not text:
        ctx.send(ctx._("Please type the value, or use the buttons."))
        return
    if ctx.dialog.step == "verdict":
        ctx.send(ctx._("Press Next to go on, or Retest to measure again."))
        return
    await take_value(ctx, text)
