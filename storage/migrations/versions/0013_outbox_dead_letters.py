"""outbox dead letters

An outbox row remembers when it first failed transiently (the dead-letter clock); an index
lets the claim see quickly whether an earlier row of the same chat is still waiting.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("failing_since", UTCDateTime(), nullable=True))
        batch.create_index("ix_outbox_chat_order", ["chat_id", "status", "id"])


def downgrade() -> None:
    op.execute("UPDATE outbox SET status = 'failed' WHERE status = 'dead'")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_chat_order")
        batch.drop_column("failing_since")
