"""An A4 sheet of equipment stickers: each a QR code of the bot's deep link for that machine
(``/start eq_<serial>`` opens a breakdown report for it), the model, the serial and the
service phone. 3 × 8 labels of 70 × 37 mm, the common A4 label sheet."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.papers.sheet import FONT, draw_qr, finish, new_pdf
from bot.services.matching import latin

COLUMNS, ROWS = 3, 8
LABEL_W, LABEL_H = 70.0, 37.125
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
PAYLOAD_LIMIT = 64


@dataclass(frozen=True)
class Sticker:
    model: str
    serial: str


def start_payload(serial: str) -> str:
    """``eq_<serial>`` with what a /start payload cannot hold (Telegram allows ``A-Z a-z 0-9 _
    -``, 64 characters) turned to ``-`` and Cyrillic to Latin; the bot finds the serial again by
    fuzzy matching."""
    text = serial.strip()
    if _UNSAFE.search(text):
        text = _UNSAFE.sub("-", latin(text))
    return f"eq_{text}"[:PAYLOAD_LIMIT]


def sticker_link(bot_username: str, serial: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={start_payload(serial)}"


def render(stickers: Sequence[Sticker], bot_username: str, phone: str, company: str) -> bytes:
    """The sheet(s): as many A4 pages as the stickers need."""
    pdf = new_pdf("Equipment stickers")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(0, 0, 0)
    top = (pdf.h - ROWS * LABEL_H) / 2
    left = (pdf.w - COLUMNS * LABEL_W) / 2
    for index, sticker in enumerate(stickers):
        slot = index % (COLUMNS * ROWS)
        if slot == 0:
            pdf.add_page()
        x = left + (slot % COLUMNS) * LABEL_W
        y = top + (slot // COLUMNS) * LABEL_H
        size = LABEL_H - 6
        draw_qr(pdf, sticker_link(bot_username, sticker.serial), x + 2, y + 3, size)
        text_x, text_w = x + size + 4, LABEL_W - size - 6
        pdf.set_xy(text_x, y + 4)
        pdf.set_font(FONT, "B", 9)
        pdf.multi_cell(text_w, 4.2, sticker.model, new_x="LEFT", new_y="NEXT")
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(text_w, 4, f"S/N {sticker.serial}", new_x="LEFT", new_y="NEXT")
        pdf.set_xy(text_x, y + LABEL_H - 14)
        pdf.set_font(FONT, "", 7)
        pdf.multi_cell(text_w, 3.4, company, new_x="LEFT", new_y="NEXT")
        if phone:
            pdf.set_font(FONT, "B", 8)
            pdf.multi_cell(text_w, 4, phone, new_x="LEFT", new_y="NEXT")
    if not stickers:
        pdf.add_page()
    return finish(pdf)
