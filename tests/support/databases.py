"""Test databases: a migrated SQLite file per test, and PostgreSQL when configured; reaching
and counting what a test stored.

Migrations run once per session (so every run also proves they apply); each test then gets
a copy of the migrated SQLite file, or a truncated PostgreSQL schema.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import func, make_url, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import App
from storage.db import Database
from storage.migrate import upgrade_sync
from storage.models import Base

POSTGRES_URL = os.environ.get("FIELDBOT_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def migrated_sqlite_template(folder: Path) -> Path:
    template = folder / "template.sqlite3"
    upgrade_sync(sqlite_url(template))
    return template


def fresh_sqlite(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return sqlite_url(target)


async def reset_postgres_schema(url: str) -> None:
    """Drop everything, so the session's migration starts from nothing."""
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def truncate_postgres(url: str) -> None:
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


def scratch_postgres_url(url: str) -> str:
    """A database beside the suite's own (``<name>_scratch`` on the same server), for tests
    that build a schema from nothing without disturbing the session's migrated one."""
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_scratch").render_as_string(hide_password=False)


async def _on_server(url: str, *statements: str) -> None:
    """Run statements about the database ``url`` names from the server's ``postgres``
    database: a database cannot be dropped from inside itself, nor in a transaction."""
    engine = create_async_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    async with engine.connect() as connection:
        for statement in statements:
            await connection.execute(text(statement))
    await engine.dispose()


async def recreate_postgres_database(url: str) -> None:
    name = make_url(url).database
    await _on_server(url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')


async def drop_postgres_database(url: str) -> None:
    await _on_server(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}"')


def database(where: App | Database) -> Database:
    """The app's database, or the one given (the delivery tests have no app)."""
    return where.db if isinstance(where, App) else where


async def count(app: App, model: type) -> int:
    """How many rows of ``model`` there are."""
    async with app.db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0
