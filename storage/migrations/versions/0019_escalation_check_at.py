"""escalation check time

``tickets.escalation_check_at``: when the escalation pass next needs to look at a ticket, so it
reads the tickets due now through an index instead of every open one. Open, running tickets
are asked to be looked at by the next pass, which then sets each one's real next moment.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK_NOW = datetime(2000, 1, 1, tzinfo=UTC)  # storage.escalation_marks.CHECK_NOW, as of now
OPEN = ("new", "assigned", "en_route", "on_site", "waiting_parts", "waiting_customer")


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(
            sa.Column(
                "escalation_check_at", storage.types.UTCDateTime(timezone=True), nullable=True
            )
        )
    tickets = sa.table(
        "tickets",
        sa.column("status", sa.String()),
        sa.column("sla_paused_at", storage.types.UTCDateTime(timezone=True)),
        sa.column("escalation_check_at", storage.types.UTCDateTime(timezone=True)),
    )
    op.execute(
        tickets.update()
        .where(tickets.c.status.in_(OPEN), tickets.c.sla_paused_at.is_(None))
        .values(escalation_check_at=CHECK_NOW)
    )
    op.create_index("ix_tickets_escalation_check_at", "tickets", ["escalation_check_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_escalation_check_at", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("escalation_check_at")
