"""``GET /healthz`` and ``GET /metrics``: on the webhook server, or on a listener of their own
in polling mode (``FIELDBOT_METRICS_PORT``)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from bot.ops.metrics import exposition
from storage.db import Database

log = logging.getLogger(__name__)


def add_ops_routes(app: web.Application, db: Database) -> None:
    """Add the two routes to an aiohttp app (the webhook's, or :func:`serve_ops`'s)."""

    async def healthz(_request: web.Request) -> web.Response:
        try:
            async with db.transaction() as session:
                await session.execute(text("SELECT 1"))
        except Exception as error:
            log.warning("health check: the database does not answer: %s", error)
            return web.Response(status=503, text="database unavailable\n")
        return web.Response(text="ok\n")

    async def metrics(_request: web.Request) -> web.Response:
        body = await exposition(db)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)


async def serve_ops(db: Database, host: str, port: int, stop: asyncio.Event) -> None:
    """The polling mode's small listener, until ``stop`` is set."""
    app = web.Application()
    add_ops_routes(app, db)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("health and metrics on %s:%s", host, port)
        await stop.wait()
    finally:
        await runner.cleanup()
