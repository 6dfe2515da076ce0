"""Fixtures: a sandbox per test on a free port, and real aiogram / python-telegram-bot clients."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import telegram
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.sandbox import SandboxServer

TOKEN = "123456:SANDBOX-TEST"
BOT_ID = 123456


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with SandboxServer() as server:
        server.bot(TOKEN)
        yield server


@pytest.fixture
async def aiogram_bot(sandbox: SandboxServer) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(sandbox.base_url))
    bot = Bot(TOKEN, session=session)
    yield bot
    await bot.session.close()


@pytest.fixture
async def ptb_bot(sandbox: SandboxServer) -> AsyncIterator[telegram.Bot]:
    bot = telegram.Bot(
        TOKEN,
        base_url=f"{sandbox.base_url}/bot",
        base_file_url=f"{sandbox.base_url}/file/bot",
    )
    async with bot:
        yield bot


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def api(
    http: aiohttp.ClientSession,
    sandbox: SandboxServer,
    method: str,
    token: str = TOKEN,
    **params: Any,
) -> tuple[int, dict[str, Any]]:
    """A raw Bot API call with a JSON body; returns the HTTP status and the decoded answer."""
    async with http.post(f"{sandbox.base_url}/bot{token}/{method}", json=params) as response:
        return response.status, await response.json()
