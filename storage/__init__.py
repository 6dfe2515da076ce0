"""Persistence: the tables, the engine and the migrations; no queries, no rules.

- ``models``: the SQLAlchemy models, named for PRODUCT.md's objects (customers, equipment,
  people, tickets and their timeline, checklists, parts and stock, feedback, complaints) plus
  the machinery other layers keep in the database so that every process shares it: dialog
  state, handled update ids, the outbox, leases, periodic job runs, alerts sent once and
  maintenance dates claimed once. Enums are stored as plain strings.
- ``types``: column types that behave the same on SQLite and PostgreSQL (aware UTC times).
- ``db``: the engine tuned per backend and one transaction per unit of work.
- ``migrate`` and ``migrations/``: Alembic, driven from code. The models and the migrated
  schema are compared in the tests, so a model change needs a migration.

Queries and business rules live in ``bot/services``; nothing here imports from above.
"""
