"""Keyboards several flows share: paging. (The main menu is built from the command table, in
:mod:`handlers.common.help`.)"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.buttons import ButtonData
from bot.core.context import Context
from bot.core.events import Incoming
from bot.core.replies import Button

PAGE_SIZE = 6


def pager(
    page: Callable[[int], ButtonData] | str, offset: int, total: int, size: int = PAGE_SIZE
) -> list[Button]:
    """« and » buttons around one page; empty when everything fits on one. ``page`` makes the
    button data for an offset (``lambda offset: JobsPage(offset=offset)``); a ``str`` prefix
    is TRANSITIONAL, until every list has a typed page button."""

    def data(at: int) -> str:
        return f"{page}:{at}" if isinstance(page, str) else page(at).pack()

    row = []
    if offset > 0:
        row.append(Button("«", data(max(0, offset - size))))
    if offset + size < total:
        row.append(Button("»", data(offset + size)))
    return row


def page_note(ctx: Context, offset: int, total: int, size: int = PAGE_SIZE) -> str:
    if total <= size:
        return ""
    pages = (total + size - 1) // size
    return ctx._("Page {page} of {pages}", page=offset // size + 1, pages=pages)


def action_and_ids(event: Incoming) -> tuple[str, list[int]] | None:
    """``pq:pick:12:7`` → ``("pick", [12, 7])``; None when no id follows the action or one is
    not a number (a stale or forged button)."""
    action, *ids = event.button_fields or [""]
    if not ids or not all(part.isdigit() for part in ids):
        return None
    return action, [int(part) for part in ids]


def parse_offset(data: str) -> int:
    """The offset in ``prefix:12``; 0 when forged or missing."""
    tail = data.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0
