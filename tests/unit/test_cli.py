"""The `fieldbot` command as an operator uses it: migrate, import with line-numbered errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.seed import CUSTOMERS


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FIELDBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    return tmp_path


def test_db_upgrade_creates_schema(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert "up to date" in capsys.readouterr().out
    tables = {
        row[0]
        for row in sqlite3.connect(workdir / "cli.sqlite3").execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    }
    assert {"tickets", "people", "equipment", "alembic_version"} <= tables


def test_import_reports_bad_lines_and_keeps_good_rows(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workdir / "customers.csv"
    path.write_text(CUSTOMERS + ",No ref,,,,,,,\n", encoding="utf-8")
    assert main(["import", "customers", str(path)]) == 1
    captured = capsys.readouterr()
    assert "customers: 3 rows imported, 1 rejected" in captured.out
    assert f"{path}:5: 'ref' is empty" in captured.err
    names = {
        row[0]
        for row in sqlite3.connect(workdir / "cli.sqlite3").execute("SELECT name FROM customers")
    }
    assert names == {"Acme Coffee Sofia", "Nord Pharma"}


def test_import_missing_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "customers", str(workdir / "nope.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_run_without_token_explains(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("FIELDBOT_BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    assert "FIELDBOT_BOT_TOKEN is not set" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("FIELDBOT_TIMEZONE", "Mars/Olympus", "FIELDBOT_TIMEZONE: unknown time zone"),
        ("FIELDBOT_RUNTIME", "telethon", "FIELDBOT_RUNTIME: 'aiogram' (default) or 'ptb'"),
        ("FIELDBOT_WEBHOOK_URL", "https://bot.example/hook", "needs FIELDBOT_WEBHOOK_SECRET"),
    ],
)
def test_bad_configuration_is_one_clear_line(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    says: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("configuration: ") and says in err and "Traceback" not in err


def test_fieldbot_import_holidays(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workdir / "holidays.csv"
    path.write_text("date,name\n2026-12-24,Christmas Eve\nsoon,Wrong\n", encoding="utf-8")
    assert main(["import", "holidays", str(path)]) == 1
    captured = capsys.readouterr()
    assert "holidays: 1 row imported, 1 rejected" in captured.out
    assert f"{path}:3:" in captured.err
    rows = sqlite3.connect(workdir / "cli.sqlite3").execute("SELECT day, name FROM holidays")
    assert list(rows) == [("2026-12-24", "Christmas Eve")]
