"""The webhook HTTP endpoint, one for both runtimes.

Telegram waits for our answer before it sends the next update and retries on slow answers, so
the endpoint only checks and queues the update; a single worker feeds the runtime in arrival
order, which keeps the "one person's messages never race" guarantee of polling mode.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.runtimes.base import Runtime

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

_QUEUE: web.AppKey[asyncio.Queue[dict[str, Any]]] = web.AppKey("queue")
_WORKER: web.AppKey[asyncio.Task[None]] = web.AppKey("worker")


def webhook_app(
    runtime: Runtime,
    path: str,
    secret_token: str,
    extend: Callable[[web.Application], None] | None = None,
) -> web.Application:
    """Build the aiohttp app: ``POST path`` takes an update, anything without the secret is 403."""
    if not secret_token:
        raise ValueError("a webhook needs a secret token, or anyone could post fake updates")
    expected = secret_token.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook call without the right secret from %s", request.remote)
            return web.Response(status=403)
        try:
            payload = await request.json()
        except ValueError:
            return web.Response(status=400, text="body is not JSON")
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return web.Response(status=400, text="not a Telegram update")
        request.app[_QUEUE].put_nowait(payload)
        return web.Response()

    async def feed(queue: asyncio.Queue[dict[str, Any]]) -> None:
        while True:
            payload = await queue.get()
            try:
                await runtime.feed_webhook(payload)
            except Exception:
                log.exception("webhook update %s failed", payload.get("update_id"))
            finally:
                queue.task_done()

    async def start_worker(app: web.Application) -> None:
        app[_QUEUE] = asyncio.Queue()
        app[_WORKER] = asyncio.create_task(feed(app[_QUEUE]))

    async def stop_worker(app: web.Application) -> None:
        # Updates already acknowledged to Telegram will not be resent: finish them first.
        await app[_QUEUE].join()
        app[_WORKER].cancel()
        await asyncio.gather(app[_WORKER], return_exceptions=True)

    app = web.Application()
    app.router.add_post(path, receive)
    if extend is not None:  # more routes on the same server, e.g. /healthz and /metrics
        extend(app)
    app.on_startup.append(start_worker)
    app.on_cleanup.append(stop_worker)
    return app


async def serve_webhook(
    runtime: Runtime,
    host: str,
    port: int,
    path: str,
    secret_token: str,
    *,
    stop: asyncio.Event | None = None,
    extend: Callable[[web.Application], None] | None = None,
) -> None:
    """Serve the webhook until ``stop`` is set (or the task is cancelled), then close cleanly.

    Registering the URL with Telegram is separate (:func:`set_webhook`), because behind a proxy
    the public URL differs from ``host:port``.
    """
    runner = web.AppRunner(webhook_app(runtime, path, secret_token, extend))
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("webhook listening on %s:%s%s", host, port, path)
        await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()
        await runtime.close()
