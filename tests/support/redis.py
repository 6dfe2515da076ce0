"""The real Redis for tests of the shared flood budget: database 1 of the local server (or
``FIELDBOT_TEST_REDIS_URL``), each test under a prefix of its own, removed afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

REDIS_URL = os.environ.get("FIELDBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


@asynccontextmanager
async def redis_prefix() -> AsyncIterator[str]:
    """A fresh key prefix; every key under it is deleted when the block ends."""
    prefix = f"fieldbot-test:{uuid.uuid4().hex[:12]}:"
    try:
        yield prefix
    finally:
        client = Redis.from_url(REDIS_URL)
        try:
            keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()
