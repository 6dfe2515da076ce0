"""``GET /healthz`` and ``GET /metrics``: on a listener of their own beside polling
(``FIELDBOT_METRICS_PORT``), and on the webhook's server. After some traffic the counters say
what happened: updates by kind and outcome, handling time, outbox deliveries and 429s,
scheduler runs, and the outbox backlog read from the database."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.app import App
from bot.ops.http import add_ops_routes
from bot.runner import running_bot
from bot.runtimes.factory import create_runtime
from bot.runtimes.webhook import webhook_app
from bot.sandbox import SandboxServer
from bot.services.outbox import enqueue, messages
from tests.support.delivery import FAST
from tests.support.recording import RecordingStore

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(found: Samples, name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    return sum(
        value
        for (sample, sample_labels), value in found.items()
        if sample == name and set(labels.items()) <= set(sample_labels)
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def scrape(http: aiohttp.ClientSession, base: str) -> Samples:
    for _ in range(100):  # the listener starts beside the bot
        try:
            async with http.get(f"{base}/metrics") as response:
                assert response.status == 200
                assert response.content_type == "text/plain"
                return samples(await response.text())
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    raise AssertionError("the metrics listener never answered")


async def test_polling_bot_serves_health_and_metrics_that_count_its_traffic(app: App) -> None:
    port = free_port()
    app.settings.metrics_port = port
    base = f"http://127.0.0.1:{port}"
    async with SandboxServer() as sandbox, aiohttp.ClientSession() as http:
        token = sandbox.make_token()
        sandbox.bot(token)
        runtime = create_runtime("aiogram", token, app.engine.handle, sandbox.base_url)
        async with running_bot(app, runtime, delivery=FAST) as bot:
            before = await scrape(http, base)
            managers = sandbox.group(-100424242, "Service managers", bot_is_admin=True)
            # Nothing else is sending yet: the 429 is the outbox's.
            sandbox.faults.fail_next("429", methods=["sendMessage"], retry_after=1)
            async with app.db.transaction() as session:
                await enqueue(
                    session, messages(managers.chat_id, "Ticket #1 is late", datetime.now(UTC))
                )
            await managers.wait_for("Ticket #1 is late")
            await bot.outbox_settled()
            maria = sandbox.user(4242, "Maria", language_code="en")
            maria.send_command("/start")
            await maria.wait_for()
            await bot.outbox_settled()  # the rest of the answer, queued with the update
            after = await scrape(http, base)
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200 and await response.text() == "ok\n"

    def grew(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    assert grew("fieldbot_updates_total", outcome="ok") >= 1
    assert grew("fieldbot_update_handling_seconds_count") >= 1
    assert grew("fieldbot_outbox_sent_total") >= 2  # the alert, and Maria's answer (queued)
    assert grew("fieldbot_outbox_429_total") == 1
    assert total(after, "fieldbot_scheduler_runs_total", outcome="ok") >= 1
    assert total(after, "fieldbot_outbox_backlog") == 0
    assert total(after, "fieldbot_inbox_backlog") == 0 and total(after, "fieldbot_inbox_dead") == 0
    assert total(after, "fieldbot_outbox_oldest_seconds") == 0
    assert ("fieldbot_outbox_dead_letters_total", ()) in after


async def test_the_webhook_server_answers_health_and_metrics_beside_updates(app: App) -> None:
    server = webhook_app(
        RecordingStore(),
        "/hook",
        "s3cret",
        extend=lambda web_app: add_ops_routes(web_app, app.db),
    )
    async with TestClient(TestServer(server)) as client:
        health = await client.get("/healthz")
        assert health.status == 200
        metrics = await client.get("/metrics")
        assert metrics.status == 200
        assert total(samples(await metrics.text()), "fieldbot_outbox_backlog") == 0
        assert (await client.post("/hook", json={})).status == 403  # the webhook is still there
