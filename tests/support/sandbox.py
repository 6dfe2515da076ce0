"""Driving the sandbox Bot API: raw calls with a known bot token, both runtimes, the toy echo
handler they run in the runtime tests, and checks that a runtime leaves nothing open."""

from __future__ import annotations

import asyncio
import gc
import warnings
import weakref
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.core.events import EventKind, Incoming
from bot.core.replies import (
    AnswerCallback,
    Button,
    Edit,
    ForceReply,
    KeyButton,
    RemoveKeyboard,
    Reply,
    ReplyKeyboard,
    Send,
    inline,
)
from bot.runtimes.aiogram_runtime import AiogramRuntime
from bot.runtimes.base import Runtime
from bot.runtimes.ptb_runtime import PtbRuntime
from bot.sandbox import SandboxServer

TOKEN = "123456:SANDBOX-TEST"
BOT_ID = 123456
RUNTIME_CLASSES: dict[str, type[AiogramRuntime | PtbRuntime]] = {
    "aiogram": AiogramRuntime,
    "ptb": PtbRuntime,
}
REPORT_PDF = b"%PDF-1.4 fieldbot test report"


class EchoBot:
    """A toy handler that exercises every reply kind and records what it was given."""

    def __init__(self) -> None:
        self.seen: list[Incoming] = []
        self.slow_started = asyncio.Event()
        self.slow_seconds = 0.5

    def kinds(self) -> list[EventKind]:
        return [incoming.kind for incoming in self.seen]

    async def __call__(self, incoming: Incoming) -> list[Reply]:
        self.seen.append(incoming)
        chat = incoming.chat_id
        match incoming.kind:
            case EventKind.COMMAND:
                return await self._command(incoming)
            case EventKind.CALLBACK:
                assert incoming.callback_id is not None and incoming.message_id is not None
                data = incoming.callback_data
                return [
                    AnswerCallback(incoming.callback_id, text=f"got {data}"),
                    Edit(chat, incoming.message_id, f"picked {data}"),
                ]
            case EventKind.CONTACT:
                assert incoming.contact is not None
                return [Send(chat, f"phone {incoming.contact.phone}", markup=RemoveKeyboard())]
            case EventKind.LOCATION:
                assert incoming.location is not None
                where = f"{incoming.location.latitude},{incoming.location.longitude}"
                return [Send(chat, f"location {where}")]
            case EventKind.ATTACHMENT:
                return [Send(chat, "nice photo", media=incoming.attachments)]
        return [Send(chat, f"echo: {incoming.text}")]

    async def _command(self, incoming: Incoming) -> list[Reply]:
        chat = incoming.chat_id
        match incoming.command:
            case "menu":
                buttons = inline(
                    [Button("Yes", data="answer:yes"), Button("No", data="answer:no")],
                    [Button("Manual", url="https://example.com/manual")],
                )
                return [Send(chat, "pick one", markup=buttons)]
            case "phone":
                keys = ReplyKeyboard(
                    (
                        (KeyButton("Share phone", request_contact=True),),
                        (KeyButton("Share location", request_location=True),),
                    )
                )
                return [Send(chat, "share please", markup=keys)]
            case "keys":
                main = ReplyKeyboard(
                    ((KeyButton("Report"), KeyButton("Status")),),
                    one_time=False,
                    persistent=True,
                    placeholder="Pick or type",
                )
                return [Send(chat, "your menu", markup=main)]
            case "ask":
                return [Send(chat, "what is the reason?", markup=ForceReply("Reason"))]
            case "doc":
                return [Send(chat, "your report", document=REPORT_PDF, document_name="r.pdf")]
            case "boom":
                raise RuntimeError("handler bug")
            case "long":
                return [Send(chat, "x" * 5000), Send(chat, "after the long one")]
            case "slow":
                self.slow_started.set()
                await asyncio.sleep(self.slow_seconds)
                return [Send(chat, "slow done")]
        return [Send(chat, f"command {incoming.command} args={incoming.args!r}")]


@dataclass
class Running:
    """A runtime polling the sandbox in a background task."""

    name: str
    runtime: Runtime
    sandbox: SandboxServer
    echo: EchoBot
    token: str
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.runtime.run(self.stop))

    async def finish(self, timeout: float = 10) -> None:  # noqa: ASYNC109
        self.stop.set()
        assert self.task is not None
        await asyncio.wait_for(self.task, timeout)


def assert_released_cleanly(runtime: weakref.ref[Any], loop_errors: list[dict[str, Any]]) -> None:
    """Collect the dropped runtime and check it left no open HTTP session or socket behind.

    aiohttp reports "Unclosed client session" through the loop's exception handler and asyncio
    transports warn with ResourceWarning, both only when the objects are garbage collected.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        gc.collect()
    assert runtime() is None, "the runtime is still referenced, so nothing was checked"
    unclosed = [e["message"] for e in loop_errors if "Unclosed" in str(e.get("message"))]
    assert not unclosed, unclosed
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaked, leaked


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
