"""``fieldbot demo`` without a browser: what it starts, the data it loads once, what a second
start keeps and ``--reset`` clears, and the page and its API as the browser would call them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.demo import data
from bot.demo.run import Demo, DemoOptions, running_demo
from bot.runtimes.factory import RUNTIMES
from storage.models import Role, Ticket
from tests.support.databases import count
from tests.support.people import person

TIMEOUT = 15.0


async def call(http: aiohttp.ClientSession, demo: Demo, path: str, body: Any = None) -> Any:
    url = demo.page_url + path.lstrip("/")
    if body is None:
        async with http.get(url) as response:
            answer = await response.json()
    else:
        async with http.post(url, json=body) as response:
            answer = await response.json()
    assert answer["ok"], answer
    return answer["result"]


async def wait_for_text(
    http: aiohttp.ClientSession, demo: Demo, chat_id: int, fragment: str
) -> dict[str, Any]:
    """The first bot message in the chat whose text or caption contains ``fragment``,
    long-polling the page's API."""
    after = 0
    async with asyncio.timeout(TIMEOUT):
        while True:
            result = await call(
                http, demo, f"sandbox/chats/{chat_id}/messages?after={after}&wait=5"
            )
            for event in result["events"]:
                message = event.get("message") or {}
                shown = message.get("text") or message.get("caption") or ""
                if event.get("from_bot") and fragment in shown:
                    return dict(message)
            after = result["last_seq"]


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_demo_starts_loads_once_keeps_and_resets(tmp_path: Path, runtime: str) -> None:
    options = DemoOptions(database=tmp_path / "demo.sqlite3", runtime=runtime, port=0)
    async with running_demo(options) as demo, aiohttp.ClientSession() as http:
        assert demo.loaded_now and demo.warnings == []
        assert demo.database == options.database.resolve() and demo.database.exists()
        async with demo.app.db.transaction() as session:
            assert await data.counts(session) == {
                "customers": 3,
                "equipment": 9,
                "people": 5,
                "engineers": 2,
            }
        engineer = await person(demo.app, data.ENGINEER.user_id)
        assert engineer.role is Role.ENGINEER and engineer.skills == ["coffee", "hvac"]
        assert engineer.latitude is not None and engineer.on_duty
        assert (await person(demo.app, data.MANAGER.user_id)).role is Role.MANAGER
        client = await person(demo.app, data.CUSTOMER.user_id)
        assert client.customer is not None and client.customer.name == "Café Vitosha Ltd"
        assert demo.app.settings.manager_chat_id == data.GROUP.chat_id
        assert data.GROUP.chat_id in demo.sandbox.state.groups
        assert await count(demo.app, Ticket) == 1

        # The real bot answers through the sandbox, in the pane's chat.
        await call(http, demo, f"sandbox/users/{data.CUSTOMER.user_id}/text", {"text": "/start"})
        await wait_for_text(http, demo, data.CUSTOMER.user_id, "Hello, Maria")
        # The language selector goes through the bot's own /language flow.
        await call(http, demo, "demo/panes/customer/language", {"language": "bg"})
        await wait_for_text(http, demo, data.CUSTOMER.user_id, "Език: Български")
        assert (await person(demo.app, data.CUSTOMER.user_id)).locale == "bg"

    async with running_demo(options) as demo:  # a second run continues
        assert not demo.loaded_now
        async with demo.app.db.transaction() as session:
            assert (await data.counts(session))["customers"] == 3
        assert await count(demo.app, Ticket) == 1
        assert (await person(demo.app, data.CUSTOMER.user_id)).locale == "bg"

    reset = DemoOptions(database=options.database, runtime=runtime, port=0, reset=True)
    async with running_demo(reset) as demo:
        assert demo.loaded_now
        assert (await person(demo.app, data.CUSTOMER.user_id)).locale == "en"
        assert await count(demo.app, Ticket) == 1


async def test_page_and_its_api_are_served(tmp_path: Path) -> None:
    options = DemoOptions(database=tmp_path / "demo.sqlite3", port=0)
    async with running_demo(options) as demo, aiohttp.ClientSession() as http:
        async with http.get(demo.page_url) as response:
            html = await response.text()
        assert response.status == 200 and '<script src="/static/demo.js"' in html
        for asset, marker in (("demo.js", "class Pane"), ("demo.css", ".phone")):
            async with http.get(f"{demo.page_url}static/{asset}") as response:
                assert response.status == 200 and marker in await response.text()

        config = await call(http, demo, "demo/config")
        panes = {pane["key"]: pane for pane in config["panes"]}
        assert list(panes) == ["customer", "engineer", "manager"]
        assert panes["manager"]["chat_id"] == data.GROUP.chat_id and panes["manager"]["group"]
        assert "/report" in panes["customer"]["commands"]
        assert "/jobs" in panes["engineer"]["commands"]
        assert "/jobs" not in panes["customer"]["commands"]
        assert [language["code"] for language in config["languages"]] == ["en", "ru", "bg"]

        # The stock photo is a real picture the page can show.
        sent = await call(http, demo, "demo/panes/customer/photo", {"caption": "leak"})
        file_id = sent["message"]["photo"][-1]["file_id"]
        async with http.get(f"{demo.page_url}demo/files/{file_id}") as response:
            assert response.content_type == "image/png"
            assert (await response.read()).startswith(b"\x89PNG")
        async with http.get(f"{demo.page_url}demo/files/nope") as response:
            assert response.status == 404


async def test_stock_document_and_voice_as_replies(tmp_path: Path) -> None:
    options = DemoOptions(database=tmp_path / "demo.sqlite3", port=0)
    async with running_demo(options) as demo, aiohttp.ClientSession() as http:
        user = data.CUSTOMER.user_id
        await call(http, demo, f"sandbox/users/{user}/text", {"text": "/start"})
        hello = await wait_for_text(http, demo, user, "Hello, Maria")
        reply_to = {"reply_to": hello["message_id"]}

        sent = await call(
            http, demo, "demo/panes/customer/document", {"caption": "card", **reply_to}
        )
        message = sent["message"]
        assert message["document"]["file_name"] == "warranty-card.pdf"
        assert message["caption"] == "card"
        assert message["reply_to_message"]["text"] == hello["text"]
        async with http.get(f"{demo.page_url}demo/files/{message['document']['file_id']}") as got:
            assert got.content_type == "application/pdf"
            assert (await got.read()).startswith(b"%PDF-1.4")

        voice = (await call(http, demo, "demo/panes/customer/voice", reply_to))["message"]
        assert (
            voice["voice"]["duration"] == 2
            and voice["reply_to_message"]["message_id"] == (hello["message_id"])
        )
        async with http.get(f"{demo.page_url}demo/files/{voice['voice']['file_id']}") as got:
            assert got.content_type == "audio/wav"
            assert (await got.read())[:4] == b"RIFF"

        # The bot received both as Telegram replies to its greeting.
        chat = demo.sandbox.chat(user)
        card, recording = [m for m in chat.history if not m.from_bot][-2:]
        assert card.extra["reply_to_message"]["message_id"] == hello["message_id"]
        assert recording.voice is not None

        async with http.post(
            f"{demo.page_url}demo/panes/customer/document", json={"reply_to": 9999}
        ) as refused:
            assert refused.status == 400
            assert "no message 9999" in (await refused.json())["error"]
        async with http.post(f"{demo.page_url}demo/panes/customer/video", json={}) as unknown:
            assert unknown.status in (404, 405)
