"""access

Who may see and do what over time: an append-only audit log, DB-backed throttles (inbound
rate limit, failed invites, the one-time group answer), how a staff member got their role,
whether a person opened a private chat, and the chat a dialog belongs to.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name="fk_audit_log_actor_id_people"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_audit_log_person_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    _append_only()
    op.create_index("ix_audit_log_person_id", "audit_log", ["person_id"])
    op.create_table(
        "throttles",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("window_start", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_throttles"),
    )
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("role_source", sa.String(length=16), nullable=True))
        # People who wrote before this migration did so in private: the bot only had
        # private flows.
        batch.add_column(
            sa.Column("private_chat", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("people") as batch:
        batch.alter_column("private_chat", server_default=None)
    with op.batch_alter_table("dialogs") as batch:
        batch.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
    # Staff who redeemed an invite were invited; managers besides them were configured.
    op.execute(
        "UPDATE people SET role_source = 'invited' WHERE role IN ('engineer', 'manager') "
        "AND id IN (SELECT used_by FROM invites WHERE used_by IS NOT NULL)"
    )
    op.execute(
        "UPDATE people SET role_source = 'configured' "
        "WHERE role = 'manager' AND role_source IS NULL"
    )
    op.execute(
        "UPDATE people SET role_source = 'invited' "
        "WHERE role = 'engineer' AND role_source IS NULL"
    )


def _append_only() -> None:
    """The database itself refuses to change or delete an audit row."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def downgrade() -> None:
    with op.batch_alter_table("dialogs") as batch:
        batch.drop_column("chat_id")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("private_chat")
        batch.drop_column("role_source")
    op.drop_table("throttles")
    op.drop_index("ix_audit_log_person_id", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")  # and its triggers
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_log_append_only()")
