"""`fieldbot staff`, `fieldbot audit` and `fieldbot person` as an operator uses them, and the
audit lines they (and `fieldbot import`) leave, naming the OS user."""

from __future__ import annotations

import getpass
import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.seed import CUSTOMERS


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FIELDBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("FIELDBOT_ADMINS", "900")
    assert main(["db", "upgrade"]) == 0
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        db.executemany(
            "INSERT INTO people (id, tg_user_id, chat_id, role, role_source, name, locale, "
            "phone, skills, on_duty, unreachable, created_at, private_chat) "
            "VALUES (?, ?, ?, ?, ?, ?, 'en', ?, '[]', 0, 0, '2026-11-01 09:00:00', 1)",
            [
                (1, 900, 900, "manager", "configured", "Olga", None),
                (2, 701, 701, "engineer", "invited", "Petar", None),
                (3, 501, 501, "client", None, "Maria Ivanova", "359888123456"),
            ],
        )
    return tmp_path


def test_staff_list_and_deactivate(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["staff", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed == ["1\tmanager\tconfigured\tOlga", "2\tengineer\tinvited\tPetar"]
    assert main(["staff", "deactivate", "1"]) == 1  # configured: take it off the list
    assert "FIELDBOT_ADMINS lists them" in capsys.readouterr().err
    assert main(["staff", "deactivate", "2"]) == 0
    assert "Petar is no longer engineer; jobs back on the board: none" in capsys.readouterr().out
    assert main(["staff", "list"]) == 0
    assert "Petar" not in capsys.readouterr().out
    assert main(["audit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[1:4] == [f"cli:{getpass.getuser()}", "deactivated", "person 2"]
    assert "role" in lines[1]


def test_import_is_audited(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workdir / "customers.csv"
    path.write_text(CUSTOMERS, encoding="utf-8")
    assert main(["import", "customers", str(path)]) == 0
    capsys.readouterr()
    assert main(["audit", "--limit", "1"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    _, who, action, _, details = line.split("\t")
    assert (who, action) == (f"cli:{getpass.getuser()}", "imported")
    assert json.loads(details) == {
        "file": str(path),
        "kind": "customers",
        "rejected": 0,
        "rows": 3,
    }


def test_person_export_and_forget(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["person", "export", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["person"]["name"] == "Maria Ivanova"
    assert main(["person", "forget", "3"]) == 0
    assert "forgotten" in capsys.readouterr().out
    with sqlite3.connect(workdir / "cli.sqlite3") as db:
        row = db.execute("SELECT name, phone, tg_user_id FROM people WHERE id = 3").fetchone()
    assert row == ("", None, -3)
    assert main(["person", "export", "99"]) == 1


def test_backup_and_restore_are_audited(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def last_action() -> list[str]:
        capsys.readouterr()
        assert main(["audit", "--limit", "1"]) == 0
        return capsys.readouterr().out.split("\t")[2:5:2]

    archive = workdir / "all.jsonl.gz"
    assert main(["backup", str(archive)]) == 0
    assert last_action() == ["backup", '{"file": "all.jsonl.gz"}\n']
    monkeypatch.setenv("FIELDBOT_DATABASE_URL", f"sqlite+aiosqlite:///{workdir / 'new.sqlite3'}")
    assert main(["restore", str(archive)]) == 0
    assert last_action() == ["restore", '{"file": "all.jsonl.gz"}\n']
