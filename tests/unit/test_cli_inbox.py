"""``fieldbot inbox``: the operator sees the updates the bot gave up on, runs them again or
drops them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("FIELDBOT_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    assert main(["db", "upgrade"]) == 0
    with sqlite3.connect(path) as connection:
        for update_id, status in ((11, "dead"), (12, "dead"), (13, "done")):
            connection.execute(
                "INSERT INTO inbox (update_id, chat_key, payload, status, attempts, error,"
                " received_at) VALUES (?, 7001, ?, ?, 5, 'RuntimeError: boom', ?)",
                (update_id, json.dumps({"update_id": update_id}), status, "2026-12-01 10:00"),
            )
    return path


def statuses(path: Path) -> dict[int, tuple[str, int]]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT update_id, status, attempts FROM inbox")
        return {update_id: (status, attempts) for update_id, status, attempts in rows}


def test_list_retry_and_drop(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["inbox", "list"]) == 0
    listed = capsys.readouterr().out
    assert "11\tchat 7001\t5 tries" in listed and "12\t" in listed and "13\t" not in listed
    assert "RuntimeError: boom" in listed and "2 dead update(s)" in listed

    assert main(["inbox", "retry", "11"]) == 0
    assert main(["inbox", "drop", "12"]) == 0
    assert statuses(database) == {11: ("pending", 0), 12: ("done", 5), 13: ("done", 5)}
    assert main(["inbox", "drop", "13"]) == 1  # not dead: left alone
    assert main(["inbox", "retry"]) == 2
    assert statuses(database)[13] == ("done", 5)
