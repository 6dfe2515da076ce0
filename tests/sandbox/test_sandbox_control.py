"""The HTTP control API a browser page uses to play the people's side."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from bot.sandbox import SandboxServer
from tests.support.sandbox import api


async def control(
    http: aiohttp.ClientSession, sandbox: SandboxServer, path: str, **body: Any
) -> dict[str, Any]:
    async with http.post(f"{sandbox.base_url}/sandbox/{path}", json=body) as response:
        answer: dict[str, Any] = await response.json()
        assert response.status == 200, answer
        return answer["result"]


async def history(
    http: aiohttp.ClientSession, sandbox: SandboxServer, chat_id: int, after: int, wait: float = 0
) -> dict[str, Any]:
    url = f"{sandbox.base_url}/sandbox/chats/{chat_id}/messages?after={after}&wait={wait}"
    async with http.get(url) as response:
        answer: dict[str, Any] = await response.json()
        return answer["result"]


async def test_control_round_trip(sandbox: SandboxServer, http: aiohttp.ClientSession) -> None:
    posted = await control(
        http, sandbox, "users/77/text", text="/start", first_name="Maria", language_code="bg"
    )
    assert posted["message"]["entities"][0]["type"] == "bot_command"
    _, updates = await api(http, sandbox, "getUpdates")
    [update] = updates["result"]
    assert update["update_id"] == posted["update_id"]
    assert update["message"]["from"]["first_name"] == "Maria"
    markup = {"inline_keyboard": [[{"text": "Report", "callback_data": "report"}]]}
    _, sent = await api(http, sandbox, "sendMessage", chat_id=77, text="Menu", reply_markup=markup)
    page = await history(http, sandbox, 77, after=0)
    assert [(e["kind"], e["from_bot"]) for e in page["events"]] == [
        ("message", False),
        ("message", True),
    ]
    cursor = page["last_seq"]

    # A page long-polls; an edit by the bot wakes it.
    waiting = asyncio.create_task(history(http, sandbox, 77, after=cursor, wait=5))
    await asyncio.sleep(0.2)
    message_id = sent["result"]["message_id"]
    await api(http, sandbox, "editMessageText", chat_id=77, message_id=message_id, text="Menu v2")
    page = await waiting
    [edit] = page["events"]
    assert edit["kind"] == "edit" and edit["message"]["text"] == "Menu v2"

    pressed = await control(http, sandbox, "users/77/press", message_id=message_id, data="report")
    await control(http, sandbox, "users/77/contact", phone="+359111")
    await control(http, sandbox, "users/77/location", latitude=42.1, longitude=23.2)
    await control(http, sandbox, "users/77/photo", caption="pump")
    offset = update["update_id"] + 1
    _, updates = await api(http, sandbox, "getUpdates", offset=offset)
    kinds = [next(key for key in u if key != "update_id") for u in updates["result"]]
    assert kinds == ["callback_query", "message", "message", "message"]
    assert updates["result"][0]["callback_query"]["id"] == pressed["callback_query_id"]

    group = await control(http, sandbox, "groups", chat_id=-1009, title="Service desk")
    assert group == {"id": -1009, "type": "supergroup", "title": "Service desk"}
    status, _ = await api(http, sandbox, "sendMessage", chat_id=-1009, text="New ticket")
    assert status == 200
    async with http.get(f"{sandbox.base_url}/sandbox/chats") as response:
        chats = (await response.json())["result"]
    assert [chat["id"] for chat in chats] == [-1009, 77]
    async with http.get(f"{sandbox.base_url}/sandbox/bots") as response:
        bots = (await response.json())["result"]
    assert [b["id"] for b in bots] == [123456]
