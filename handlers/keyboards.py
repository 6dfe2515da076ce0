"""Keyboards several flows share: paging. (The main menu is built from the command table, in
:mod:`handlers.common.help`.)"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.buttons import ButtonData
from bot.core.context import Context
from bot.core.replies import Button

PAGE_SIZE = 6


def pager(
    page: Callable[[int], ButtonData], offset: int, total: int, size: int = PAGE_SIZE
) -> list[Button]:
    """« and » buttons around one page; empty when everything fits on one. ``page`` makes the
    button for an offset (``lambda offset: JobsPage(offset=offset)``)."""
    row = []
    if offset > 0:
        row.append(Button("«", page(max(0, offset - size)).pack()))
    if offset + size < total:
        row.append(Button("»", page(offset + size).pack()))
    return row


def page_note(ctx: Context, offset: int, total: int, size: int = PAGE_SIZE) -> str:
    if total <= size:
        return ""
    pages = (total + size - 1) // size
    return ctx._("Page {page} of {pages}", page=offset // size + 1, pages=pages)
