"""Keyboards several flows share: the main menu, the contact request and paging."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.buttons import ButtonData
from bot.core.context import Context
from bot.core.events import Incoming
from bot.core.replies import Button, InlineKeyboard, KeyButton, ReplyKeyboard, inline
from storage.models import Role

PAGE_SIZE = 6


def contact_request(ctx: Context) -> ReplyKeyboard:
    return ReplyKeyboard(((KeyButton(ctx._("📱 Share my phone number"), request_contact=True),),))


def main_menu(ctx: Context) -> InlineKeyboard:
    """What this person can do next, as buttons."""
    role = ctx.person.role
    rows: list[list[Button]] = []
    if role is Role.CLIENT:
        rows.append([Button(ctx._("🛠 Report a breakdown"), "rp:start")])
        rows.append([Button(ctx._("📦 Installation, maintenance, upgrade"), "rq:start")])
        rows.append([Button(ctx._("📋 My requests"), "st:0")])
    elif role is Role.ENGINEER:
        rows.append(
            [Button(ctx._("📋 Open jobs"), "jb:pg:0"), Button(ctx._("🧰 My jobs"), "mj:list")]
        )
    else:  # the same entry points as /open (no filters) and /stats today
        rows.append(
            [
                Button(ctx._("📂 Open requests"), "mg:o:-:-:-:-:0"),
                Button(ctx._("📊 Today"), "ms:today"),
            ]
        )
    rows.append([Button(ctx._("❓ Help"), "help:"), Button(ctx._("🌐 Language"), "lang:")])
    return inline(*rows)


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
