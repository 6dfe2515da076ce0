"""trend customers and repeats

Per UTC day, the breakdowns of each customer and the repeat pairs (a breakdown and the one
before it on the same equipment), and the top customers of a range of days, so /trends reads
its top customers and repeats from daily rows too; and an index that reads /open's page in its
order (bot/services/trend_days.py). The computed days are forgotten: each is computed again,
with its new rows, when next read or by the scheduler's next run.

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = (
    "status IN ('assigned', 'en_route', 'new', 'on_site', 'waiting_customer', 'waiting_parts')"
)


def upgrade() -> None:
    op.create_table(
        "trend_customer_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("breakdowns", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "customer_id"),
    )
    op.create_table(
        "trend_customer_tops",
        sa.Column("first", sa.Date(), nullable=False),
        sa.Column("last", sa.Date(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("breakdowns", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("first", "last", "customer_id"),
    )
    op.create_index(
        "ix_trend_customer_days_customer", "trend_customer_days", ["customer_id", "day"]
    )
    op.create_table(
        "trend_repeat_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("equipment_id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=False),
        sa.Column("previous_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", "ticket_id"),
    )
    op.execute("DELETE FROM trend_days")
    # /open's page read in its order (storage.models.URGENCY) over the open tickets alone
    op.create_index(
        "ix_tickets_open_urgency",
        "tickets",
        [
            sa.text(
                "(CASE WHEN priority = 'production_stopped' THEN 0 WHEN priority = 'urgent' "
                "THEN 1 WHEN priority = 'normal' THEN 2 END)"
            ),
            "created_at",
            "id",
        ],
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_open_urgency", table_name="tickets")
    op.drop_table("trend_repeat_days")
    op.drop_index("ix_trend_customer_days_customer", table_name="trend_customer_days")
    op.drop_table("trend_customer_tops")
    op.drop_table("trend_customer_days")
