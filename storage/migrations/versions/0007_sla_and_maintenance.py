"""sla and maintenance

Contracts say whether their SLA counts business hours; the outbox can carry an uploaded file
(the digest chart); alerts that must go out once and maintenance due dates claimed once.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.add_column(sa.Column("business_hours", sa.Boolean(), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("document", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("document_name", sa.String(length=100), nullable=True))
    op.create_table(
        "alerts_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_alerts_sent_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts_sent")),
        sa.UniqueConstraint("kind", "subject", name="uq_alerts_sent_kind_subject"),
    )
    op.create_index(op.f("ix_alerts_sent_ticket_id"), "alerts_sent", ["ticket_id"])
    op.create_table(
        "maintenance_plans",
        sa.Column("equipment_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["equipment_id"],
            ["equipment.id"],
            name=op.f("fk_maintenance_plans_equipment_id_equipment"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_maintenance_plans_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("equipment_id", "due_on", name=op.f("pk_maintenance_plans")),
    )


def downgrade() -> None:
    op.drop_table("maintenance_plans")
    op.drop_index(op.f("ix_alerts_sent_ticket_id"), table_name="alerts_sent")
    op.drop_table("alerts_sent")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("document_name")
        batch.drop_column("document")
    with op.batch_alter_table("contracts") as batch:
        batch.drop_column("business_hours")
