"""yes/no phrases and skipped checks

A yes/no check reads as a phrase per outcome and locale, and says which answer passes; a
skipped optional check is stored, so a retest does not ask it again. Yes/no values kept as
typed by older versions ("да", "+", "Yes") are normalised to ``yes``/``no``.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words bot.services.checklists reads as yes and no, as they may have been stored.
YES = {"yes", "y", "ok", "true", "1", "+", "да", "д", "ок", "✓"}
NO = {"no", "n", "false", "0", "-", "нет", "не", "н", "✗"}


def upgrade() -> None:
    with op.batch_alter_table("checklist_checks") as batch:
        for column in ("pass_names", "fail_names"):
            batch.add_column(
                sa.Column(column, sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
            )
        batch.add_column(
            sa.Column("passes_on_yes", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("checklist_checks") as batch:
        for column in ("pass_names", "fail_names", "passes_on_yes"):
            batch.alter_column(column, server_default=None)
    with op.batch_alter_table("test_results") as batch:
        batch.add_column(
            sa.Column("skipped", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("test_results") as batch:
        batch.alter_column("skipped", server_default=None)
    normalise_yes_no()


def normalise_yes_no() -> None:
    """Yes/no values kept as typed become ``yes``/``no``; anything else is left as it was."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT r.id, r.value_text FROM test_results r "
            "JOIN checklist_checks c ON c.id = r.check_id "
            "WHERE c.type = 'yesno' AND r.value_text NOT IN ('yes', 'no')"
        )
    )
    update = sa.text("UPDATE test_results SET value_text = :value WHERE id = :id")
    for row_id, value in list(rows):
        word = (value or "").strip().lower().rstrip("!. ") or (value or "").strip()
        if word in YES or word in NO:
            connection.execute(update, {"value": "yes" if word in YES else "no", "id": row_id})


def downgrade() -> None:
    with op.batch_alter_table("test_results") as batch:
        batch.drop_column("skipped")
    with op.batch_alter_table("checklist_checks") as batch:
        batch.drop_column("passes_on_yes")
        batch.drop_column("fail_names")
        batch.drop_column("pass_names")
