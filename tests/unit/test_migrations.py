"""Migrations, on every backend: each revision upgrades, downgrades to exactly the schema
before it, and upgrades again (the "stairway"); and the migrated schema is what the models
declare, so a model changed without a migration fails here rather than in production.

The tests build schemas from nothing, in a scratch SQLite file or a scratch PostgreSQL
database beside the suite's own, which stays as the session migrated it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Column, Connection, MetaData, String, inspect

from storage.db import create_engine
from storage.migrate import alembic_config, upgrade_sync
from storage.models import Base
from tests.support import databases

T = TypeVar("T")
REVISIONS = list(reversed(list(ScriptDirectory.from_config(alembic_config("")).walk_revisions())))


@pytest.fixture(params=databases.BACKENDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A database with no tables at all. Sync on purpose: alembic's env.py runs its own loop."""
    if request.param == "sqlite":
        yield databases.sqlite_url(tmp_path / "scratch.sqlite3")
        return
    url = databases.scratch_postgres_url(databases.POSTGRES_URL)
    asyncio.run(databases.recreate_postgres_database(url))
    yield url
    asyncio.run(databases.drop_postgres_database(url))


def on_connection(url: str, work: Callable[[Connection], T]) -> T:
    async def run() -> T:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def schema(connection: Connection) -> dict[str, Any]:
    """What a migration can change, table by table, in a form that compares by value."""
    found = inspect(connection)
    return {
        table: {
            # Sorted: a downgrade that re-adds a dropped column can only append it (PostgreSQL
            # has no column positions), and the order means nothing to the code.
            "columns": sorted(
                (c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)
            ),
            "primary key": found.get_pk_constraint(table)["constrained_columns"],
            "indexes": sorted(
                (i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
                for i in found.get_indexes(table)
            ),
            "unique": sorted(
                tuple(u["column_names"]) for u in found.get_unique_constraints(table)
            ),
            "foreign keys": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in found.get_foreign_keys(table)
            ),
        }
        for table in sorted(found.get_table_names())
        if table != "alembic_version"
    }


# Expression indexes PostgreSQL rewrites beyond what alembic can compare (casts, ANY(ARRAY)):
# test_query_plans shows the migrated one serves its query instead.
EXPRESSION_INDEXES = {"ix_tickets_open_urgency"}


def compared(_item: Any, name: str | None, kind: str, *_rest: Any) -> bool:
    return not (kind == "index" and name in EXPRESSION_INDEXES)


def drift(connection: Connection, metadata: MetaData = Base.metadata) -> list[Any]:
    """Alembic's autogenerate diff: what a new migration would have to do."""
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            "include_object": compared,
        },
    )
    return list(compare_metadata(context, metadata))


@pytest.mark.parametrize("revision", REVISIONS, ids=lambda script: script.revision)
def test_stairway(empty_database: str, revision: Script) -> None:
    """Up to the revision, one step down to exactly the schema before it, and up again."""
    config = alembic_config(empty_database)
    previous = revision.down_revision
    assert previous is None or isinstance(previous, str), "one line of history, no merges"
    if previous is not None:
        command.upgrade(config, previous)
    before = on_connection(empty_database, schema)
    command.upgrade(config, revision.revision)
    after = on_connection(empty_database, schema)
    command.downgrade(config, previous or "base")
    assert on_connection(empty_database, schema) == before
    command.upgrade(config, revision.revision)
    assert on_connection(empty_database, schema) == after


def test_models_match_the_migrated_schema(empty_database: str) -> None:
    upgrade_sync(empty_database)
    assert on_connection(empty_database, drift) == []


def test_a_model_change_without_a_migration_is_seen(empty_database: str) -> None:
    """The comparison above is not vacuous: a column the migrations lack shows up."""
    upgrade_sync(empty_database)
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["people"].append_column(Column("nickname", String(50)))
    [(operation, *_)] = on_connection(empty_database, lambda c: drift(c, changed))
    assert operation == "add_column"


ROWS_BEFORE_0008 = (
    "INSERT INTO customers (id, name, needs_review, created_at) "
    "VALUES (1, 'Acme', FALSE, '2026-12-01 08:00:00')",
    "INSERT INTO tickets (id, kind, status, priority, description, customer_id, created_at, "
    "updated_at, sla_paused_seconds) VALUES (1, 'breakdown', 'new', 'normal', 'Leaks', 1, "
    "'2026-12-01 08:00:00', '2026-12-01 08:00:00', 0)",
    "INSERT INTO ticket_photos (id, ticket_id, file_id, added_at) "
    "VALUES (1, 1, 'photo-1', '2026-12-01 08:00:00')",
    "INSERT INTO ticket_events (id, ticket_id, at, kind, data) "
    "VALUES (1, 1, '2026-12-01 08:00:00', 'photo', '{}')",
    "INSERT INTO complaints (id, customer_id, ticket_id, text, created_at) "
    "VALUES (1, 1, 1, 'Slow', '2026-12-01 08:00:00')",
    "INSERT INTO outbox (id, chat_id, text, photo, kind, status, attempts, created_at, "
    "next_attempt_at) VALUES (1, 7, 'Look', 'photo-1', '', 'pending', 0, "
    "'2026-12-01 08:00:00', '2026-12-01 08:00:00')",
)


def test_a_database_with_rows_goes_up_and_down(empty_database: str) -> None:
    """Rebuilt tables keep their rows and the rows pointing at them (SQLite rebuilds a table
    to alter it, which a table other rows reference only survives with the foreign keys
    checked after, not during, the migration); photos become attachments and media."""
    config = alembic_config(empty_database)
    command.upgrade(config, "0007")

    def insert(connection: Connection) -> None:
        for statement in ROWS_BEFORE_0008:
            connection.exec_driver_sql(statement)
        connection.commit()

    def read(*queries: str) -> Callable[[Connection], list[list[Any]]]:
        def run(connection: Connection) -> list[list[Any]]:
            return [list(connection.exec_driver_sql(query).all()) for query in queries]

        return run

    on_connection(empty_database, insert)
    command.upgrade(config, "head")
    media, attachments, kinds, tickets = on_connection(
        empty_database,
        read(
            "SELECT media FROM outbox",
            "SELECT kind, file_id FROM ticket_attachments",
            "SELECT kind FROM ticket_events",
            "SELECT id, push_wave FROM tickets",
        ),
    )
    stored = media[0][0]
    assert (stored if isinstance(stored, list) else json.loads(stored)) == [
        {"kind": "photo", "file_id": "photo-1"}
    ]
    assert [tuple(row) for row in attachments] == [("photo", "photo-1")]
    assert [tuple(row) for row in kinds] == [("attachment",)]
    assert [tuple(row) for row in tickets] == [(1, 0)]

    command.downgrade(config, "0007")
    photos, files, kinds = on_connection(
        empty_database,
        read(
            "SELECT photo FROM outbox",
            "SELECT file_id FROM ticket_photos",
            "SELECT kind FROM ticket_events",
        ),
    )
    assert [[tuple(row) for row in rows] for rows in (photos, files, kinds)] == [
        [("photo-1",)],
        [("photo-1",)],
        [("photo",)],
    ]


CHECKS_BEFORE_0018 = (
    "INSERT INTO checklist_templates (id, name, kind, category) "
    "VALUES (1, 'Coffee', 'breakdown', 'coffee')",
    "INSERT INTO checklist_checks (id, template_id, position, names, type, unit, required) "
    """VALUES (1, 1, 1, '{"en": "Leak"}', 'yesno', '', TRUE)""",
    "INSERT INTO checklist_checks (id, template_id, position, names, type, unit, required) "
    """VALUES (2, 1, 2, '{"en": "Notes"}', 'text', '', FALSE)""",
    *(
        "INSERT INTO test_results (id, ticket_id, check_id, value_text, passed, measured_at) "
        f"VALUES ({n}, 1, {check}, '{value}', TRUE, '2026-12-01 08:00:00')"
        for n, (check, value) in enumerate(
            [(1, "Да!"), (1, " + "), (1, "No"), (1, "yes"), (1, "maybe"), (2, "да")], start=1
        )
    ),
)


def test_yes_no_values_kept_as_typed_are_normalised(empty_database: str) -> None:
    """0018: yes/no results stored as typed read "yes"/"no"; other values and notes stay; the
    new columns hold the old behaviour (no phrases, "yes" passes, nothing skipped)."""
    config = alembic_config(empty_database)
    command.upgrade(config, "0007")

    def insert(connection: Connection) -> None:
        for statement in (*ROWS_BEFORE_0008[:2], *CHECKS_BEFORE_0018):
            connection.exec_driver_sql(statement)
        connection.commit()

    def read(connection: Connection) -> tuple[list[Any], list[Any]]:
        values = connection.exec_driver_sql(
            "SELECT value_text, skipped FROM test_results ORDER BY id"
        ).all()
        checks = connection.exec_driver_sql(
            "SELECT pass_names, fail_names, passes_on_yes FROM checklist_checks ORDER BY id"
        ).all()
        return [tuple(row) for row in values], [tuple(row) for row in checks]

    on_connection(empty_database, insert)
    command.upgrade(config, "head")
    values, checks = on_connection(empty_database, read)
    assert [value for value, _ in values] == ["yes", "yes", "no", "yes", "maybe", "да"]
    assert not any(skipped for _, skipped in values)
    for pass_names, fail_names, passes_on_yes in checks:
        assert [json.loads(n) if isinstance(n, str) else n for n in (pass_names, fail_names)] == [
            {},
            {},
        ]
        assert passes_on_yes
