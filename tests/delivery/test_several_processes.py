"""Three dispatcher processes share one bot: the outbox on the test database and one flood
budget in the real Redis. The sandbox misbehaves (429, 5xx, timeouts) and its call log, which
sees every process's sends, shows the bot-wide 30 per second, each private chat's 1 per second
and the group's limit held, and every chat's messages arriving once each, in order.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from bot.sandbox import SandboxServer
from storage.db import Database
from storage.models import OutboxStatus
from tests.support.delivery import add_people, queue
from tests.support.dispatch_process import PER_BOT, PER_GROUP, PER_PRIVATE_CHAT
from tests.support.outbox import outbox
from tests.support.redis import REDIS_URL
from tests.support.send_windows import most_in_any_window

USERS = list(range(9001, 9046))
GROUP = -100900
PROCESSES = 3


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with SandboxServer() as server:
        server.bot(server.make_token())
        for user_id in USERS:
            server.user(user_id, language_code="en").send_command("/start")
        server.group(GROUP, "Service managers")
        yield server


async def dispatcher_process(database_url: str, sandbox: SandboxServer, prefix: str) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.dispatch_process",
        database_url,
        sandbox.base_url,
        sandbox.make_token(),
        REDIS_URL,
        prefix,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-3000:]
    return int(out.decode().split()[-1])


async def test_three_processes_hold_the_limits_and_each_chats_order_under_faults(
    db: Database, database_url: str, sandbox: SandboxServer, redis_keys: str
) -> None:
    people = await add_people(db, USERS)
    expected = {chat: [f"to {chat} #{n}" for n in range(2)] for chat in USERS}
    expected[GROUP] = [f"alert #{n}" for n in range(8)]
    interleaved = [
        (chat, texts[n]) for n in range(8) for chat, texts in expected.items() if n < len(texts)
    ]
    await queue(db, interleaved, people)
    sandbox.faults.configure(
        rate=0.15,
        kinds=("429", "5xx", "timeout"),
        methods=("sendMessage",),
        retry_after=1,
        delay=1.0,
        seed=7,
    )
    sent = await asyncio.gather(
        *(dispatcher_process(database_url, sandbox, redis_keys) for _ in range(PROCESSES))
    )

    for chat, texts in expected.items():  # every message once, in its chat's order
        assert [m.text for m in sandbox.chat(chat).messages] == texts, chat
    assert sum(sent) == len(interleaved)
    if not db.is_sqlite:  # SQLite has one claimer at a time; PostgreSQL shares the work
        assert all(sent), sent
    assert {row.status for row in await outbox(db)} == {OutboxStatus.SENT}
    outcomes = Counter(call.status for call in sandbox.calls if call.method == "sendMessage")
    assert outcomes[429] and outcomes[0] and (outcomes[500] + outcomes[502]), outcomes

    # Every attempt counts (Telegram may have seen a failed one): all of them keep the limits.
    calls = [c for c in sandbox.calls if c.method == "sendMessage" and isinstance(c.chat_id, int)]
    assert most_in_any_window([c.time for c in calls], PER_BOT.seconds) <= PER_BOT.count
    group = [c.time for c in calls if c.chat_id == GROUP]
    assert most_in_any_window(group, PER_GROUP.seconds) <= PER_GROUP.count
    for chat in USERS:
        times = [c.time for c in calls if c.chat_id == chat]
        assert most_in_any_window(times, PER_PRIVATE_CHAT.seconds) <= PER_PRIVATE_CHAT.count
