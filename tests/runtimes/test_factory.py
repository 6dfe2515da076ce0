"""create_runtime picks the framework by name."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.core.events import Incoming
from bot.core.replies import Reply
from bot.runtimes.aiogram_runtime import AiogramRuntime
from bot.runtimes.factory import create_runtime
from bot.runtimes.ptb_runtime import PtbRuntime

TOKEN = "123456:TEST-token"


async def handler(incoming: Incoming) -> Sequence[Reply]:
    return []


@pytest.mark.parametrize(
    ("name", "cls"),
    [("aiogram", AiogramRuntime), ("", AiogramRuntime), ("PTB", PtbRuntime), ("ptb", PtbRuntime)],
)
async def test_known_names(name: str, cls: type[AiogramRuntime | PtbRuntime]) -> None:
    runtime = create_runtime(name, TOKEN, handler, "http://127.0.0.1:1")
    try:
        assert isinstance(runtime, cls)
        assert runtime.name == cls.name
    finally:
        await runtime.close()


def test_unknown_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"unknown runtime 'telethon'.*aiogram, ptb"):
        create_runtime("telethon", TOKEN, handler, None)
