"""getMe, getUpdates long polling, offsets, redelivery and error shapes over raw HTTP."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp

from bot.sandbox import SandboxServer
from tests.support.sandbox import BOT_ID, TOKEN, api


async def test_get_me_and_error_shapes(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    status, body = await api(http, sandbox, "getMe")
    assert status == 200
    assert body == {
        "ok": True,
        "result": {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "fieldbot",
            "username": "fieldbot_sandbox_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        },
    }
    async with http.get(f"{sandbox.base_url}/bot{TOKEN}/GETME") as response:
        assert response.status == 200  # method names are case-insensitive, GET works
    assert await api(http, sandbox, "getMe", token="not-a-token") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert await api(http, sandbox, "noSuchMethod") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    status, body = await api(http, sandbox, "sendMessage", chat_id=555, text="hi")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")


async def test_get_updates_waits_then_returns_empty(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    started = time.monotonic()
    status, body = await api(http, sandbox, "getUpdates", timeout=1)
    assert (status, body) == (200, {"ok": True, "result": []})
    assert time.monotonic() - started >= 0.9


async def test_update_arriving_mid_wait_returns_at_once(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    user = sandbox.user(42)
    started = time.monotonic()
    poll = asyncio.create_task(api(http, sandbox, "getUpdates", timeout=10))
    await asyncio.sleep(0.3)
    user.send_text("hello")
    _, body = await poll
    assert time.monotonic() - started < 2
    [update] = body["result"]
    assert update["message"]["text"] == "hello"
    assert update["message"]["chat"] == {"id": 42, "type": "private", "first_name": "Ivan"}
    assert update["message"]["from"]["language_code"] == "ru"


async def test_offset_confirms_earlier_updates(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    user = sandbox.user(42)
    for text in ("one", "two", "three"):
        user.send_text(text)
    _, first = await api(http, sandbox, "getUpdates", limit=2)
    ids = [update["update_id"] for update in first["result"]]
    assert len(ids) == 2 and ids[0] < ids[1]
    # Without an offset nothing is confirmed: the same updates come again.
    _, again = await api(http, sandbox, "getUpdates", limit=2)
    assert [update["update_id"] for update in again["result"]] == ids
    _, rest = await api(http, sandbox, "getUpdates", offset=ids[-1] + 1)
    [third] = rest["result"]
    assert third["message"]["text"] == "three" and third["update_id"] == ids[-1] + 1
    _, done = await api(http, sandbox, "getUpdates", offset=third["update_id"] + 1)
    assert done["result"] == []


async def test_redeliver_repeats_the_same_update_id(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    sandbox.user(42).send_command("/start", args="ref_1")
    _, body = await api(http, sandbox, "getUpdates")
    [update] = body["result"]
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    offset = update["update_id"] + 1
    _, body = await api(http, sandbox, "getUpdates", offset=offset)
    assert body["result"] == []
    sandbox.redeliver(update["update_id"])
    _, body = await api(http, sandbox, "getUpdates", offset=offset)
    assert body["result"] == [update]
    _, body = await api(http, sandbox, "getUpdates", offset=offset)
    assert body["result"] == []


async def test_press_queues_a_callback_query(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    user = sandbox.user(42)
    user.send_text("hi")
    markup = {"inline_keyboard": [[{"text": "Accept", "callback_data": "ticket:7:accept"}]]}
    # Forms carry objects as JSON strings, as aiogram and python-telegram-bot send them.
    form = {"chat_id": "42", "text": "Ticket 7", "reply_markup": json.dumps(markup)}
    async with http.post(f"{sandbox.base_url}/bot{TOKEN}/sendMessage", data=form) as response:
        sent = (await response.json())["result"]
    assert sent["reply_markup"] == markup
    query_id = user.press("Accept")
    _, body = await api(http, sandbox, "getUpdates", offset=2)
    [update] = body["result"]
    query = update["callback_query"]
    assert query["id"] == query_id
    assert query["data"] == "ticket:7:accept"
    assert query["message"]["message_id"] == sent["message_id"]
    assert [record.id for record in sandbox.unanswered_callbacks()] == [query_id]
    await api(http, sandbox, "answerCallbackQuery", callback_query_id=query_id, text="Done")
    assert sandbox.unanswered_callbacks() == []
    status, body = await api(http, sandbox, "answerCallbackQuery", callback_query_id=query_id)
    assert status == 400
    assert body["description"] == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )


async def test_second_poller_ends_the_first_with_conflict(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    first = asyncio.create_task(api(http, sandbox, "getUpdates", timeout=5))
    await asyncio.sleep(0.2)
    _, second = await api(http, sandbox, "getUpdates", timeout=0)
    status, body = await first
    assert status == 409 and body["description"].startswith("Conflict: terminated by other")
    assert second == {"ok": True, "result": []}


async def test_webhook_blocks_get_updates_until_deleted(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    status, _ = await api(http, sandbox, "setWebhook", url="http://plain")
    assert status == 400
    await api(http, sandbox, "setWebhook", url="https://example.org/hook", secret_token="s3")
    _, info = await api(http, sandbox, "getWebhookInfo")
    assert info["result"]["url"] == "https://example.org/hook"
    status, _ = await api(http, sandbox, "getUpdates")
    assert status == 409
    sandbox.user(1).send_text("queued")
    await api(http, sandbox, "deleteWebhook", drop_pending_updates=True)
    _, body = await api(http, sandbox, "getUpdates")
    assert body["result"] == []


async def test_group_privacy_mode_and_forum_topics(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    group = sandbox.group(-1001, "Managers", is_forum=True)
    manager = sandbox.user(7, first_name="Olga")
    group.send_text(manager, "just chatting")
    group.send_command(manager, "/report@fieldbot_sandbox_bot")
    _, body = await api(http, sandbox, "getUpdates")
    assert [u["message"]["text"] for u in body["result"]] == ["/report@fieldbot_sandbox_bot"]
    _, topic = await api(http, sandbox, "createForumTopic", chat_id=-1001, name="Overdue")
    thread_id = topic["result"]["message_thread_id"]
    _, sent = await api(
        http, sandbox, "sendMessage", chat_id=-1001, text="SLA breach", message_thread_id=thread_id
    )
    assert sent["result"]["message_thread_id"] == thread_id
    assert sent["result"]["is_topic_message"] is True
    assert [m.content for m in group.topic_messages(thread_id)] == ["SLA breach"]
    status, body = await api(
        http, sandbox, "sendMessage", chat_id=-1001, text="x", message_thread_id=999
    )
    assert (status, body["description"]) == (400, "Bad Request: message thread not found")
    status, body = await api(http, sandbox, "createForumTopic", chat_id=42, name="x")
    assert status == 400


async def test_wait_for_steps_through_messages_and_edits(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    user = sandbox.user(42)
    user.send_text("hi")
    await api(http, sandbox, "getUpdates")  # the bot fetched it, so wait_idle can settle

    async def bot_side() -> None:
        await asyncio.sleep(0.1)
        _, first = await api(http, sandbox, "sendMessage", chat_id=42, text="Step 1")
        await api(http, sandbox, "sendMessage", chat_id=42, text="Step 2")
        await api(
            http,
            sandbox,
            "editMessageText",
            chat_id=42,
            message_id=first["result"]["message_id"],
            text="Step 1 (done)",
        )

    task = asyncio.create_task(bot_side())
    assert (await user.wait_for()).content == "Step 1"
    assert (await user.wait_for()).content == "Step 2"
    edited = await user.wait_for("done")
    assert edited.edit_date is not None
    await task
    assert [m.content for m in user.messages] == ["Step 1 (done)", "Step 2"]
    assert user.last is not None and user.last.content == "Step 2"
    await user.wait_idle(quiet=0.1)
    try:
        await user.wait_for("never", timeout=0.2)
    except TimeoutError as exc:
        assert "never" in str(exc)
    else:
        raise AssertionError("wait_for should time out")


async def test_user_actions_produce_telegram_shaped_updates(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    user = sandbox.user(42, first_name="Petr", username="petr_eng", language_code="en")
    user.share_contact("+359888123456")
    user.share_location(42.69, 23.32, live_period=600)
    photo = user.send_photo(caption="broken pump")
    _, body = await api(http, sandbox, "getUpdates")
    contact, location, photo_update = (u["message"] for u in body["result"])
    assert contact["contact"] == {
        "phone_number": "+359888123456",
        "first_name": "Petr",
        "user_id": 42,
    }
    assert location["location"] == {"latitude": 42.69, "longitude": 23.32, "live_period": 600}
    assert photo_update["caption"] == "broken pump"
    sizes = photo_update["photo"]
    assert len({size["file_unique_id"] for size in sizes}) == len(sizes) == 3
    _, file = await api(http, sandbox, "getFile", file_id=sizes[-1]["file_id"])
    path = file["result"]["file_path"]
    async with http.get(f"{sandbox.base_url}/file/bot{TOKEN}/{path}") as response:
        data = await response.read()
    assert data.startswith(b"\xff\xd8") and data == sandbox.file_bytes(photo.photo[-1]["file_id"])


async def test_several_bots_keep_separate_state(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    other = "777:OTHER"
    sandbox.bot(other, username="second_bot")
    first_user = sandbox.user(42, bot_token=TOKEN)
    second_user = sandbox.user(42, bot_token=other)
    first_user.send_text("to the first")
    second_user.send_text("to the second")
    _, me = await api(http, sandbox, "getMe", token=other)
    assert (me["result"]["id"], me["result"]["username"]) == (777, "second_bot")
    _, first = await api(http, sandbox, "getUpdates")
    _, second = await api(http, sandbox, "getUpdates", token=other)
    assert [u["message"]["text"] for u in first["result"]] == ["to the first"]
    assert [u["message"]["text"] for u in second["result"]] == ["to the second"]
    assert first["result"][0]["update_id"] == second["result"][0]["update_id"] == 1
    try:
        sandbox.user(43).send_text("which bot?")
    except LookupError as exc:
        assert "several bots" in str(exc)
    else:
        raise AssertionError("an ambiguous default bot must be refused")


async def test_stop_releases_long_polls_and_held_requests(http: aiohttp.ClientSession) -> None:
    sandbox = SandboxServer()
    await sandbox.start()
    sandbox.user(42)
    sandbox.faults.fail_next("timeout", methods=["getChat"], delay=60)
    poll = asyncio.create_task(api(http, sandbox, "getUpdates", timeout=60))
    held = asyncio.create_task(api(http, sandbox, "getChat", chat_id=42))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await sandbox.stop()
    assert time.monotonic() - started < 3
    await asyncio.gather(poll, held, return_exceptions=True)
