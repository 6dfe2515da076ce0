"""scale indexes

Every interactive path bounded by what it shows (issue 11): the reports over a period by the
time they are about, the outbox claim in its order, the reopened tickets without reading every
event, pruning of processed updates; and a change time on the fuzzy catalogs (parts, equipment
models), so every process sees when its prepared catalog is stale.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_tickets_created_at", "tickets", ["created_at"]),
    ("ix_tickets_closed_at", "tickets", ["closed_at"]),
    ("ix_tickets_resolved_at", "tickets", ["resolved_at"]),
    ("ix_tickets_resolution_due", "tickets", ["resolution_due"]),
    ("ix_ticket_events_kind_ticket", "ticket_events", ["kind", "ticket_id"]),
    ("ix_feedback_created_at", "feedback", ["created_at"]),
    ("ix_complaints_created_at", "complaints", ["created_at"]),
    ("ix_processed_updates_processed_at", "processed_updates", ["processed_at"]),
    ("ix_outbox_status_id", "outbox", ["status", "id"]),
]
CATALOGS = ["parts", "equipment_models"]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    for table in CATALOGS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(
                    "updated_at",
                    sa.DateTime(timezone=True),
                    nullable=False,
                    server_default=sa.func.current_timestamp(),
                )
            )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("updated_at", server_default=None)
        op.create_index(f"ix_{table}_updated_at", table, ["updated_at"])


def downgrade() -> None:
    for table in reversed(CATALOGS):
        op.drop_index(f"ix_{table}_updated_at", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("updated_at")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
