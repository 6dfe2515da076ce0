"""ticket equipment copies

The equipment's category and site position copied onto its tickets
(``tickets.equipment_category``, ``equipment_latitude``, ``equipment_longitude``; kept by
storage/equipment_copies.py), and an index over the jobs nobody has taken holding everything
the engineers' board filters and orders by, so the board reads one index instead of joining
every untaken ticket to its equipment, model and site (bot/services/jobs.py). Filled here
for every ticket.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNTAKEN = "status = 'new' AND engineer_id IS NULL"
OPEN = "status IN ('assigned', 'en_route', 'new', 'on_site', 'waiting_customer', 'waiting_parts')"


def _of_equipment(value: str, join: str) -> str:
    return f"(SELECT {value} FROM equipment e {join} WHERE e.id = tickets.equipment_id)"


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("equipment_category", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("equipment_latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("equipment_longitude", sa.Float(), nullable=True))
    category = _of_equipment(
        "NULLIF(m.category, '')", "JOIN equipment_models m ON m.id = e.model_id"
    )
    sites = "JOIN sites s ON s.id = e.site_id"
    op.execute(
        "UPDATE tickets SET "
        f"equipment_category = {category}, "
        f"equipment_latitude = {_of_equipment('s.latitude', sites)}, "
        f"equipment_longitude = {_of_equipment('s.longitude', sites)} "
        "WHERE equipment_id IS NOT NULL"
    )
    op.create_index(
        "ix_tickets_board",
        "tickets",
        [
            "equipment_category",
            "priority",
            "equipment_latitude",
            "equipment_longitude",
            "created_at",
            "id",
        ],
        postgresql_where=sa.text(UNTAKEN),
        sqlite_where=sa.text(UNTAKEN),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_board", table_name="tickets")
    # SQLite drops columns by copying the table, which loses this expression index (it cannot
    # be reflected): it is made again afterwards, as 0021 made it
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.drop_index("ix_tickets_open_urgency", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("equipment_longitude")
        batch.drop_column("equipment_latitude")
        batch.drop_column("equipment_category")
    if sqlite:
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
            sqlite_where=sa.text(OPEN),
        )
