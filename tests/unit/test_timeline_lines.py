"""A line of a ticket's timeline is added one way: ``bot.services.tickets.add_event``."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THE_WAY = ROOT / "bot" / "services" / "tickets.py"


def test_timeline_lines_are_added_through_add_event() -> None:
    built = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("bot", "handlers")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != THE_WAY
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "TicketEvent(" in line
    ]
    assert built == [], "use bot.services.tickets.add_event"
