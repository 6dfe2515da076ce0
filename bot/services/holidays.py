"""Company holidays: imported (``fieldbot import holidays FILE.csv`` with ``date,name``) or
listed in ``FIELDBOT_HOLIDAYS``. Business-hours SLA clocks, visit slots, maintenance due dates
and visit reminders skip them (``Calendar.holidays``).

The days are read once per transaction and kept in the session's ``info``, so the many clocks
of one update cost one query.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services.business_hours import Calendar
from bot.services.import_rows import Row, RowError, date_cell, required
from storage.models import Holiday

CACHE = "fieldbot.holidays"


async def days(session: AsyncSession, settings: Settings) -> frozenset[date]:
    """Every company holiday: the imported ones and ``FIELDBOT_HOLIDAYS``."""
    cached = session.info.get(CACHE)
    if cached is None:
        imported = await session.scalars(select(Holiday.day))
        cached = frozenset(imported) | settings.holidays
        session.info[CACHE] = cached
    return frozenset(cached)


def forget(session: AsyncSession) -> None:
    """Drop the cached days after holidays changed in this transaction."""
    session.info.pop(CACHE, None)


async def name_of(session: AsyncSession, day: date) -> str:
    """The holiday's name ("" for one from ``FIELDBOT_HOLIDAYS`` or no holiday)."""
    holiday = await session.get(Holiday, day)
    return holiday.name if holiday is not None else ""


async def company_calendar(session: AsyncSession, settings: Settings) -> Calendar:
    """The company's working days and hours without its holidays: where visits may be made
    and reminders go out, whatever the contract's SLA clock counts in."""
    return Calendar(
        settings.tz, settings.business_hours, settings.business_days, await days(session, settings)
    )


async def import_holiday_row(session: AsyncSession, row: Row) -> None:
    """``date,name``: a re-imported day takes the new name."""
    required(row, "date")
    day = date_cell(row, "date")
    if day is None:
        raise RowError("'date' is empty")
    holiday = await session.get(Holiday, day)
    if holiday is None:
        holiday = Holiday(day=day)
        session.add(holiday)
    holiday.name = row.get("name", "").strip()
    await session.flush()
    forget(session)
