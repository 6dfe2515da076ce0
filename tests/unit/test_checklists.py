"""Checklist import (CSV and YAML), template choice, value reading and the resolve verdict."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.i18n import Catalogs
from bot.services import checklists, equipment
from bot.services.importer import import_csv
from handlers.engineer.outcomes import spec_text, value_text
from storage.models import (
    ChecklistCheck,
    ChecklistTemplate,
    CheckType,
    Equipment,
    TestResult,
    Ticket,
    TicketKind,
)
from tests.support.databases import count
from tests.support.dates import SOFIA
from tests.support.seed import seed_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEADER = (
    "template,kind,model,category,position,name_en,name_ru,name_bg,type,unit,min,max,required\n"
)


@pytest.mark.parametrize(
    ("text", "number"),
    [("12,5", 12.5), ("12.5", 12.5), (" 1.2 bar", 1.2), ("-3", -3.0), ("95 °C", 95.0)],
)
def test_numbers_are_read_with_comma_or_dot_and_a_unit(text: str, number: float) -> None:
    assert checklists.parse_number(text) == number


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "1,2 1,3", "0.8-1.5", "bar"])
def test_unreadable_numbers(text: str) -> None:
    assert checklists.parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "answer"),
    [("yes", True), ("Да", True), ("ok", True), ("no", False), ("нет", False), ("Не", False)],
)
def test_yes_no_in_three_languages(text: str, answer: bool) -> None:
    assert checklists.parse_yes_no(text) is answer
    assert checklists.parse_yes_no("perhaps") is None


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("+", True),
        (" - ", False),
        ("—", False),
        ("Да!", True),
        ("✓", True),
        ("?", None),
        ("", None),
    ],
)
def test_yes_no_signs_are_read_before_folding(text: str, answer: bool | None) -> None:
    """Folding drops punctuation: "-" once read as yes, as did "?" and an empty answer."""
    assert checklists.parse_yes_no(text) is answer


@pytest.mark.parametrize(
    ("typed", "passes_on_yes", "stored", "passed"),
    [("да", True, "yes", True), ("+", False, "yes", False), ("Нет", False, "no", True)],
)
def test_yes_no_stored_normalised_and_judged_by_the_answer_that_passes(
    typed: str, passes_on_yes: bool, stored: str, passed: bool
) -> None:
    check = ChecklistCheck(type=CheckType.YESNO, names={"en": "Leak"}, passes_on_yes=passes_on_yes)
    reading = checklists.read_value(check, typed)
    assert (reading.text, reading.passed) == (stored, passed)


def test_phrases_fall_back_to_the_name_in_the_readers_language() -> None:
    check = ChecklistCheck(
        names={"en": "Refrigerant leak", "ru": "Утечка хладагента", "bg": "Теч"},
        pass_names={"en": "No refrigerant leak", "ru": "Утечки хладагента нет"},
        fail_names={},
    )
    assert checklists.check_phrase(check, True, "ru") == "Утечки хладагента нет"
    assert checklists.check_phrase(check, True, "bg") == "Теч"  # its name, not English
    assert checklists.check_phrase(check, False, "en") == "Refrigerant leak"
    english_only = ChecklistCheck(names={"en": "Drain clear"}, pass_names={"en": "Drain is clear"})
    assert checklists.check_phrase(english_only, True, "bg") == "Drain is clear"
    assert checklists.check_phrase(english_only, False, "bg") == "Drain clear"


def test_spec_limits() -> None:
    check = ChecklistCheck(type=CheckType.NUMBER, min_value=0.8, max_value=1.5, names={})
    assert checklists.within_spec(check, 0.8) and checklists.within_spec(check, 1.5)
    assert not checklists.within_spec(check, 1.51) and not checklists.within_spec(check, 0.1)
    only_max = ChecklistCheck(type=CheckType.NUMBER, min_value=None, max_value=9.5, names={})
    assert checklists.within_spec(only_max, -100) and not checklists.within_spec(only_max, 10)


def test_name_falls_back_to_english() -> None:
    check = ChecklistCheck(names={"en": "Leak test", "ru": "Тест на протечки"})
    assert checklists.check_name(check, "ru") == "Тест на протечки"
    assert checklists.check_name(check, "bg") == "Leak test"


async def test_example_csv_and_yaml_import_the_same_templates(app: App) -> None:
    await seed_app(app)
    async with app.db.transaction() as session:
        csv_report = await import_csv(
            session, "checklists", (EXAMPLES / "checklists.csv").read_text()
        )
    assert csv_report.errors == [] and csv_report.imported == 15
    async with app.db.transaction() as session:
        yaml_report = await checklists.import_yaml(
            session, (EXAMPLES / "checklists.yaml").read_text()
        )
    assert yaml_report.errors == [] and yaml_report.imported == 15
    assert await count(app, ChecklistTemplate) == 3  # re-import updates, never duplicates
    assert await count(app, ChecklistCheck) == 15
    async with app.db.transaction() as session:
        boiler = await session.scalar(
            select(ChecklistCheck).where(ChecklistCheck.position == 1).order_by(ChecklistCheck.id)
        )
        assert boiler is not None
        assert boiler.names == {
            "en": "Boiler pressure",
            "ru": "Давление в бойлере",
            "bg": "Налягане в бойлера",
        }
        assert (boiler.min_value, boiler.max_value, boiler.unit) == (0.8, 1.5, "bar")
        checks = list(await session.scalars(select(ChecklistCheck).order_by(ChecklistCheck.id)))
    yes_no = [check for check in checks if check.type is CheckType.YESNO]
    assert len(yes_no) == 5
    for check in yes_no:  # every yes/no check reads naturally in the three languages
        assert set(check.pass_names) == set(check.fail_names) == {"en", "ru", "bg"}
    refrigerant = next(check for check in yes_no if check.names["en"] == "Refrigerant leak")
    assert refrigerant.passes_on_yes is False
    assert refrigerant.fail_names["bg"] == "Установен е теч на хладилен агент"
    assert [check.passes_on_yes for check in yes_no].count(True) == 4


async def test_csv_bad_rows_reported_with_line_numbers_good_rows_kept(app: App) -> None:
    await seed_app(app)
    text = HEADER + (
        "T1,installation,,coffee,1,Pressure,,,number,bar,0.8,1.5,yes\n"  # 2 ok
        "T1,installation,,coffee,2,,,,yesno,,,,yes\n"  # 3 no English name
        "T1,installation,,coffee,3,Temp,,,number,°C,96,90,yes\n"  # 4 min above max
        "T1,installation,,coffee,4,Temp,,,number,°C,abc,,yes\n"  # 5 min not a number
        "T1,installation,,coffee,5,Leak,,,colour,,,,yes\n"  # 6 unknown type
        "T2,installation,Nope 3000,,1,Leak,,,yesno,,,,yes\n"  # 7 unknown model
        "T3,repair,,coffee,1,Leak,,,yesno,,,,yes\n"  # 8 unknown kind
        "T4,installation,,,1,Leak,,,yesno,,,,yes\n"  # 9 neither model nor category
        "T5,installation,,hvac,1,Leak,,,yesno,,,,maybe\n"  # 10 required not yes/no
        "T6,installation,,coffee,1,Leak,,,yesno,,,,yes\n"  # 11 coffee/installation is T1's
        "T1,installation,,coffee,,Notes,Примечания,Бележки,text,,,,no\n"  # 12 ok, position 2
    )
    async with app.db.transaction() as session:
        report = await import_csv(session, "checklists", text)
    assert report.imported == 2
    assert [line for line, _ in report.errors] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    messages = dict(report.errors)
    assert "'name_en' is empty" in messages[3]
    assert "above 'max'" in messages[4]
    assert "'min' is not a number" in messages[5]
    assert "'type'" in messages[6]
    assert "no equipment model 'Nope 3000'" in messages[7]
    assert "'kind'" in messages[8]
    assert "both empty" in messages[9]
    assert "'required'" in messages[10]
    assert "already covers 'coffee'" in messages[11]
    async with app.db.transaction() as session:
        checks = list(await session.scalars(select(ChecklistCheck).order_by(ChecklistCheck.id)))
        assert [(c.position, c.type, c.required) for c in checks] == [
            (1, CheckType.NUMBER, True),
            (2, CheckType.TEXT, False),
        ]


async def test_csv_phrases_and_passes_on_and_old_files_without_them(app: App) -> None:
    await seed_app(app)
    header = HEADER.rstrip("\n") + ",pass_en,pass_ru,fail_en,fail_bg,passes_on\n"
    text = header + (
        "T1,installation,,coffee,1,Leak,Течь,,yesno,,,,yes,No leak,Течи нет,Leak found,Теч,no\n"
        "T1,installation,,coffee,2,Door shut,,,yesno,,,,yes,,,,,\n"  # no phrases: the name
        "T1,installation,,coffee,3,Pressure,,,number,bar,1,2,yes,Fine,,,,\n"  # 4: not yes/no
        "T1,installation,,coffee,4,Lid,,,yesno,,,,yes,,,,,maybe\n"  # 5: passes_on not yes/no
    )
    async with app.db.transaction() as session:
        report = await import_csv(session, "checklists", text)
    assert report.imported == 2 and [line for line, _ in report.errors] == [4, 5]
    assert "for a yesno check only" in dict(report.errors)[4]
    assert "'passes_on'" in dict(report.errors)[5]
    async with app.db.transaction() as session:
        leak, door = await session.scalars(select(ChecklistCheck).order_by(ChecklistCheck.id))
    assert leak.pass_names == {"en": "No leak", "ru": "Течи нет"}
    assert leak.fail_names == {"en": "Leak found", "bg": "Теч"}
    assert leak.passes_on_yes is False
    assert (door.pass_names, door.fail_names, door.passes_on_yes) == ({}, {}, True)

    async with app.db.transaction() as session:  # a file of before: the defaults
        old = HEADER + "T1,installation,,coffee,1,Leak,,,yesno,,,,yes\n"
        assert (await import_csv(session, "checklists", old)).imported == 1
    async with app.db.transaction() as session:
        leak = await session.scalar(select(ChecklistCheck).where(ChecklistCheck.position == 1))
        assert leak is not None
        assert (leak.pass_names, leak.fail_names, leak.passes_on_yes) == ({}, {}, True)


async def test_yaml_phrases_and_passes_on(app: App) -> None:
    await seed_app(app)
    text = """templates:
  - name: AC
    kind: installation
    category: hvac
    checks:
      - name: {en: Refrigerant leak, bg: Теч на хладилен агент}
        type: yesno
        passes_on: no
        pass: {en: No refrigerant leak, bg: Няма теч на хладилен агент}
        fail: Refrigerant leak found
      - name: Drain works
        type: yesno
      - name: Current
        type: number
        passes_on: no
"""
    async with app.db.transaction() as session:
        report = await checklists.import_yaml(session, text)
    assert report.imported == 2
    assert report.errors[0][0] == 13 and "for a yesno check only" in report.errors[0][1]
    async with app.db.transaction() as session:
        leak, drain = await session.scalars(select(ChecklistCheck).order_by(ChecklistCheck.id))
    assert leak.passes_on_yes is False
    assert leak.pass_names == {"en": "No refrigerant leak", "bg": "Няма теч на хладилен агент"}
    assert leak.fail_names == {"en": "Refrigerant leak found"}
    assert (drain.pass_names, drain.fail_names, drain.passes_on_yes) == ({}, {}, True)


async def test_missing_columns_refused(app: App) -> None:
    async with app.db.transaction() as session:
        report = await import_csv(session, "checklists", "name,type\nx,number\n")
    assert report.imported == 0 and "missing columns: template, kind" in report.errors[0][1]


async def test_yaml_bad_checks_reported_with_their_lines(app: App) -> None:
    await seed_app(app)
    text = """templates:
  - name: Coffee
    kind: installation
    category: coffee
    checks:
      - name: {en: Pressure, ru: Давление}
        type: number
        min: 0.8
        max: 1.5
      - name: {ru: Только по-русски}
        type: yesno
      - name: Temperature
        type: number
        min: hot
  - name: Broken
    kind: installation
    category: hvac
"""
    async with app.db.transaction() as session:
        report = await checklists.import_yaml(session, text)
    assert report.imported == 1
    assert report.errors[0][0] == 10 and "'name_en' is empty" in report.errors[0][1]
    assert report.errors[1][0] == 12 and "'min' is not a number" in report.errors[1][1]
    assert report.errors[2][0] == 15 and "'checks'" in report.errors[2][1]


async def test_yaml_syntax_error_has_a_line(app: App) -> None:
    async with app.db.transaction() as session:
        report = await checklists.import_yaml(session, "templates:\n  - name: [unclosed\n")
    assert report.imported == 0 and report.errors[0][0] >= 2
    assert "not valid YAML" in report.errors[0][1]
    async with app.db.transaction() as session:
        report = await checklists.import_yaml(session, "just text")
    assert "list of templates" in report.errors[0][1]


async def test_model_template_wins_over_category_and_kind_matters(app: App) -> None:
    await seed_app(app)
    async with app.db.transaction() as session:
        await import_csv(session, "checklists", (EXAMPLES / "checklists.csv").read_text())
        linea = await equipment.by_serial(session, "LM-PB-2231")
        daikin = await equipment.by_serial(session, "DK-35-8812")
        xray = await equipment.by_serial(session, "SM-XR-5500")
        assert linea and daikin and xray

        def job(item: Equipment | None, kind: TicketKind, text: str | None = None) -> Ticket:
            return Ticket(id=1, kind=kind, customer_id=1, equipment=item, equipment_text=text)

        async def name(ticket: Ticket) -> str | None:
            template = await checklists.for_ticket(session, ticket)
            return template.name if template else None

        assert await name(job(linea, TicketKind.INSTALLATION)) == "Coffee machine installation"
        assert await name(job(linea, TicketKind.MAINTENANCE)) == "Espresso machine maintenance"
        assert await name(job(daikin, TicketKind.INSTALLATION)) == "Air conditioner installation"
        assert await name(job(daikin, TicketKind.MAINTENANCE)) is None
        assert await name(job(xray, TicketKind.INSTALLATION)) is None
        assert await name(job(linea, TicketKind.BREAKDOWN)) is None
        # an installation request names a catalog model, not yet registered equipment
        assert await name(job(None, TicketKind.INSTALLATION, "ftxm35r")) == (
            "Air conditioner installation"
        )
        assert await name(job(None, TicketKind.INSTALLATION, "Something")) is None


def test_a_spec_and_a_value_keep_their_numbers_with_their_units() -> None:
    t = Catalogs(SOFIA, "en").get("ru")
    at_least = ChecklistCheck(type=CheckType.NUMBER, unit="°C", min_value=90.0)
    at_most = ChecklistCheck(type=CheckType.NUMBER, unit="", max_value=2.5)
    assert spec_text(t, at_least) == "≥\xa090\xa0°C"
    assert spec_text(t, at_least, unit=False) == "≥\xa090"
    assert spec_text(t, at_most) == "≤\xa02,5"  # no unit, no trailing space
    reading = TestResult(value_text="1234.5", value_number=1234.5, passed=True, skipped=False)
    assert value_text(t, at_least, reading) == "1\xa0234,5\xa0°C"
    assert value_text(t, at_most, reading) == "1\xa0234,5"
