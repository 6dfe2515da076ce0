"""Texts over Telegram's 4096 characters are split (sends, outbox) or shortened (edits), never
refused by Telegram and lost."""

from __future__ import annotations

from bot.app import App
from bot.core.replies import TEXT_LIMIT, Button, Send, inline, shorten, split_text
from bot.services.outbox import enqueue, messages
from storage.models import TicketEvent, TimelineKind
from tests.support.jobs import open_ticket
from tests.support.outbox import outbox
from tests.support.people import client_chat
from tests.support.seed import ACME_PHONE, seed_app


def test_short_text_is_untouched() -> None:
    assert split_text("hello\nworld") == ["hello\nworld"]


def test_split_at_line_breaks_keeps_every_line() -> None:
    lines = [f"line {n} " + "x" * 80 for n in range(120)]
    parts = split_text("\n".join(lines))
    assert len(parts) > 1 and all(len(part) <= TEXT_LIMIT for part in parts)
    assert "\n".join(parts).split("\n") == lines


def test_a_single_overlong_line_is_cut() -> None:
    parts = split_text("a" * (TEXT_LIMIT * 2 + 10))
    assert [len(part) for part in parts] == [TEXT_LIMIT, TEXT_LIMIT, 10]


def test_shorten_for_edits() -> None:
    text = shorten("b" * 5000)
    assert len(text) == TEXT_LIMIT and text.endswith("…")


async def test_outbox_splits_with_buttons_under_the_last_part(app: App) -> None:
    text = "\n".join("y" * 100 for _ in range(90))
    async with app.db.transaction() as session:
        await enqueue(
            session,
            messages(
                42,
                text,
                app.engine.clock.now(),
                markup=inline([Button("OK", "ok:1")]),
                kind="test",
            ),
        )
    rows = await outbox(app)
    assert len(rows) == 3 and all(len(row.text) <= TEXT_LIMIT for row in rows)
    assert [row.markup is not None for row in rows] == [False, False, True]
    assert "\n".join(row.text for row in rows) == text


async def test_a_long_ticket_card_reaches_the_client_in_parts(app: App) -> None:
    await seed_app(app)
    client = await client_chat(app, 601, ACME_PHONE)
    ticket_id = await open_ticket(client, "LM-PB-2231", text="Leaking. " * 330)
    async with app.db.transaction() as session:
        session.add_all(
            TicketEvent(ticket_id=ticket_id, kind=TimelineKind.ASSIGNED, at=app.engine.clock.now())
            for _ in range(60)
        )
    await client.press_data(f"tk:{ticket_id}")
    sends = [reply for reply in client.last_replies if isinstance(reply, Send)]
    assert len(sends) == 2 and all(len(send.text) <= TEXT_LIMIT for send in sends)
    assert sends[0].markup is None and sends[1].markup is not None
