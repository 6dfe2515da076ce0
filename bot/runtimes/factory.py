"""Choose a runtime by name, so configuration, not code, decides which framework runs."""

from __future__ import annotations

from bot.runtimes.base import Runtime, UpdateHandler

RUNTIMES = ("aiogram", "ptb")
DEFAULT_RUNTIME = "aiogram"


def create_runtime(
    name: str, token: str, handler: UpdateHandler, api_base_url: str | None = None
) -> Runtime:
    """Build the named runtime; the framework is imported only when it is chosen."""
    key = (name or DEFAULT_RUNTIME).strip().lower()
    if key == "aiogram":
        from bot.runtimes.aiogram_runtime import AiogramRuntime

        return AiogramRuntime(token, handler, api_base_url)
    if key == "ptb":
        from bot.runtimes.ptb_runtime import PtbRuntime

        return PtbRuntime(token, handler, api_base_url)
    raise ValueError(f"unknown runtime {name!r}: choose one of {', '.join(RUNTIMES)}")
