"""The webhook HTTP endpoint, one for both runtimes.

The endpoint checks the update and stores it (the inbox, :mod:`bot.inbox`) before it answers
200: Telegram does not resend an update it saw acknowledged, so a process killed after the
answer must find it in the database. Handling happens elsewhere (the inbox workers, in any
process), which keeps the answer fast; a failed store is a 500, and Telegram tries again.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable

from aiohttp import web

from bot.runtimes.base import Runtime
from bot.runtimes.bot_api import Store

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(
    store: Store,
    path: str,
    secret_token: str,
    extend: Callable[[web.Application], None] | None = None,
) -> web.Application:
    """Build the aiohttp app: ``POST path`` stores an update, anything without the secret is
    403; ``extend`` adds more routes on the same server (e.g. /healthz and /metrics)."""
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
        try:
            await store([payload])
        except Exception:
            log.exception("could not store webhook update %s", payload["update_id"])
            return web.Response(status=500)
        return web.Response()

    app = web.Application()
    app.router.add_post(path, receive)
    if extend is not None:
        extend(app)
    return app


async def serve_webhook(
    runtime: Runtime,
    store: Store,
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
    runner = web.AppRunner(webhook_app(store, path, secret_token, extend))
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("webhook listening on %s:%s%s", host, port, path)
        await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()
        await runtime.close()
