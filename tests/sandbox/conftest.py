"""Fixtures: the sandbox knowing the bot ``TOKEN``, and real aiogram / python-telegram-bot
clients of it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import telegram
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.sandbox import SandboxServer
from tests.support.sandbox import TOKEN


@pytest.fixture
def sandbox(sandbox: SandboxServer) -> SandboxServer:
    sandbox.bot(TOKEN)
    return sandbox


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
