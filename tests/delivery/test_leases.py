"""Leases: one holder at a time, renewal, expiry and takeover, release."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.services import leases
from storage.db import Database

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
TTL = timedelta(seconds=30)


async def acquire(db: Database, holder: str, at: datetime, name: str = "job") -> bool:
    async with db.transaction() as session:
        return await leases.acquire(session, name, holder, TTL, at)


async def holder(db: Database, at: datetime, name: str = "job") -> str | None:
    async with db.transaction() as session:
        return await leases.holder_of(session, name, at)


async def test_only_one_holder_until_expiry_then_takeover(db: Database) -> None:
    assert await acquire(db, "a", T0)
    assert not await acquire(db, "b", T0 + timedelta(seconds=10))
    assert await acquire(db, "a", T0 + timedelta(seconds=20))  # renewal moves the expiry
    assert not await acquire(db, "b", T0 + timedelta(seconds=40))
    assert await holder(db, T0 + timedelta(seconds=49)) == "a"
    assert await acquire(db, "b", T0 + timedelta(seconds=50))  # expired: taken over
    assert await holder(db, T0 + timedelta(seconds=51)) == "b"
    assert not await acquire(db, "a", T0 + timedelta(seconds=51))


async def test_leases_are_independent_by_name(db: Database) -> None:
    assert await acquire(db, "a", T0, name="one")
    assert await acquire(db, "b", T0, name="two")


async def test_release_frees_it_for_others_at_once(db: Database) -> None:
    assert await acquire(db, "a", T0)
    async with db.transaction() as session:
        assert not await leases.release(session, "job", "b")  # not b's to release
        assert await leases.release(session, "job", "a")
    assert await holder(db, T0) is None
    assert await acquire(db, "b", T0 + timedelta(seconds=1))


async def test_concurrent_contenders_from_two_engines_get_one_lease(
    db: Database, other_db: Database
) -> None:
    for round_number in range(5):
        at = T0 + timedelta(minutes=round_number)  # the previous round's lease has expired
        results = await asyncio.gather(
            acquire(db, f"a{round_number}", at), acquire(other_db, f"b{round_number}", at)
        )
        assert sorted(results) == [False, True]
