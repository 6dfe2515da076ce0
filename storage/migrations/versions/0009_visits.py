"""visits

Agreed visits: the slots offered to a customer (``visit_slots``) and the one agreed
(``tickets.visit_at``); company holidays (``holidays``); a maintenance plan keeps the contract
and interval it was planned under.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(
            sa.Column("visit_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("maintenance_plans") as batch:
        batch.add_column(sa.Column("contract_number", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("interval_days", sa.Integer(), nullable=True))
    op.create_table(
        "visit_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("proposed_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("decided_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_visit_slots_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["people.id"], name=op.f("fk_visit_slots_proposed_by_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_slots")),
    )
    op.create_index(op.f("ix_visit_slots_ticket_id"), "visit_slots", ["ticket_id"])
    op.create_table(
        "holidays",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_holidays")),
    )


def downgrade() -> None:
    op.drop_table("holidays")
    op.drop_index(op.f("ix_visit_slots_ticket_id"), table_name="visit_slots")
    op.drop_table("visit_slots")
    with op.batch_alter_table("maintenance_plans") as batch:
        batch.drop_column("interval_days")
        batch.drop_column("contract_number")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("visit_at")
