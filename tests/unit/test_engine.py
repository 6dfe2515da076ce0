"""The unit of work around each update: dedupe across processes, rollback with an apology."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.app import App, create_app
from bot.core.context import Context
from bot.core.engine import Engine
from bot.core.events import EventKind, Incoming
from bot.core.replies import Send
from bot.core.router import Router
from bot.services.people import identify
from storage.models import Customer, ProcessedUpdate


def text_event(update_id: int, text: str = "hi", language: str = "en") -> Incoming:
    return Incoming(
        update_id=update_id,
        kind=EventKind.TEXT,
        chat_id=42,
        user_id=42,
        text=text,
        language_code=language,
        user_name="Ana",
    )


async def test_same_update_in_two_processes_is_handled_once(app: App) -> None:
    other = create_app(app.settings, app.engine.clock)
    try:
        event = text_event(7001)
        results = await asyncio.gather(app.engine.handle(event), other.engine.handle(event))
    finally:
        await other.close()
    assert sorted(bool(result) for result in results) == [False, True]
    async with app.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 1


async def test_failing_handler_rolls_back_and_apologises_in_persons_language(app: App) -> None:
    router = Router()

    async def breaks(ctx: Context) -> None:
        ctx.session.add(Customer(name="half-saved"))
        await ctx.session.flush()
        raise RuntimeError("boom")

    router.fallback = breaks
    engine = Engine(app.db, router, identify, app.settings, app.catalogs, app.engine.clock)
    [reply] = await engine.handle(text_event(7002, language="ru"))
    assert isinstance(reply, Send) and reply.text.startswith("Извините")
    async with app.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Customer)) == 0
        # not marked processed either: a redelivery gets another chance
        assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 0


async def test_control_characters_never_reach_a_handler(app: App) -> None:
    """A NUL in typed text would be refused by PostgreSQL (and Excel refuses most control
    characters), so the engine takes them out; line breaks and tabs stay."""
    router = Router()
    seen: list[str] = []

    async def keep(ctx: Context) -> None:
        seen.append(ctx.event.text)
        ctx.session.add(Customer(name=ctx.event.text))

    router.fallback = keep
    engine = Engine(app.db, router, identify, app.settings, app.catalogs, app.engine.clock)
    await engine.handle(text_event(7003, text="Acme\x00 \x07Ltd\n\tline two"))
    assert seen == ["Acme Ltd\n\tline two"]
    async with app.db.transaction() as session:
        assert await session.scalar(select(Customer.name)) == "Acme Ltd\n\tline two"
