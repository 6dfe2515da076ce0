"""The company's time zone in the suite's settings, and moments in it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SOFIA = ZoneInfo("Europe/Sofia")


def local(*args: int) -> datetime:
    """``datetime(*args)`` on Sofia's clock."""
    return datetime(*args, tzinfo=SOFIA)  # type: ignore[arg-type, misc]
