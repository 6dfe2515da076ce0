"""Group commit: one write for the callers that queued during the previous one."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from storage.group_commit import GroupCommit


async def test_callers_arriving_during_a_write_share_the_next_one() -> None:
    writes: list[list[int]] = []
    gate = asyncio.Event()

    async def write(items: Sequence[int]) -> None:
        writes.append(list(items))
        if len(writes) == 1:
            await gate.wait()

    group = GroupCommit(write)
    first = asyncio.create_task(group.add(1))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rest = [asyncio.create_task(group.add(n)) for n in (2, 3, 4)]
    await asyncio.sleep(0)
    assert not first.done() and not any(task.done() for task in rest)
    gate.set()
    await asyncio.gather(first, *rest)
    assert writes == [[1], [2, 3, 4]]
    await group.add(5)  # alone: written at once, no timer
    assert writes[-1] == [5]


async def test_a_failed_write_fails_its_callers_only() -> None:
    async def write(items: Sequence[int]) -> None:
        if 0 in items:
            raise RuntimeError("disk full")

    group = GroupCommit(write)
    with pytest.raises(RuntimeError, match="disk full"):
        await group.add(0)
    await group.add(1)  # the next batch is written as usual
