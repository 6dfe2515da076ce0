"""Our own getUpdates loop, on both frameworks' bots: a batch is handed to the store before
the offset moves past it, so an update that could not be stored comes again."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.inbox import chat_key
from bot.sandbox import SandboxServer
from tests.support.sandbox import RUNTIME_CLASSES, EchoBot


async def test_a_batch_is_stored_before_it_is_confirmed(
    sandbox: SandboxServer, runtime_name: str, echo: EchoBot, token: str
) -> None:
    runtime = RUNTIME_CLASSES[runtime_name](token, echo, sandbox.base_url)
    user = sandbox.user(1201, "Lea", "en")
    stored: list[int] = []
    refusals = [ConnectionError("database down")]
    got_both = asyncio.Event()

    async def store(payloads: list[dict[str, Any]]) -> None:
        if refusals:
            raise refusals.pop()
        stored.extend(int(payload["update_id"]) for payload in payloads)
        if len(set(stored)) >= 2:
            got_both.set()

    user.send_text("one")
    user.send_text("two")
    stop = asyncio.Event()
    polling = asyncio.create_task(runtime.poll(stop, store))
    await asyncio.wait_for(got_both.wait(), 20)
    stop.set()
    await asyncio.wait_for(polling, 20)
    assert sorted(set(stored)) == sorted(stored)  # the refused batch came again, then once
    assert len(stored) == 2 and refusals == []
    assert echo.seen == []  # polling only stores; the inbox workers handle


def test_an_update_is_ordered_by_its_chat_else_its_sender_else_itself() -> None:
    assert chat_key({"update_id": 1, "message": {"chat": {"id": -100}, "from": {"id": 5}}}) == -100
    press = {"update_id": 2, "callback_query": {"from": {"id": 5}, "message": {"chat": {"id": 9}}}}
    assert chat_key(press) == 9
    assert chat_key({"update_id": 3, "callback_query": {"from": {"id": 5}}}) == 5
    assert chat_key({"update_id": 4, "poll": {"id": "x"}}) == 4
