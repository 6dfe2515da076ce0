"""The outbox through a real runtime against the sandbox Bot API, with Telegram misbehaving.

The limits are scaled so the test runs in seconds: 10 sends/s per bot instead of 30, and 4 per
2 s per group instead of 20 per minute; private chats keep Telegram's real 1 per second.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import AsyncIterator

import pytest

from bot.core.events import Incoming
from bot.core.replies import Reply
from bot.delivery import DeliverySettings, Dispatcher, Rate
from bot.runtimes.base import Runtime
from bot.sandbox import SandboxServer
from storage.db import Database
from storage.models import OutboxStatus
from tests.support.delivery import add_people, queue
from tests.support.outbox import outbox
from tests.support.people import person
from tests.support.sandbox import RUNTIME_CLASSES
from tests.support.send_windows import most_in_any_window

USERS = list(range(7001, 7009))
GROUP = -100777
PER_BOT = Rate(10, 1.0)
PER_GROUP = Rate(4, 2.0)
SETTINGS = DeliverySettings(
    batch_size=10,
    poll_seconds=0.05,
    backoff_base=0.2,
    backoff_cap=1.0,
    per_bot=PER_BOT,
    per_private_chat=Rate(1, 1.0),
    per_group=PER_GROUP,
)


async def ignore_updates(_incoming: Incoming) -> list[Reply]:
    return []


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with SandboxServer() as server:
        token = server.make_token()
        server.bot(token)
        for user_id in USERS:
            server.user(user_id, language_code="en").send_command("/start")
        server.group(GROUP, "Service managers")
        yield server


@pytest.fixture(params=sorted(RUNTIME_CLASSES))
async def runtime(
    request: pytest.FixtureRequest, sandbox: SandboxServer
) -> AsyncIterator[Runtime]:
    # A short request timeout so the sandbox's withheld answers become timeouts quickly.
    made = RUNTIME_CLASSES[request.param](
        sandbox.make_token(), ignore_updates, sandbox.base_url, request_timeout=0.5
    )
    yield made
    await made.close()


def successful_sends(sandbox: SandboxServer) -> dict[int, list[float]]:
    times: dict[int, list[float]] = defaultdict(list)
    for call in sandbox.calls:
        if call.method == "sendMessage" and call.status == 200 and isinstance(call.chat_id, int):
            times[call.chat_id].append(call.time)
    return times


async def test_every_message_once_within_limits_despite_faults(
    db: Database, sandbox: SandboxServer, runtime: Runtime
) -> None:
    people = await add_people(db, USERS)
    expected = {chat: [f"to {chat} #{n}" for n in range(4)] for chat in [*USERS, GROUP]}
    expected[GROUP] += [f"to {GROUP} #{n}" for n in range(4, 8)]
    interleaved = [
        (chat, texts[n]) for n in range(8) for chat, texts in expected.items() if n < len(texts)
    ]
    await queue(db, interleaved, people)
    sandbox.faults.configure(
        rate=0.3,
        kinds=("429", "5xx", "timeout"),
        methods=("sendMessage",),
        retry_after=1,
        delay=1.0,
        seed=4,
    )
    await Dispatcher(db, runtime.execute, SETTINGS).drain(timeout=40)

    for chat, texts in expected.items():  # all delivered, once each, in order
        assert [m.text for m in sandbox.chat(chat).messages] == texts
    stored = await outbox(db)
    assert len(stored) == 40 and {row.status for row in stored} == {OutboxStatus.SENT}
    assert max(row.attempts for row in stored) > 1
    outcomes = Counter(call.status for call in sandbox.calls if call.method == "sendMessage")
    assert outcomes[429] and outcomes[0] and (outcomes[500] + outcomes[502])  # all faults seen
    assert not any([(await person(db, chat)).unreachable for chat in people])

    sends = successful_sends(sandbox)
    assert most_in_any_window([t for ts in sends.values() for t in ts], 1.0) <= PER_BOT.count
    assert most_in_any_window(sends[GROUP], PER_GROUP.seconds) <= PER_GROUP.count
    for chat in USERS:
        assert most_in_any_window(sends[chat], 1.0) <= 1


async def test_blocked_recipient_is_marked_unreachable_and_skipped(
    db: Database, sandbox: SandboxServer, runtime: Runtime
) -> None:
    blocked, fine = USERS[0], USERS[1]
    people = await add_people(db, [blocked, fine])
    sandbox.faults.block(blocked)
    await queue(
        db, [(blocked, "one"), (fine, "hello"), (blocked, "two"), (blocked, "three")], people
    )
    await Dispatcher(db, runtime.execute, SETTINGS).drain(timeout=10)

    statuses = {row.text: row.status for row in await outbox(db)}
    assert statuses == {
        "one": OutboxStatus.UNREACHABLE,
        "two": OutboxStatus.UNREACHABLE,
        "three": OutboxStatus.UNREACHABLE,
        "hello": OutboxStatus.SENT,
    }
    assert (await person(db, blocked)).unreachable
    tried = [
        call for call in sandbox.calls if call.chat_id == blocked and call.method == "sendMessage"
    ]
    assert [call.status for call in tried] == [403]
    assert [m.text for m in sandbox.chat(fine).messages] == ["hello"]
