"""Seeded fault injection, flood limits and the call record."""

from __future__ import annotations

import time

import aiohttp

from bot.sandbox import SandboxServer
from tests.support.sandbox import api


async def test_seeded_faults_never_perform_the_call(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    user = sandbox.user(42)
    user.send_text("hi")
    sandbox.faults.configure(rate=0.5, kinds=("429", "5xx"), methods=("sendMessage",), seed=7)
    statuses = []
    for n in range(20):
        status, body = await api(http, sandbox, "sendMessage", chat_id=42, text=f"n{n}")
        statuses.append(status)
        if status == 429:
            assert body == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
    assert 0 < statuses.count(200) < 20
    assert {s for s in statuses if s != 200} <= {429, 500, 502}
    assert len(user.messages) == statuses.count(200)
    status, _ = await api(http, sandbox, "getChat", chat_id=42)
    assert status == 200  # other methods are not in the configured list
    recorded = [call.status for call in sandbox.calls if call.method == "sendMessage"]
    assert recorded == statuses
    sandbox.faults.reset()
    status, _ = await api(http, sandbox, "sendMessage", chat_id=42, text="calm")
    assert status == 200


async def test_private_chat_flood_limit(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    sandbox.user(42).send_text("hi")
    sandbox.flood.enable()
    statuses = []
    for n in range(5):
        status, body = await api(http, sandbox, "sendMessage", chat_id=42, text=f"n{n}")
        statuses.append(status)
    assert statuses == [200, 200, 200, 429, 429]  # a burst of 3, then 1 per second
    assert body["parameters"]["retry_after"] == 1


async def test_group_and_bot_wide_flood_limits(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    sandbox.group(-100, "Managers")
    sandbox.flood.enable(per_group_minute=2, per_bot=4, private_burst=10)
    statuses = [
        (await api(http, sandbox, "sendMessage", chat_id=-100, text=f"g{n}"))[0] for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    _, body = await api(http, sandbox, "sendMessage", chat_id=-100, text="again")
    assert 55 <= body["parameters"]["retry_after"] <= 60
    for user_id in (1, 2, 3):
        sandbox.user(user_id).send_text("hi")
    statuses = [
        (await api(http, sandbox, "sendMessage", chat_id=user_id, text="x"))[0]
        for user_id in (1, 2, 3)
    ]
    assert statuses == [200, 200, 429]  # 2 group sends + 2 private = 4 per second per bot
    sent_times = [c.time for c in sandbox.calls if c.method == "sendMessage" and c.status == 200]
    assert len(sent_times) == 4


async def test_blocked_group_and_slow_calls(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    sandbox.group(-100, "Managers")
    sandbox.faults.block(-100)
    status, body = await api(http, sandbox, "sendMessage", chat_id=-100, text="x")
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot was kicked from the supergroup chat",
    )
    sandbox.faults.unblock(-100)
    sandbox.faults.slow(0.3)
    started = time.monotonic()
    status, _ = await api(http, sandbox, "sendMessage", chat_id=-100, text="x")
    assert status == 200 and time.monotonic() - started >= 0.3
