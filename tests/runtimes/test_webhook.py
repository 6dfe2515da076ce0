"""The shared webhook endpoint, with aiohttp's test client and a recording store."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import cast

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.runner import Webhook
from bot.runtimes.base import Runtime
from bot.runtimes.webhook import SECRET_HEADER, serve_webhook, webhook_app
from tests.support.recording import RecordingRuntime, RecordingStore

SECRET = "s3cret-token_1"
PATH = "/telegram/webhook"


@pytest.fixture
def store() -> RecordingStore:
    return RecordingStore()


@pytest.fixture
async def client(store: RecordingStore) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(webhook_app(store, PATH, SECRET))) as client:
        yield client


def update(update_id: int) -> dict[str, object]:
    return {"update_id": update_id, "message": {"message_id": 1, "text": "hi"}}


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ""}])
async def test_wrong_or_missing_secret_is_refused(
    client: TestClient, store: RecordingStore, headers: dict[str, str]
) -> None:
    response = await client.post(PATH, json=update(1), headers=headers)
    assert response.status == 403
    assert store.stored == []


async def test_an_update_is_stored_before_it_is_acknowledged(
    client: TestClient, store: RecordingStore
) -> None:
    for update_id in (7, 8):
        response = await client.post(PATH, json=update(update_id), headers={SECRET_HEADER: SECRET})
        assert response.status == 200
        assert store.stored[-1] == update(update_id)  # already there when Telegram hears 200


async def test_an_update_that_cannot_be_stored_is_not_acknowledged(
    client: TestClient, store: RecordingStore
) -> None:
    store.broken = True
    response = await client.post(PATH, json=update(9), headers={SECRET_HEADER: SECRET})
    assert response.status == 500  # Telegram sends it again later
    assert store.stored == []


async def test_not_an_update_is_a_bad_request(client: TestClient, store: RecordingStore) -> None:
    headers = {SECRET_HEADER: SECRET}
    assert (await client.post(PATH, data=b"{nope", headers=headers)).status == 400
    assert (await client.post(PATH, json=[1, 2], headers=headers)).status == 400
    assert (await client.post(PATH, json={"message": {}}, headers=headers)).status == 400
    assert store.stored == []


def test_a_secret_is_required(store: RecordingStore) -> None:
    with pytest.raises(ValueError, match="secret"):
        webhook_app(store, PATH, "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("url", "path", "listens"),
    [
        ("https://bot.example.com/tg/hook", None, "/tg/hook"),
        ("https://bot.example.com", None, "/webhook"),
        ("https://bot.example.com/public/x", "/internal/y", "/internal/y"),
    ],
)
def test_listens_on_the_path_of_the_url_unless_told(
    url: str, path: str | None, listens: str
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        webhook_url=url,
        webhook_secret=SECRET,  # type: ignore[arg-type]
        webhook_path=path,
    )
    webhook = Webhook.from_settings(settings)
    assert webhook is not None and webhook.path == listens


async def test_serve_webhook_until_stopped_then_closes_the_runtime(store: RecordingStore) -> None:
    runtime, stop, port = RecordingRuntime(), asyncio.Event(), free_port()
    server = asyncio.create_task(
        serve_webhook(cast(Runtime, runtime), store, "127.0.0.1", port, PATH, SECRET, stop=stop)
    )
    url = f"http://127.0.0.1:{port}{PATH}"
    async with aiohttp.ClientSession() as http:
        for _ in range(50):  # wait for the socket
            try:
                async with http.post(url, json=update(5), headers={SECRET_HEADER: SECRET}) as r:
                    assert r.status == 200
                    break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
    assert store.stored == [update(5)]
    stop.set()
    await asyncio.wait_for(server, 5)
    assert runtime.closed
