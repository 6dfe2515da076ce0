"""service reports

The service report of a confirmed job: its PDF and the verification code /verify looks up.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name="fk_service_reports_ticket_id_tickets"
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by"], ["people.id"], name="fk_service_reports_confirmed_by_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_service_reports"),
        sa.UniqueConstraint("ticket_id", name="uq_service_reports_ticket_id"),
        sa.UniqueConstraint("code", name="uq_service_reports_code"),
    )


def downgrade() -> None:
    op.drop_table("service_reports")
