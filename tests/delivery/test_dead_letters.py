"""A poison message (failing as "transient" for ever) becomes a dead letter after the limit:
the chat's later messages flow, the managers hear of it once, and an operator lists, retries
or drops it (``fieldbot outbox``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.core.clock import FrozenClock
from bot.core.events import Attachment, Incoming
from bot.core.i18n import Catalogs
from bot.core.replies import Reply
from bot.delivery import Dispatcher
from bot.ops import dead_letters
from bot.runtimes.base import Runtime, Transient
from bot.sandbox import SandboxServer
from bot.services.outbox import enqueue, messages
from handlers.notices.dead_letters import DEAD_LETTER, dead_letter_alerts
from storage.db import Database
from storage.models import AttachmentKind, OutboxStatus
from tests.support.delivery import FAST, FakeTelegram, now, queue
from tests.support.outbox import outbox
from tests.support.people import MANAGER_CHAT
from tests.support.sandbox import RUNTIME_CLASSES

pytestmark = pytest.mark.manager_chat()

ALICE = 701
POISON = [Transient("502 Bad Gateway") for _ in range(100)]


def on_dead(settings: Settings):  # type: ignore[no-untyped-def]
    return dead_letter_alerts(settings, Catalogs(settings.tz, "en"))


async def test_after_the_attempts_a_poison_row_is_dead_and_the_chat_flows(
    db: Database, settings: Settings
) -> None:
    await queue(db, [(ALICE, "poison"), (ALICE, "after 1"), (ALICE, "after 2")])
    telegram = FakeTelegram(errors={"poison": list(POISON)})
    limited = replace(FAST, dead_after_attempts=3)
    dispatcher = Dispatcher(db, telegram, limited, on_dead=on_dead(settings))
    await dispatcher.drain(timeout=15)

    assert telegram.texts(ALICE) == ["after 1", "after 2"]
    poison = (await outbox(db, ALICE))[0]
    assert poison.status == OutboxStatus.DEAD and poison.attempts == 3
    assert poison.failing_since is not None and "502" in (poison.error or "")
    assert dispatcher.stats.dead == 1
    (alert,) = await outbox(db, MANAGER_CHAT, kind=DEAD_LETTER)
    assert f"outbox #{poison.id}" in alert.text and "poison" not in alert.text
    assert alert.status == OutboxStatus.SENT

    dead, pending = await dead_letters.dead_letters(db)
    assert [row.id for row in dead] == [poison.id] and pending == 0
    assert await dead_letters.retry(db, poison.id, now())
    assert not await dead_letters.retry(db, poison.id, now())  # no longer dead
    telegram.errors.clear()  # the cause was fixed
    await dispatcher.drain(timeout=10)
    assert telegram.texts(ALICE)[-1] == "poison"
    assert len(await outbox(db, MANAGER_CHAT, kind=DEAD_LETTER)) == 1


async def test_after_the_time_a_failing_row_is_dead_and_an_operator_drops_it(
    db: Database, settings: Settings
) -> None:
    await queue(db, [(ALICE, "poison")])
    clock = FrozenClock(now())
    telegram = FakeTelegram(errors={"poison": list(POISON)})
    limited = replace(FAST, dead_after_seconds=3600)
    dispatcher = Dispatcher(db, telegram, limited, clock=clock, on_dead=on_dead(settings))
    assert await dispatcher.dispatch_once() == 1
    (row,) = await outbox(db, ALICE)
    assert row.status == OutboxStatus.PENDING and row.failing_since == clock.now()
    clock.advance(timedelta(minutes=59))
    await dispatcher.dispatch_once()
    assert (await outbox(db, ALICE))[0].status == OutboxStatus.PENDING
    clock.advance(timedelta(minutes=2))
    await dispatcher.dispatch_once()
    (row,) = await outbox(db, ALICE)
    assert row.status == OutboxStatus.DEAD and row.attempts == 3

    assert await dead_letters.drop(db, row.id)
    assert (await outbox(db, ALICE))[0].status == OutboxStatus.FAILED
    assert (await dead_letters.dead_letters(db))[0] == []


async def ignore_updates(_incoming: Incoming) -> list[Reply]:
    return []


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with SandboxServer() as server:
        server.bot(server.make_token())
        server.user(ALICE, language_code="en").send_command("/start")
        server.group(MANAGER_CHAT, "Service managers")
        yield server


@pytest.fixture
async def runtime(sandbox: SandboxServer) -> AsyncIterator[Runtime]:
    made = RUNTIME_CLASSES["aiogram"](sandbox.make_token(), ignore_updates, sandbox.base_url)
    yield made
    await made.close()


async def test_a_document_the_server_always_refuses_becomes_dead_and_later_messages_flow(
    db: Database, settings: Settings, sandbox: SandboxServer, runtime: Runtime
) -> None:
    async with db.transaction() as session:
        await enqueue(session, messages(ALICE, "before", now()))
        act = Attachment(AttachmentKind.DOCUMENT, "no-such-file", "act.pdf")
        await enqueue(session, messages(ALICE, "the act", now(), media=[act]))
        for n in range(3):
            await enqueue(session, messages(ALICE, f"after {n}", now()))
    sandbox.faults.configure(rate=1.0, kinds=("5xx",), methods=("sendDocument",))
    limited = replace(FAST, dead_after_attempts=4)
    await Dispatcher(db, runtime.execute, limited, on_dead=on_dead(settings)).drain(timeout=20)

    assert [m.text for m in sandbox.chat(ALICE).messages] == [
        "before",
        *(f"after {n}" for n in range(3)),
    ]
    refused = [c for c in sandbox.calls if c.method == "sendDocument"]
    assert len(refused) == 4 and {c.status for c in refused} <= {500, 502}
    assert [row.status for row in await outbox(db, ALICE)] == [
        OutboxStatus.SENT,
        OutboxStatus.DEAD,
        *[OutboxStatus.SENT] * 3,
    ]
    (alert,) = [m.text for m in sandbox.chat(MANAGER_CHAT).messages]
    assert "could not be delivered" in alert
