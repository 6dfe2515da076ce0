"""parts lifecycle

Parts are named in Russian and Bulgarian too and carry their own low-stock minimum; a part
request moves through a lifecycle (issued from a warehouse, ordered with an expected date,
rejected with a reason, used or returned) and points at the managers' live alert about it;
every change of stock is a row of the stock ledger.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("parts") as batch:
        batch.add_column(sa.Column("name_ru", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("name_bg", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("min_stock", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("low_alerted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("parts") as batch:
        batch.alter_column("low_alerted", server_default=None)

    with op.batch_alter_table("part_requests") as batch:
        batch.alter_column(
            "status",
            existing_type=sa.String(length=16),
            type_=sa.String(length=24),
            existing_nullable=False,
        )
        batch.add_column(sa.Column("warehouse_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("expected_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("handled_by", sa.Integer(), nullable=True))
        for column in ("ordered_at", "issued_at", "finished_at"):
            batch.add_column(
                sa.Column(column, storage.types.UTCDateTime(timezone=True), nullable=True)
            )
        batch.add_column(sa.Column("alert_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_part_requests_warehouse_id_warehouses"),
            "warehouses",
            ["warehouse_id"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_part_requests_handled_by_people"), "people", ["handled_by"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_part_requests_alert_id_outbox"), "outbox", ["alert_id"], ["id"]
        )

    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("quantity_after", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["part_id"], ["parts.id"], name=op.f("fk_stock_movements_part_id_parts")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_stock_movements_warehouse_id_warehouses"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_stock_movements_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["part_requests.id"],
            name=op.f("fk_stock_movements_request_id_part_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    op.create_index(op.f("ix_stock_movements_part_id"), "stock_movements", ["part_id"])
    op.create_index(op.f("ix_stock_movements_request_id"), "stock_movements", ["request_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_stock_movements_request_id"), table_name="stock_movements")
    op.drop_index(op.f("ix_stock_movements_part_id"), table_name="stock_movements")
    op.drop_table("stock_movements")

    # The statuses before this revision: only "requested" existed.
    op.execute("UPDATE part_requests SET status = 'requested'")
    with op.batch_alter_table("part_requests") as batch:
        batch.drop_constraint(op.f("fk_part_requests_alert_id_outbox"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_part_requests_handled_by_people"), type_="foreignkey")
        batch.drop_constraint(
            op.f("fk_part_requests_warehouse_id_warehouses"), type_="foreignkey"
        )
        for column in (
            "alert_id",
            "finished_at",
            "issued_at",
            "ordered_at",
            "handled_by",
            "reason",
            "expected_on",
            "warehouse_id",
        ):
            batch.drop_column(column)
        batch.alter_column(
            "status",
            existing_type=sa.String(length=24),
            type_=sa.String(length=16),
            existing_nullable=False,
        )

    with op.batch_alter_table("parts") as batch:
        batch.drop_column("low_alerted")
        batch.drop_column("min_stock")
        batch.drop_column("name_bg")
        batch.drop_column("name_ru")
