"""How test results read, in the reader's language: specs, values, one line per check and the
summary. Shared by the engineer's tests and the customer's sign-off message."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.i18n import NBSP, Translator, with_unit
from bot.services import checklists
from bot.services.checklists import CheckOutcome, Verdict
from storage.models import ChecklistCheck, CheckType, TestResult

MARK = {Verdict.PASSED: "✅", Verdict.FAILED: "❌", Verdict.MISSING: "—", Verdict.SKIPPED: "—"}


def spec_text(t: Translator, check: ChecklistCheck, unit: bool = True) -> str:
    """``0.8–1.5 bar``, ``≥ 90 °C``, ``≤ 2 mm``; empty without limits. The sign, the
    number and the unit stay on one line (no-break spaces)."""
    low, high = check.min_value, check.max_value
    if low is not None and high is not None:
        span = f"{t.number(low)}–{t.number(high)}"
    elif low is not None:
        span = f"≥{NBSP}{t.number(low)}"
    elif high is not None:
        span = f"≤{NBSP}{t.number(high)}"
    else:
        return ""
    return with_unit(span, check.unit) if unit else span


def value_text(t: Translator, check: ChecklistCheck, result: TestResult) -> str:
    """A result as the reader writes it: ``1,2 bar`` in Russian, or the note (a yes/no check
    reads as its phrase: :func:`outcome_line`)."""
    if check.type is CheckType.NUMBER and result.value_number is not None:
        return with_unit(t.number(result.value_number), check.unit)
    return result.value_text


def outcome_line(t: Translator, outcome: CheckOutcome) -> str:
    """``✅ Boiler pressure: 1,2 bar``; a yes/no check as its phrase, ``✅ No refrigerant
    leak``; ``— Notes: skipped``."""
    name = checklists.check_name(outcome.check, t.locale)
    mark = MARK[outcome.verdict]
    if outcome.verdict is Verdict.SKIPPED:
        return t._("{mark} {check}: skipped", mark=mark, check=name)
    if outcome.result is None:
        return t._("{mark} {check}: not logged", mark=mark, check=name)
    if outcome.check.type is CheckType.YESNO:
        passed = outcome.verdict is Verdict.PASSED
        return f"{mark} {checklists.check_phrase(outcome.check, passed, t.locale)}"
    value = value_text(t, outcome.check, outcome.result)
    spec = spec_text(t, outcome.check)
    if outcome.verdict is Verdict.FAILED and spec:
        return t._(
            "{mark} {check}: {value} (spec {spec})", mark=mark, check=name, value=value, spec=spec
        )
    return t._("{mark} {check}: {value}", mark=mark, check=name, value=value)


def summary_lines(t: Translator, outcomes: Sequence[CheckOutcome]) -> list[str]:
    counts = checklists.summary_counts(outcomes)
    figures = {
        "passed": counts[Verdict.PASSED],
        "failed": counts[Verdict.FAILED],
        "missing": counts[Verdict.MISSING],
    }
    if counts[Verdict.SKIPPED]:
        total = t._(
            "Passed: {passed}, failed: {failed}, not logged: {missing}, skipped: {skipped}",
            skipped=counts[Verdict.SKIPPED],
            **figures,
        )
    else:
        total = t._("Passed: {passed}, failed: {failed}, not logged: {missing}", **figures)
    return [outcome_line(t, outcome) for outcome in outcomes] + [total]
