"""conversation

Tickets keep any file (photo, document, voice note, video), not only photos; the outbox can
send files by id, knows the ticket a message is about (a Telegram reply to it is routed there)
and can edit a message it sent; live messages (the managers' alert, an engineer's push) point
at the row that sent them; new jobs are pushed to engineers in waves.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_ticket_photos_ticket_id", table_name="ticket_photos")
    op.rename_table("ticket_photos", "ticket_attachments")
    with op.batch_alter_table("ticket_attachments") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=24), nullable=False, server_default="photo")
        )
        batch.add_column(sa.Column("file_name", sa.String(length=200), nullable=True))
    with op.batch_alter_table("ticket_attachments") as batch:
        batch.alter_column("kind", server_default=None)
        batch.drop_constraint("pk_ticket_photos", type_="primary")
        batch.create_primary_key("pk_ticket_attachments", ["id"])
        batch.drop_constraint("fk_ticket_photos_ticket_id_tickets", type_="foreignkey")
        batch.drop_constraint("fk_ticket_photos_added_by_people", type_="foreignkey")
        batch.create_foreign_key(
            "fk_ticket_attachments_ticket_id_tickets", "tickets", ["ticket_id"], ["id"]
        )
        batch.create_foreign_key(
            "fk_ticket_attachments_added_by_people", "people", ["added_by"], ["id"]
        )
    op.create_index(
        op.f("ix_ticket_attachments_ticket_id"), "ticket_attachments", ["ticket_id"]
    )
    op.execute("UPDATE ticket_events SET kind = 'attachment' WHERE kind = 'photo'")

    with op.batch_alter_table("tickets") as batch:
        batch.add_column(
            sa.Column("push_wave", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("pushed_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("tickets") as batch:
        batch.alter_column("push_wave", server_default=None)

    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("media", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("ticket_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("edit_of", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_outbox_ticket_id_tickets"), "tickets", ["ticket_id"], ["id"]
        )
        batch.create_foreign_key(op.f("fk_outbox_edit_of_outbox"), "outbox", ["edit_of"], ["id"])
        batch.create_index("ix_outbox_chat_message", ["chat_id", "message_id"])
    _photos_to_media()
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("photo")

    op.create_table(
        "live_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_live_messages_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_live_messages_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name=op.f("fk_live_messages_outbox_id_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_messages")),
    )
    op.create_index(op.f("ix_live_messages_ticket_id"), "live_messages", ["ticket_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_live_messages_ticket_id"), table_name="live_messages")
    op.drop_table("live_messages")

    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("photo", sa.String(length=200), nullable=True))
    _media_to_photos()
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_chat_message")
        batch.drop_constraint(op.f("fk_outbox_edit_of_outbox"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_outbox_ticket_id_tickets"), type_="foreignkey")
        batch.drop_column("edit_of")
        batch.drop_column("ticket_id")
        batch.drop_column("media")

    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("pushed_at")
        batch.drop_column("push_wave")

    op.execute("UPDATE ticket_events SET kind = 'photo' WHERE kind = 'attachment'")
    # Files other than photos had no place before this revision.
    op.execute("DELETE FROM ticket_attachments WHERE kind <> 'photo'")
    op.drop_index(op.f("ix_ticket_attachments_ticket_id"), table_name="ticket_attachments")
    with op.batch_alter_table("ticket_attachments") as batch:
        batch.drop_constraint("fk_ticket_attachments_added_by_people", type_="foreignkey")
        batch.drop_constraint("fk_ticket_attachments_ticket_id_tickets", type_="foreignkey")
        batch.drop_constraint("pk_ticket_attachments", type_="primary")
        batch.create_primary_key("pk_ticket_photos", ["id"])
        batch.create_foreign_key(
            "fk_ticket_photos_ticket_id_tickets", "tickets", ["ticket_id"], ["id"]
        )
        batch.create_foreign_key("fk_ticket_photos_added_by_people", "people", ["added_by"], ["id"])
        batch.drop_column("file_name")
        batch.drop_column("kind")
    op.rename_table("ticket_attachments", "ticket_photos")
    op.create_index("ix_ticket_photos_ticket_id", "ticket_photos", ["ticket_id"])


_OUTBOX = sa.table(
    "outbox",
    sa.column("id", sa.Integer()),
    sa.column("photo", sa.String()),
    sa.column("media", sa.JSON()),
)


def _photos_to_media() -> None:
    """A queued photo message keeps its photo, now as a one-item media list."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(_OUTBOX.c.id, _OUTBOX.c.photo).where(_OUTBOX.c.photo.is_not(None)))
    for id_, photo in rows.all():
        media = [{"kind": "photo", "file_id": photo}]
        bind.execute(_OUTBOX.update().where(_OUTBOX.c.id == id_).values(media=media))


def _media_to_photos() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_OUTBOX.c.id, _OUTBOX.c.media).where(_OUTBOX.c.media.is_not(None)))
    for id_, media in rows.all():
        photos = [item["file_id"] for item in media or () if item.get("kind") == "photo"]
        if photos:
            bind.execute(_OUTBOX.update().where(_OUTBOX.c.id == id_).values(photo=photos[0]))
