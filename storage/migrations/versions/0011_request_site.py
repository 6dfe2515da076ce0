"""request site

A ticket names the customer's site where the work is (an installation has no equipment yet to
tell it); the outbox can upload a file as a photo (the digest chart).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("site_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_tickets_site_id_sites", "sites", ["site_id"], ["id"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("upload_as_photo", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("upload_as_photo", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("upload_as_photo")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_constraint("fk_tickets_site_id_sites", type_="foreignkey")
        batch.drop_column("site_id")
