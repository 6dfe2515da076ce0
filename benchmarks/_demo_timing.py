"""What the demo benchmarks share: the demo started in process on a throwaway SQLite file,
the command line they take, one message timed from its send until its answer shows, and the
percentiles printed the same way."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.demo.run import Demo, DemoOptions, running_demo


def arguments(doc: str, messages: int, gap: float) -> argparse.Namespace:
    """``--messages``, ``--runtime`` and ``--gap``, with the script's defaults."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--messages", type=int, default=messages)
    parser.add_argument("--runtime", choices=("aiogram", "ptb"), default="aiogram")
    parser.add_argument("--gap", type=float, default=gap, help="seconds between messages")
    return parser.parse_args()


@asynccontextmanager
async def demo(runtime: str) -> AsyncIterator[Demo]:
    """``fieldbot demo`` running in process with ``runtime``, on a database thrown away after."""
    with tempfile.TemporaryDirectory() as folder:
        options = DemoOptions(database=Path(folder) / "demo.sqlite3", runtime=runtime, port=0)
        async with running_demo(options) as running:
            yield running


async def timed(gap: float, send: Callable[[], object], answered: Awaitable[object]) -> float:
    """Seconds from ``send()`` until ``answered`` is, after ``gap`` seconds of quiet: Telegram
    allows one message a second to a chat, so a message sooner than that after the last one
    would wait for it, which is the limit, not the delay."""
    await asyncio.sleep(gap)
    started = time.monotonic()
    send()
    await answered
    return time.monotonic() - started


def report(heading: str, delays: list[float]) -> None:
    """The median, 90th percentile and maximum of ``delays``, in milliseconds."""
    delays = sorted(delays)
    print(heading)
    print(f"  median {statistics.median(delays) * 1000:.0f} ms")
    print(f"  p90    {delays[int(len(delays) * 0.9) - 1] * 1000:.0f} ms")
    print(f"  max    {delays[-1] * 1000:.0f} ms")
