"""Acceptance checklists: templates per equipment model or category and job kind, guided
measurements on a job, and the verdict that decides whether the job may be resolved.

Import formats (``fieldbot import checklists FILE.csv`` or ``FILE.yaml``)
--------------------------------------------------------------------------
CSV, one row per check::

    template,kind,model,category,position,name_en,name_ru,name_bg,type,unit,min,max,required,
    pass_en,pass_ru,pass_bg,fail_en,fail_ru,fail_bg,passes_on

- ``template``: the template's name (rows with the same name form one template);
- ``kind``: ``installation``, ``maintenance``, ``upgrade`` or ``breakdown``;
- ``model`` (an equipment model's exact name) or ``category`` (e.g. ``coffee``): what the
  template applies to; a model's own template wins over its category's;
- ``position``: order of the check (whole number; empty = after the last one);
  re-importing a template updates the check at the same position;
- ``name_en`` (required), ``name_ru``, ``name_bg``: the check's name per language;
- ``type``: ``number`` (with ``unit``, ``min``, ``max``; ``12,5`` and ``12.5`` both read),
  ``yesno`` or ``text`` (a note, always passes);
- ``required``: ``yes``/``no`` (empty = yes). Optional checks may be skipped;
- for a ``yesno`` check only, all optional (files without them still import):
  ``pass_en``/``pass_ru``/``pass_bg`` and ``fail_en``/``fail_ru``/``fail_bg``, how its outcome
  reads ("No refrigerant leak" / "Refrigerant leak found"; without them "✅ name" / "❌ name"),
  and ``passes_on``: the answer that passes, ``yes`` (empty) or ``no`` (for "Refrigerant leak?").

YAML, the same fields grouped by template::

    templates:
      - name: Coffee machine installation
        kind: installation
        category: coffee            # or: model: Linea PB
        checks:
          - name: {en: Boiler pressure, ru: Давление в бойлере, bg: Налягане в бойлера}
            type: number
            unit: bar
            min: 0.8
            max: 1.5
          - name: {en: Water leak, ru: Протечка воды, bg: Теч на вода}
            type: yesno
            passes_on: no
            pass: {en: No water leak, ru: Протечки нет, bg: Няма теч}
            fail: {en: Water leak found, ru: Обнаружена протечка, bg: Установен е теч}
          - name: {en: Notes, ru: Примечания, bg: Бележки}
            type: text
            required: false

Bad rows (or YAML checks) are reported with their line number; good ones are kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.buttons import parse_int
from bot.core.i18n import N_
from bot.services import jobs, tickets
from bot.services.errors import InvalidState
from bot.services.import_rows import ImportReport, Row, RowError, apply_rows
from bot.services.matching import fold
from storage.models import (
    ChecklistCheck,
    ChecklistTemplate,
    CheckType,
    EquipmentModel,
    Person,
    TestResult,
    Ticket,
    TicketKind,
    TicketStatus,
    TimelineKind,
)

NAME_LOCALES = ("en", "ru", "bg")
# Tests are logged once the engineer is at the equipment, and while a part is awaited.
LOGGING_STATUSES = frozenset({TicketStatus.ON_SITE, TicketStatus.WAITING_PARTS})

YES_WORDS = frozenset(fold(word) for word in ("yes", "y", "ok", "true", "1", "да", "д", "ок"))
NO_WORDS = frozenset(fold(word) for word in ("no", "n", "false", "0", "нет", "не", "н"))
# Signs fold to nothing (rapidfuzz drops punctuation), so they are read before folding.
YES_SIGNS, NO_SIGNS = frozenset("+✓✔👍"), frozenset("-−–—✗✘👎")
_TYPE_ALIASES = {
    "number": CheckType.NUMBER,
    "numeric": CheckType.NUMBER,
    "yesno": CheckType.YESNO,
    "yes/no": CheckType.YESNO,
    "bool": CheckType.YESNO,
    "text": CheckType.TEXT,
}
_NUMBER = re.compile(r"^\s*([+-]?)(\d+)(?:[.,](\d+))?\s*([^\d]*)$")


# -- reading values -----------------------------------------------------------------------------
def parse_number(text: str) -> float | None:
    """``12,5``, ``12.5`` and `` 1.2 bar`` → the number; None for anything else (digits other
    than ASCII ones, or more of them than a measurement has, too)."""
    match = _NUMBER.match(text.replace("\u00a0", " "))
    if match is None:
        return None
    sign, whole, fraction = match.group(1, 2, 3)
    if parse_int(whole) is None or (fraction is not None and parse_int(fraction) is None):
        return None
    return float(f"{sign}{whole}.{fraction or 0}")


def parse_yes_no(text: str) -> bool | None:
    """``yes``, ``Да!``, ``+`` → True; ``no``, ``нет``, ``-`` → False; anything else None."""
    sign = text.strip()
    if sign in YES_SIGNS or sign in NO_SIGNS:
        return sign in YES_SIGNS
    word = fold(text)
    if not word:
        return None
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


def check_name(check: ChecklistCheck, locale: str) -> str:
    """The check's name in ``locale``, else English, else any name it has."""
    names = check.names or {}
    return str(names.get(locale) or names.get("en") or next(iter(names.values()), ""))


def check_phrase(check: ChecklistCheck, passed: bool, locale: str) -> str:
    """How a yes/no check's outcome reads (the caller marks it ✅/❌)."""
    phrases = (check.pass_names if passed else check.fail_names) or {}
    return outcome_phrase(check.names or {}, phrases, locale)


def outcome_phrase(names: dict[str, str], phrases: dict[str, str], locale: str) -> str:
    """The outcome's phrase in ``locale``, else the check's name in ``locale``, else the
    English phrase, else the English name, else any name."""
    return str(
        phrases.get(locale)
        or names.get(locale)
        or phrases.get("en")
        or names.get("en")
        or next(iter(names.values()), "")
    )


def within_spec(check: ChecklistCheck, value: float) -> bool:
    low, high = check.min_value, check.max_value
    return (low is None or value >= low) and (high is None or value <= high)


class BadValue(ValueError):
    """The typed value cannot be read for this check's type."""


@dataclass(frozen=True)
class Reading:
    """A value read from what the engineer typed, and whether it meets the spec."""

    text: str
    number: float | None
    passed: bool


def read_value(check: ChecklistCheck, raw: str) -> Reading:
    raw = raw.strip()
    if check.type is CheckType.NUMBER:
        number = parse_number(raw)
        if number is None:
            raise BadValue(raw)
        return Reading(raw[:500], number, within_spec(check, number))
    if check.type is CheckType.YESNO:
        answer = parse_yes_no(raw)
        if answer is None:
            raise BadValue(raw)
        return Reading("yes" if answer else "no", None, answer is check.passes_on_yes)
    if not raw:
        raise BadValue(raw)
    return Reading(raw[:500], None, True)


# -- templates ------------------------------------------------------------------------------------
async def for_ticket(session: AsyncSession, ticket: Ticket) -> ChecklistTemplate | None:
    """The template for the ticket's equipment model, else its category, for its kind.

    A ticket without registered equipment (an installation request) is matched by the model
    name the client gave.
    """
    model: EquipmentModel | None = None
    if ticket.equipment is not None:
        model = ticket.equipment.model
    elif ticket.equipment_text:
        model = await session.scalar(
            select(EquipmentModel).where(
                func.lower(EquipmentModel.name) == ticket.equipment_text.strip().lower()
            )
        )
    if model is None:
        return None
    by_model = await session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.kind == ticket.kind, ChecklistTemplate.model_id == model.id
        )
    )
    if by_model is not None or not model.category:
        return by_model
    return await session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.kind == ticket.kind,
            ChecklistTemplate.model_id.is_(None),
            ChecklistTemplate.category == model.category,
        )
    )


async def checks_of(session: AsyncSession, template: ChecklistTemplate) -> list[ChecklistCheck]:
    rows = await session.scalars(
        select(ChecklistCheck)
        .where(ChecklistCheck.template_id == template.id)
        .order_by(ChecklistCheck.position, ChecklistCheck.id)
    )
    return list(rows)


async def checks_for_ticket(session: AsyncSession, ticket: Ticket) -> list[ChecklistCheck]:
    template = await for_ticket(session, ticket)
    return [] if template is None else await checks_of(session, template)


# -- results --------------------------------------------------------------------------------------
class Verdict(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    MISSING = "missing"
    SKIPPED = "skipped"  # an optional check the engineer skipped on purpose


@dataclass(frozen=True)
class CheckOutcome:
    check: ChecklistCheck
    result: TestResult | None

    @property
    def verdict(self) -> Verdict:
        if self.result is None:
            return Verdict.MISSING
        if self.result.skipped:
            return Verdict.SKIPPED
        return Verdict.PASSED if self.result.passed else Verdict.FAILED


async def latest_results(session: AsyncSession, ticket_id: int) -> dict[int, TestResult]:
    """The result that counts for each check: the latest (a retest adds a row)."""
    rows = await session.scalars(
        select(TestResult)
        .where(TestResult.ticket_id == ticket_id)
        .order_by(TestResult.measured_at, TestResult.id)
    )
    return {result.check_id: result for result in rows}


async def outcomes(session: AsyncSession, ticket: Ticket) -> list[CheckOutcome]:
    """Every check of the ticket's checklist with its latest result, in checklist order."""
    checks = await checks_for_ticket(session, ticket)
    latest = await latest_results(session, ticket.id)
    return [CheckOutcome(check, latest.get(check.id)) for check in checks]


async def missing_or_failed(session: AsyncSession, ticket: Ticket) -> list[CheckOutcome]:
    """Required checks whose latest result is absent or out of spec: they block resolving."""
    return [
        outcome
        for outcome in await outcomes(session, ticket)
        if outcome.check.required and outcome.verdict is not Verdict.PASSED
    ]


async def get_check(session: AsyncSession, ticket: Ticket, check_id: int) -> ChecklistCheck:
    """A check of this ticket's checklist (ids in buttons can be forged)."""
    for check in await checks_for_ticket(session, ticket):
        if check.id == check_id:
            return check
    raise InvalidState(f"check {check_id} is not on the checklist of ticket {ticket.id}")


async def job_for_logging(session: AsyncSession, ticket_id: int, engineer: Person) -> Ticket:
    """The engineer's own job, in a state where tests are logged (on site or waiting parts)."""
    ticket = await jobs.get_my_job(session, ticket_id, engineer)
    if ticket.status not in LOGGING_STATUSES:
        raise InvalidState(N_("Tests are logged on site: set the job to “On site” first."))
    return ticket


async def record(
    session: AsyncSession,
    ticket_id: int,
    check_id: int,
    engineer: Person,
    raw: str,
    now: datetime,
) -> tuple[ChecklistCheck, TestResult]:
    """Keep a measured value (out-of-spec values too) with its verdict, on the timeline.

    Raises BadValue when ``raw`` cannot be read for the check's type.
    """
    ticket = await job_for_logging(session, ticket_id, engineer)
    check = await get_check(session, ticket, check_id)
    reading = read_value(check, raw)
    result = TestResult(
        value_text=reading.text, value_number=reading.number, passed=reading.passed, skipped=False
    )
    await _keep(session, ticket, check, engineer, result, now)
    return check, result


async def skip(
    session: AsyncSession, ticket_id: int, check_id: int, engineer: Person, now: datetime
) -> tuple[ChecklistCheck, TestResult]:
    """Keep that an optional check was skipped, so a retest of the failed and missing does not
    ask it again; a value logged later counts instead."""
    ticket = await job_for_logging(session, ticket_id, engineer)
    check = await get_check(session, ticket, check_id)
    if check.required:
        raise InvalidState(N_("This check is required and cannot be skipped."))
    result = TestResult(value_text="", passed=False, skipped=True)
    await _keep(session, ticket, check, engineer, result, now)
    return check, result


async def _keep(
    session: AsyncSession,
    ticket: Ticket,
    check: ChecklistCheck,
    engineer: Person,
    result: TestResult,
    now: datetime,
) -> None:
    """Add ``result`` as the latest of ``check`` on the job, and say so on its timeline."""
    result.ticket_id, result.check_id = ticket.id, check.id
    result.engineer_id, result.measured_at = engineer.id, now
    session.add(result)
    tickets.add_event(
        session,
        ticket,
        engineer,
        TimelineKind.TEST,
        now,
        data={
            "check_id": check.id,
            "name": check_name(check, "en"),
            "names": dict(check.names or {}),
            "value": result.value_text,
            "number": result.value_number,
            "unit": check.unit,
            "passed": result.passed,
            "skipped": result.skipped,
            **_phrases(check, result),
        },
    )
    ticket.updated_at = now
    await session.flush()


def _phrases(check: ChecklistCheck, result: TestResult) -> dict[str, dict[str, str]]:
    """A yes/no check's outcome phrases for its timeline line (see :func:`check_phrase`)."""
    if check.type is not CheckType.YESNO or result.skipped:
        return {}
    return {"phrases": dict((check.pass_names if result.passed else check.fail_names) or {})}


# -- import ---------------------------------------------------------------------------------------
def _text(row: Row, column: str) -> str:
    return (row.get(column) or "").strip()


def _bound(row: Row, column: str) -> float | None:
    value = _text(row, column)
    if not value:
        return None
    number = parse_number(value)
    if number is None:
        raise RowError(f"'{column}' is not a number: {value!r}")
    return number


def _flag(row: Row, column: str) -> bool:
    value = _text(row, column)
    if not value:
        return True
    answer = parse_yes_no(value)
    if answer is None:
        raise RowError(f"'{column}' is not yes or no: {value!r}")
    return answer


async def _template(session: AsyncSession, row: Row) -> ChecklistTemplate:
    name, kind_text = _text(row, "template"), _text(row, "kind").lower()
    if not name:
        raise RowError("'template' is empty")
    if kind_text not in TicketKind.__members__.values():
        raise RowError(f"'kind' is not one of {', '.join(TicketKind)}: {kind_text!r}")
    kind = TicketKind(kind_text)
    model_name, category = _text(row, "model"), _text(row, "category")
    model_id: int | None = None
    if model_name:
        model = await session.scalar(
            select(EquipmentModel).where(func.lower(EquipmentModel.name) == model_name.lower())
        )
        if model is None:
            raise RowError(f"no equipment model {model_name!r} (import equipment first)")
        model_id = model.id
    template = await session.scalar(
        select(ChecklistTemplate).where(ChecklistTemplate.name == name)
    )
    if template is None:
        if model_id is None and not category:
            raise RowError("'model' and 'category' are both empty")
        template = ChecklistTemplate(name=name, kind=kind)
        session.add(template)
    template.kind = kind
    if model_id is not None or category:
        template.model_id, template.category = model_id, (category or None)
    await session.flush()
    same_target = (
        ChecklistTemplate.model_id == template.model_id
        if template.model_id is not None
        else ChecklistTemplate.model_id.is_(None)
        & (ChecklistTemplate.category == template.category)
    )
    rival = await session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.id != template.id,
            ChecklistTemplate.kind == template.kind,
            same_target,
        )
    )
    if rival is not None:
        target = model_name or category
        raise RowError(f"template {rival.name!r} already covers {target!r} for {kind.value}")
    return template


async def import_check(session: AsyncSession, row: Row) -> None:
    """One CSV row: a check of a template (created or updated on the way)."""
    template = await _template(session, row)
    names = {locale: _text(row, f"name_{locale}") for locale in NAME_LOCALES}
    if not names["en"]:
        raise RowError("'name_en' is empty")
    type_text = _text(row, "type").lower() or "number"
    if type_text not in _TYPE_ALIASES:
        raise RowError(f"'type' is not number, yesno or text: {type_text!r}")
    check_type = _TYPE_ALIASES[type_text]
    low, high = _bound(row, "min"), _bound(row, "max")
    if low is not None and high is not None and low > high:
        raise RowError(f"'min' {low} is above 'max' {high}")
    position_text = _text(row, "position")
    position = parse_int(position_text) if position_text else None
    if position_text and position is None:
        raise RowError(f"'position' is not a whole number: {position_text!r}")
    if position is None:
        last = await session.scalar(
            select(func.max(ChecklistCheck.position)).where(
                ChecklistCheck.template_id == template.id
            )
        )
        position = (last or 0) + 1
    check = await session.scalar(
        select(ChecklistCheck).where(
            ChecklistCheck.template_id == template.id, ChecklistCheck.position == position
        )
    )
    if check is None:
        check = ChecklistCheck(template_id=template.id, position=position)
        session.add(check)
    check.names = {locale: name for locale, name in names.items() if name}
    check.type = check_type
    check.unit = _text(row, "unit")[:32] if check_type is CheckType.NUMBER else ""
    check.min_value, check.max_value = (
        (low, high) if check_type is CheckType.NUMBER else (None,) * 2
    )
    check.required = _flag(row, "required")
    check.pass_names, check.fail_names, check.passes_on_yes = _yes_no_reading(row, check_type)
    await session.flush()


def _yes_no_reading(
    row: Row, check_type: CheckType
) -> tuple[dict[str, str], dict[str, str], bool]:
    """A yes/no check's phrases per outcome and the answer that passes (``passes_on``)."""
    phrases = {
        outcome: {
            locale: text for locale in NAME_LOCALES if (text := _text(row, f"{outcome}_{locale}"))
        }
        for outcome in ("pass", "fail")
    }
    passes_on = _text(row, "passes_on")
    if check_type is not CheckType.YESNO:
        if phrases["pass"] or phrases["fail"] or passes_on:
            raise RowError("'pass_*', 'fail_*' and 'passes_on' are for a yesno check only")
        return {}, {}, True
    return phrases["pass"], phrases["fail"], _flag(row, "passes_on")


def yaml_rows(text: str) -> tuple[list[tuple[int, Row]], list[tuple[int, str]]]:
    """The YAML checklist as CSV-like rows with line numbers, and structural errors."""
    import yaml

    class LineLoader(yaml.SafeLoader):
        """Remembers the line each mapping starts on, to report errors where they are."""

    def mapping_with_line(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        mapping = loader.construct_mapping(node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping_with_line)
    try:
        document = yaml.load(text, Loader=LineLoader)  # a SafeLoader: plain data only
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return [], [((mark.line + 1) if mark else 1, f"not valid YAML: {error}")]
    templates = document.get("templates") if isinstance(document, dict) else document
    if not isinstance(templates, list):
        return [], [(1, "expected a list of templates under 'templates:'")]
    rows: list[tuple[int, Row]] = []
    errors: list[tuple[int, str]] = []
    for template in templates:
        line = int(template.get("__line__", 1)) if isinstance(template, dict) else 1
        checks = template.get("checks") if isinstance(template, dict) else None
        if not isinstance(checks, list) or not checks:
            errors.append((line, "a template needs a name and a list of 'checks'"))
            continue
        head = {
            "template": _scalar(template.get("name")),
            "kind": _scalar(template.get("kind")),
            "model": _scalar(template.get("model")),
            "category": _scalar(template.get("category")),
        }
        for position, check in enumerate(checks, start=1):
            if not isinstance(check, dict):
                errors.append((line, f"check {position} is not a mapping"))
                continue
            names = check.get("name")
            if not isinstance(names, dict):
                names = {"en": names}
            row = {
                **head,
                "position": _scalar(check.get("position", position)),
                **{f"name_{locale}": _scalar(names.get(locale)) for locale in NAME_LOCALES},
                "type": _scalar(check.get("type")),
                "unit": _scalar(check.get("unit")),
                "min": _scalar(check.get("min")),
                "max": _scalar(check.get("max")),
                "required": _scalar(check.get("required")),
                "passes_on": _scalar(check.get("passes_on")),
                **_phrase_columns(check),
            }
            rows.append((int(check.get("__line__") or line), row))
    return rows, errors


def _phrase_columns(check: dict[str, Any]) -> Row:
    """``pass: {en: …}`` and ``fail: {en: …}`` of a YAML check as ``pass_en``… columns."""
    columns: Row = {}
    for outcome in ("pass", "fail"):
        phrases = check.get(outcome)
        if not isinstance(phrases, dict):
            phrases = {"en": phrases}
        for locale in NAME_LOCALES:
            columns[f"{outcome}_{locale}"] = _scalar(phrases.get(locale))
    return columns


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


async def import_yaml(session: AsyncSession, text: str) -> ImportReport:
    rows, errors = yaml_rows(text)
    report = ImportReport(errors=list(errors))
    await apply_rows(session, rows, import_check, report)
    report.errors.sort()
    return report


def summary_counts(items: Sequence[CheckOutcome]) -> dict[Verdict, int]:
    counts = dict.fromkeys(Verdict, 0)
    for outcome in items:
        counts[outcome.verdict] += 1
    return counts
