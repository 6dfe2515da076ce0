"""Assembles the application from settings. Tests and production build it the same way."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.core.clock import Clock
from bot.core.engine import Engine
from bot.core.i18n import Catalogs
from bot.services.people import identify
from handlers import build_router
from storage.db import Database


@dataclass
class App:
    settings: Settings
    db: Database
    catalogs: Catalogs
    engine: Engine

    async def close(self) -> None:
        await self.db.dispose()


def create_app(settings: Settings, clock: Clock | None = None) -> App:
    db = Database(settings.database_url)
    catalogs = Catalogs(settings.tz, settings.default_locale)
    engine = Engine(db, build_router(), identify, settings, catalogs, clock)
    return App(settings, db, catalogs, engine)
