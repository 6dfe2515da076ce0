"""``fieldbot stickers [--customer REF] [--serial S ...] -o FILE.pdf``: a sheet of QR stickers
to print and put on the machines."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings
from bot.papers import stickers
from storage.migrate import upgrade


async def _labels(
    settings: Settings, customer: str | None, serials: Sequence[str]
) -> tuple[str | None, list[stickers.Sticker]]:
    """The bot's username and the stickers to print."""
    from bot.cli import _bot_username
    from bot.services import equipment
    from storage.db import Database

    username = settings.bot_username or await _bot_username(settings)
    if not username:
        return None, []
    await upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            items = await equipment.for_stickers(session, customer, serials)
            labels = [stickers.Sticker(item.model.name, item.serial) for item in items]
    finally:
        await db.dispose()
    return username, labels


def run_stickers(
    settings: Settings, customer: str | None, serials: Sequence[str], out: Path
) -> int:
    username, labels = asyncio.run(_labels(settings, customer, serials))
    if not username:
        print("stickers need the bot's username: set FIELDBOT_BOT_USERNAME", file=sys.stderr)
        return 2
    missing = sorted(set(serials) - {label.serial for label in labels})
    for serial in missing:
        print(f"no equipment with serial {serial!r}", file=sys.stderr)
    if not labels:
        print("no equipment to print stickers for", file=sys.stderr)
        return 1
    out.write_bytes(
        stickers.render(labels, username, settings.company_phone, settings.company_name)
    )
    print(f"{len(labels)} stickers written to {out}")
    return 1 if missing else 0
