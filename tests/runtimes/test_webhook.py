"""The shared webhook endpoint, with aiohttp's test client and a recording runtime."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core.replies import Reply
from bot.runtimes.webhook import SECRET_HEADER, serve_webhook, webhook_app

SECRET = "s3cret-token_1"
PATH = "/telegram/webhook"


class RecordingRuntime:
    name = "recording"

    def __init__(self, delay: float = 0.0) -> None:
        self.fed: asyncio.Queue[dict[str, object]] = asyncio.Queue()
        self.order: list[object] = []
        self.delay = delay
        self.closed = False
        self.webhook: tuple[str, str] | None = None

    async def execute(self, reply: Reply) -> int | None:
        return None

    async def run(self, stop: asyncio.Event) -> None:
        await stop.wait()

    async def feed_webhook(self, payload: dict[str, object]) -> None:
        await asyncio.sleep(self.delay)
        self.order.append(payload["update_id"])
        await self.fed.put(payload)

    async def close(self) -> None:
        self.closed = True

    async def set_webhook(self, url: str, secret_token: str) -> None:
        self.webhook = (url, secret_token)


@pytest.fixture
async def runtime() -> RecordingRuntime:
    return RecordingRuntime()


@pytest.fixture
async def client(runtime: RecordingRuntime) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(webhook_app(runtime, PATH, SECRET))) as client:
        yield client


def update(update_id: int) -> dict[str, object]:
    return {"update_id": update_id, "message": {"message_id": 1, "text": "hi"}}


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ""}])
async def test_wrong_or_missing_secret_is_refused(
    client: TestClient,
    runtime: RecordingRuntime,
    headers: dict[str, str],
) -> None:
    response = await client.post(PATH, json=update(1), headers=headers)
    assert response.status == 403
    await asyncio.sleep(0.05)
    assert runtime.fed.empty()


async def test_right_secret_reaches_the_runtime(
    client: TestClient,
    runtime: RecordingRuntime,
) -> None:
    response = await client.post(PATH, json=update(7), headers={SECRET_HEADER: SECRET})
    assert response.status == 200
    assert await asyncio.wait_for(runtime.fed.get(), 2) == update(7)


async def test_not_an_update_is_a_bad_request(client: TestClient) -> None:
    headers = {SECRET_HEADER: SECRET}
    assert (await client.post(PATH, data=b"{nope", headers=headers)).status == 400
    assert (await client.post(PATH, json=[1, 2], headers=headers)).status == 400
    assert (await client.post(PATH, json={"message": {}}, headers=headers)).status == 400


async def test_answers_before_processing_and_keeps_arrival_order() -> None:
    runtime = RecordingRuntime(delay=0.2)
    async with TestClient(TestServer(webhook_app(runtime, PATH, SECRET))) as client:
        loop = asyncio.get_running_loop()
        started = loop.time()
        for update_id in range(1, 4):
            response = await client.post(
                PATH, json=update(update_id), headers={SECRET_HEADER: SECRET}
            )
            assert response.status == 200
        assert loop.time() - started < 0.2  # nobody waited for the slow runtime
    # Leaving the client ran the app's cleanup, which drains the queue first.
    assert runtime.order == [1, 2, 3]


def test_a_secret_is_required() -> None:
    with pytest.raises(ValueError, match="secret"):
        webhook_app(RecordingRuntime(), PATH, "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_serve_webhook_until_stopped_then_closes_the_runtime() -> None:
    runtime, stop, port = RecordingRuntime(), asyncio.Event(), free_port()
    server = asyncio.create_task(
        serve_webhook(runtime, "127.0.0.1", port, PATH, SECRET, stop=stop)
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
    assert await asyncio.wait_for(runtime.fed.get(), 2) == update(5)
    stop.set()
    await asyncio.wait_for(server, 5)
    assert runtime.closed
