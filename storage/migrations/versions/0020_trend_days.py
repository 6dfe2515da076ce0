"""trend days

The per-model and per-engineer figures of /trends per UTC day (bot/services/trend_days.py).
Not filled here: the first read or the scheduler's first run computes the missing days.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import storage.types

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trend_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("computed_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "trend_model_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("breakdowns", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False),
        sa.Column("resolve_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("day", "model_id"),
    )
    op.create_table(
        "trend_engineer_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("engineer_id", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("first_time", sa.Integer(), nullable=False),
        sa.Column("rating_sum", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.Integer(), nullable=False),
        sa.Column(
            "resolve_seconds",
            sa.JSON().with_variant(postgresql.ARRAY(sa.Float()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("day", "engineer_id"),
    )


def downgrade() -> None:
    op.drop_table("trend_engineer_days")
    op.drop_table("trend_model_days")
    op.drop_table("trend_days")
