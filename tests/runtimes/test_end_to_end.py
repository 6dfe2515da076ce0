"""Both runtimes against the sandbox Bot API: real HTTP, real frameworks, a toy echo handler."""

from __future__ import annotations

import asyncio
import socket
import weakref
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from telegram.error import RetryAfter as PtbRetryAfter

from bot.core.events import EventKind
from bot.core.replies import Edit, Send
from bot.runtimes.base import Rejected, RetryAfter, Transient, Unreachable
from bot.runtimes.ptb_runtime import _retry_seconds
from bot.runtimes.webhook import SECRET_HEADER, webhook_app
from bot.sandbox import SandboxServer
from bot.sandbox.state import DEFAULT_USERNAME
from tests.support.sandbox import (
    REPORT_PDF,
    RUNTIME_CLASSES,
    EchoBot,
    Running,
    assert_released_cleanly,
)

WAIT = 5.0

# ptb's own RetryAfter constructor reads its deprecated int-valued property; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_text_command_and_inline_buttons(running: Running) -> None:
    user = running.sandbox.user(1001, "Anna", "de")
    user.send_text("hello there")
    assert (await user.wait_for("echo: hello there", WAIT)).content == "echo: hello there"

    user.send_command("/report", "pump 3")
    await user.wait_for("command report args='pump 3'", WAIT)

    user.send_command("/menu")
    menu = await user.wait_for("pick one", WAIT)
    assert menu.button_texts == ["Yes", "No", "Manual"]
    assert menu.buttons[2]["url"] == "https://example.com/manual"

    query_id = user.press("Yes")
    answer = await user.wait_answer(query_id, WAIT)
    assert answer.text == "got answer:yes"
    edited = await user.wait_for("picked answer:yes", WAIT)
    assert edited.message_id == menu.message_id

    first = running.echo.seen[0]
    assert (first.user_id, first.chat_id, first.chat_type) == (1001, 1001, "private")
    assert (first.user_name, first.language_code) == ("Anna", "de")
    assert running.echo.kinds() == [
        EventKind.TEXT,
        EventKind.COMMAND,
        EventKind.COMMAND,
        EventKind.CALLBACK,
    ]


async def test_reply_keyboard_contact_location_photo_document(running: Running) -> None:
    user = running.sandbox.user(1002, "Oleg")
    user.send_command("/phone")
    prompt = await user.wait_for("share please", WAIT)
    assert user.keyboard == [["Share phone"], ["Share location"]]
    assert prompt.reply_markup is not None
    assert prompt.reply_markup["resize_keyboard"] is True
    assert prompt.reply_markup["one_time_keyboard"] is True
    assert prompt.reply_markup["keyboard"][0][0]["request_contact"] is True
    assert prompt.reply_markup["keyboard"][1][0]["request_location"] is True

    user.send_command("/ask")
    asked = await user.wait_for("what is the reason?", WAIT)
    assert asked.reply_markup == {
        "force_reply": True,
        "selective": True,
        "input_field_placeholder": "Reason",
    }

    user.share_contact("+79001234567")
    await user.wait_for("phone +79001234567", WAIT)
    assert user.keyboard is None  # RemoveKeyboard took it away

    user.share_location(55.75, 37.61)
    await user.wait_for("location 55.75,37.61", WAIT)

    sent = user.send_photo()
    echoed = await user.wait_for("nice photo", WAIT)
    largest = max(sent.photo, key=lambda size: size["width"] * size["height"])
    assert running.echo.seen[-1].attachments[0].file_id == largest["file_id"]
    assert echoed.photo

    user.send_command("/doc")
    doc = await user.wait_for("r.pdf", WAIT)
    assert doc.caption == "your report"
    assert doc.document is not None
    assert running.sandbox.file_bytes(doc.document["file_id"]) == REPORT_PDF


async def test_persistent_keys_stay_after_the_person_writes(running: Running) -> None:
    user = running.sandbox.user(1003, "Vera")
    user.send_command("/keys")
    shown = await user.wait_for("your menu", WAIT)
    assert shown.reply_markup is not None
    assert shown.reply_markup["is_persistent"] is True
    assert shown.reply_markup["one_time_keyboard"] is False
    assert shown.reply_markup["input_field_placeholder"] == "Pick or type"
    user.send_text("Status")
    await user.wait_for("echo: Status", WAIT)
    assert user.keyboard == [["Report", "Status"]]


async def test_group_commands_addressed_to_us_or_others(running: Running) -> None:
    team = running.sandbox.group(-100777, "Service team", bot_is_admin=True)
    team.send_command(2001, f"/menu@{DEFAULT_USERNAME}")
    await team.wait_for("pick one", WAIT)
    team.send_text(2001, "/menu@some_other_bot")
    await team.wait_for("echo: /menu@some_other_bot", WAIT)

    ours, theirs = running.echo.seen
    assert (ours.kind, ours.command, ours.chat_type, ours.chat_id) == (
        EventKind.COMMAND,
        "menu",
        "supergroup",
        -100777,
    )
    assert theirs.kind is EventKind.TEXT


async def test_handler_bug_and_refused_reply_do_not_stop_polling(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    user = running.sandbox.user(1003)
    user.send_command("/boom")
    user.send_command("/long")
    user.send_text("still alive?")
    await user.wait_for("after the long one", WAIT)
    await user.wait_for("echo: still alive?", WAIT)
    assert "handler failed" in caplog.text
    assert "message is too long" in caplog.text.lower()


async def test_short_flood_wait_while_answering_is_sat_out(running: Running) -> None:
    user = running.sandbox.user(1009)
    running.sandbox.faults.fail_next("429", methods=["sendMessage"], retry_after=1)
    user.send_text("busy day")
    await user.wait_for("echo: busy day", WAIT)
    sends = [c for c in running.sandbox.calls if c.method == "sendMessage"]
    assert [c.status for c in sends] == [429, 200]
    assert sends[1].time - sends[0].time >= 0.9


async def test_execute_normalises_refusals(running: Running) -> None:
    sandbox, runtime = running.sandbox, running.runtime
    user = sandbox.user(1004)
    user.send_text("hi")  # a private chat only exists once the person wrote
    await user.wait_for("echo: hi", WAIT)

    message_id = await runtime.execute(Send(user.user_id, "direct"))
    assert message_id == (await user.wait_for("direct", WAIT)).message_id
    # An edit that changes nothing is a success, not a refusal.
    assert message_id is not None
    assert await runtime.execute(Edit(user.user_id, message_id, "direct")) == message_id

    with pytest.raises(Rejected, match="too long"):
        await runtime.execute(Send(user.user_id, "x" * 5000))

    sandbox.faults.fail_next("429", methods=["sendMessage"], retry_after=7)
    with pytest.raises(RetryAfter) as flood:
        await runtime.execute(Send(user.user_id, "flooded"))
    assert flood.value.seconds == 7

    sandbox.faults.fail_next("5xx", methods=["sendMessage"])
    with pytest.raises(Transient):
        await runtime.execute(Send(user.user_id, "server down"))

    user.block_bot()
    with pytest.raises(Unreachable):
        await runtime.execute(Send(user.user_id, "are you there?"))
    # None of the refused sends reached the chat.
    assert [m.content for m in user.messages] == ["echo: hi", "direct"]


async def test_topic_thread_is_kept(running: Running) -> None:
    forum = running.sandbox.group(-100888, "Engineers", is_forum=True, bot_is_admin=True)
    topic = forum.create_topic("Pumps")
    await running.runtime.execute(Send(forum.chat_id, "in the topic", thread_id=topic))
    assert [m.content for m in forum.topic_messages(topic)] == ["in the topic"]


async def test_timeout_is_transient(sandbox: SandboxServer, token: str, runtime_name: str) -> None:
    runtime = RUNTIME_CLASSES[runtime_name](token, EchoBot(), sandbox.base_url, request_timeout=1)
    user = sandbox.user(1005)
    user.send_text("hi")
    sandbox.faults.fail_next("timeout", methods=["sendMessage"])
    try:
        with pytest.raises(Transient):
            await runtime.execute(Send(user.user_id, "slow network"))
    finally:
        await runtime.close()


async def test_unreachable_api_at_start_surfaces_from_run(
    runtime_name: str, loop_errors: list[dict[str, Any]]
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    runtime = RUNTIME_CLASSES[runtime_name]("123:dead", EchoBot(), dead_url, request_timeout=2)
    with pytest.raises(Transient):
        await asyncio.wait_for(runtime.run(asyncio.Event()), WAIT)
    released = weakref.ref(runtime)
    del runtime
    assert_released_cleanly(released, loop_errors)


async def test_stop_is_clean_and_confirms_what_was_handled(
    make_running: Callable[[], Running], loop_errors: list[dict[str, Any]]
) -> None:
    first = make_running()
    sandbox, echo = first.sandbox, first.echo
    user = sandbox.user(1006)
    await first.start()
    user.send_command("/slow")
    user.send_text("queued behind slow")
    await asyncio.wait_for(echo.slow_started.wait(), WAIT)
    await first.finish()  # stop while the slow update is being handled

    # The update in hand was finished, not cut off.
    assert "slow done" in [m.content for m in user.messages]
    assert not [t for t in asyncio.all_tasks() if _is_runtime_task(t)]
    released = weakref.ref(first.runtime)
    del first
    assert_released_cleanly(released, loop_errors)

    # A restart neither replays the handled update nor loses the one still queued.
    second = make_running()
    await second.start()
    await user.wait_for("echo: queued behind slow", WAIT)
    await user.wait_idle(quiet=0.3, timeout=WAIT)
    await second.finish()
    contents = [m.content for m in user.messages]
    assert contents.count("slow done") == 1
    assert contents.count("echo: queued behind slow") == 1
    bot = sandbox.state.bots[next(iter(sandbox.state.bots))]
    assert bot.updates.pending_count == 0


async def test_run_removes_a_webhook_first(make_running: Callable[[], Running]) -> None:
    bot = make_running()
    sandbox = bot.sandbox
    await bot.runtime.set_webhook("https://bot.example/telegram", "s3cret")
    state = sandbox.state.bots[next(iter(sandbox.state.bots))]
    assert state.webhook_url == "https://bot.example/telegram"
    assert state.webhook_secret == "s3cret"

    await bot.start()
    user = sandbox.user(1007)
    user.send_text("polling again")
    await user.wait_for("echo: polling again", WAIT)
    assert state.webhook_url == ""
    await bot.finish()


async def test_webhook_updates_reach_the_handler(
    sandbox: SandboxServer, runtime_name: str, echo: EchoBot, token: str
) -> None:
    runtime = RUNTIME_CLASSES[runtime_name](token, echo, sandbox.base_url)
    user = sandbox.user(1008, "Vera", "en")
    message = user.send_text("via webhook")  # also opens the chat for the bot's answer
    update = {"update_id": 900, "message": message.to_api()}

    async def feed(payloads: list[dict[str, Any]]) -> None:  # as the inbox would, later
        for payload in payloads:
            await runtime.feed_webhook(payload)

    async with TestClient(TestServer(webhook_app(feed, "/hook", "s3cret"))) as client:
        refused = await client.post("/hook", json=update, headers={SECRET_HEADER: "nope"})
        assert refused.status == 403
        accepted = await client.post("/hook", json=update, headers={SECRET_HEADER: "s3cret"})
        assert accepted.status == 200
        await user.wait_for("echo: via webhook", WAIT)
    await runtime.close()
    assert [(i.update_id, i.user_name, i.language_code) for i in echo.seen] == [
        (900, "Vera", "en")
    ]


def _is_runtime_task(task: asyncio.Task[Any]) -> bool:
    code = getattr(task.get_coro(), "cr_code", None)
    filename = code.co_filename if code else ""
    return any(part in filename for part in ("aiogram", "telegram", "bot/runtimes"))


@pytest.mark.parametrize("env", ["", "true"])
def test_ptb_flood_wait_in_both_shapes(monkeypatch: pytest.MonkeyPatch, env: str) -> None:
    """ptb 22 reports ``retry_after`` as int seconds or, opted in, as a timedelta."""
    monkeypatch.setenv("PTB_TIMEDELTA", env)
    assert _retry_seconds(PtbRetryAfter(12)) == 12.0
