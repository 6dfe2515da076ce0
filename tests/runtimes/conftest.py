"""Fixtures for driving both runtimes against the sandbox Bot API over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.runtimes.factory import create_runtime
from bot.sandbox import SandboxServer
from tests.support.sandbox import RUNTIME_CLASSES, EchoBot, Running


@pytest.fixture(params=sorted(RUNTIME_CLASSES))
def runtime_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def echo() -> EchoBot:
    return EchoBot()


@pytest.fixture
def token(sandbox: SandboxServer) -> str:
    token = sandbox.make_token()
    sandbox.bot(token)  # so simulated users know which bot they talk to before it connects
    return token


@pytest.fixture
async def loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """Whatever asyncio reports to the loop's exception handler, e.g. unclosed sessions."""
    errors: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    yield errors
    loop.set_exception_handler(previous)


@pytest.fixture
def make_running(
    sandbox: SandboxServer, runtime_name: str, echo: EchoBot, token: str
) -> Callable[[], Running]:
    def make() -> Running:
        runtime = create_runtime(runtime_name, token, echo, sandbox.base_url)
        return Running(runtime_name, runtime, sandbox, echo, token)

    return make


@pytest.fixture
async def running(make_running: Callable[[], Running]) -> AsyncIterator[Running]:
    bot = make_running()
    await bot.start()
    yield bot
    await bot.finish()
