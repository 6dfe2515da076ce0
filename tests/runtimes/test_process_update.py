"""process_update: the handler-and-replies loop both runtimes share."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pytest

from bot.core.events import Incoming
from bot.core.replies import AnswerCallback, Reply, Send
from bot.runtimes import convert
from bot.runtimes.base import Rejected, RetryAfter, Unreachable, UpdateHandler
from bot.runtimes.convert import process_update

UPDATE = {
    "update_id": 1,
    "message": {
        "message_id": 3,
        "date": 0,
        "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "is_bot": False, "first_name": "Anna"},
        "text": "hello",
    },
}


class Recorder:
    """An execute() that fails the first calls with the given errors."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls: list[Reply] = []

    async def __call__(self, reply: Reply) -> int | None:
        self.calls.append(reply)
        if self.failures:
            raise self.failures.pop(0)
        return len(self.calls)


def replying(*replies: Reply) -> UpdateHandler:
    async def handler(incoming: Incoming) -> Sequence[Reply]:
        return replies

    return handler


async def test_replies_are_performed_in_order() -> None:
    execute = Recorder()
    first, second = Send(42, "one"), AnswerCallback("cb")
    await process_update(UPDATE, replying(first, second), execute)
    assert execute.calls == [first, second]


async def test_handler_error_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(incoming: Incoming) -> Sequence[Reply]:
        raise RuntimeError("boom")

    execute = Recorder()
    await process_update(UPDATE, broken, execute)
    assert execute.calls == []
    assert "handler failed on update 1" in caplog.text


async def test_refused_reply_is_logged_and_later_replies_still_go(
    caplog: pytest.LogCaptureFixture,
) -> None:
    execute = Recorder(Rejected("message is too long"), Unreachable("blocked"))
    replies = (Send(42, "x" * 5000), Send(42, "second"), AnswerCallback("cb"))
    with caplog.at_level(logging.WARNING):
        await process_update(UPDATE, replying(*replies), execute)
    assert execute.calls == list(replies)
    assert "rejected Send" in caplog.text and "message is too long" in caplog.text


async def test_short_flood_wait_is_sat_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(convert.asyncio, "sleep", fake_sleep)
    execute = Recorder(RetryAfter(2))
    await process_update(UPDATE, replying(Send(42, "hi")), execute)
    assert slept == [2]
    assert len(execute.calls) == 2


async def test_long_flood_wait_drops_the_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(seconds: float) -> None:
        raise AssertionError("must not stall the update loop")

    monkeypatch.setattr(convert.asyncio, "sleep", no_sleep)
    execute = Recorder(RetryAfter(convert.MAX_INLINE_RETRY_WAIT + 1))
    replies = (Send(42, "hi"), Send(42, "next"))
    await process_update(UPDATE, replying(*replies), execute)
    assert execute.calls == list(replies)


async def test_updates_without_a_person_never_reach_the_handler() -> None:
    async def handler(incoming: Incoming) -> Sequence[Reply]:
        raise AssertionError("called")

    await process_update({"update_id": 2, "poll": {"id": "p"}}, handler, Recorder())
