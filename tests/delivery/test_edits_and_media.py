"""Outbox edits and files: an edit row changes its original's delivered message (waiting for it,
or dropped when it never went out), and media rows go out with the Bot API method of their kind,
through a scripted ``send`` and through both real runtimes against the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.core.events import Attachment, Incoming
from bot.core.replies import Button, Edit, Reply, Send, inline
from bot.delivery import Dispatcher, Rate
from bot.runtimes.base import Rejected, Runtime, Transient, Unreachable
from bot.sandbox import SandboxServer
from bot.services.outbox import enqueue, enqueue_edit, messages
from storage.db import Database
from storage.models import AttachmentKind, OutboxMessage, OutboxStatus
from tests.support.delivery import FAST, FakeTelegram, now
from tests.support.outbox import outbox
from tests.support.sandbox import RUNTIME_CLASSES

ALICE, BOB, GROUP = 601, 602, -100601
KEYBOARD = inline([Button("Take", data="take:1")])


async def alert_and_edit(db: Database, chat_id: int = ALICE) -> tuple[int, int]:
    """An alert with a keyboard and, in the same transaction, its edit to "taken" (no keys)."""
    async with db.transaction() as session:
        alert = await enqueue(session, messages(chat_id, "Job #1", now(), markup=KEYBOARD))
        await enqueue_edit(session, alert, "Job #1: taken", now())
    first, second = await outbox(db, chat_id, with_edits=True)
    return first.id, second.id


async def test_an_edit_goes_out_as_an_edit_of_the_delivered_message(db: Database) -> None:
    async with db.transaction() as session:
        await enqueue(session, messages(ALICE, "hello", now()))
        alert = await enqueue(session, messages(ALICE, "Job #1", now(), markup=KEYBOARD))
    telegram = FakeTelegram()
    await Dispatcher(db, telegram, FAST).drain(timeout=10)
    async with db.transaction() as session:
        original = await session.get(OutboxMessage, alert.id)
        assert original is not None and original.message_id == 2
        await enqueue_edit(session, original, "Job #1: taken", now())
    await Dispatcher(db, telegram, FAST).drain(timeout=10)
    assert telegram.sent[-1] == Edit(ALICE, 2, "Job #1: taken", None)
    edit = (await outbox(db, with_edits=True))[-1]
    assert (edit.status, edit.edit_of, edit.attempts) == (OutboxStatus.SENT, alert.id, 1)


async def test_an_edit_claimed_with_its_message_goes_right_after_it(db: Database) -> None:
    await alert_and_edit(db)
    telegram = FakeTelegram()
    dispatcher = Dispatcher(db, telegram, FAST)
    assert await dispatcher.dispatch_once() == 2  # one claim, no second round needed
    assert telegram.sent == [Send(ALICE, "Job #1", KEYBOARD), Edit(ALICE, 1, "Job #1: taken")]
    assert [(row.status, row.attempts) for row in await outbox(db, with_edits=True)] == [
        (OutboxStatus.SENT, 1),
        (OutboxStatus.SENT, 1),
    ]


async def test_an_edit_waits_while_its_message_is_retried(db: Database) -> None:
    alert_id, _ = await alert_and_edit(db)
    failures: list[Exception] = [Transient("502 Bad Gateway") for _ in range(3)]
    telegram = FakeTelegram(errors={"Job #1": failures})
    await Dispatcher(db, telegram, FAST).drain(timeout=10)
    assert telegram.sent == [Send(ALICE, "Job #1", KEYBOARD), Edit(ALICE, 1, "Job #1: taken")]
    alert, edit = await outbox(db, with_edits=True)
    assert (alert.id, alert.attempts, alert.message_id) == (alert_id, 4, 1)
    assert edit.status is OutboxStatus.SENT


async def test_an_edit_of_a_refused_message_is_dropped_without_a_call(db: Database) -> None:
    await alert_and_edit(db)
    telegram = FakeTelegram(errors={"Job #1": [Rejected("Bad Request: can't parse entities")]})
    await Dispatcher(db, telegram, FAST).drain(timeout=10)
    assert telegram.sent == []
    alert, edit = await outbox(db, with_edits=True)
    assert alert.status is OutboxStatus.FAILED
    assert edit.status is OutboxStatus.FAILED
    assert edit.error == "the message to edit was never delivered"


async def test_an_edit_of_a_message_to_someone_unreachable_is_dropped(db: Database) -> None:
    async with db.transaction() as session:
        alert = await enqueue(session, messages(BOB, "Job #2", now(), markup=KEYBOARD))
    telegram = FakeTelegram(errors={"Job #2": [Unreachable("bot was blocked by the user")]})
    await Dispatcher(db, telegram, FAST).drain(timeout=10)
    async with db.transaction() as session:
        original = await session.get(OutboxMessage, alert.id)
        assert original is not None and original.status is OutboxStatus.UNREACHABLE
        await enqueue_edit(session, original, "Job #2: taken", now())
    await Dispatcher(db, telegram, FAST).drain(timeout=10)
    assert telegram.sent == []
    edit = (await outbox(db, BOB, with_edits=True))[-1]
    assert (edit.status, edit.error) == (
        OutboxStatus.FAILED,
        "the message to edit was never delivered",
    )


async def test_media_rows_are_sends_with_their_files(db: Database) -> None:
    photo = Attachment(AttachmentKind.PHOTO, "photo-1")
    voice = Attachment(AttachmentKind.VOICE, "voice-1")
    document = Attachment(AttachmentKind.DOCUMENT, "doc-1", "act.pdf")
    async with db.transaction() as session:
        await enqueue(
            session, messages(ALICE, "From Maria", now(), media=[voice], markup=KEYBOARD)
        )
        await enqueue(session, messages(ALICE, "Photos", now(), media=[photo, photo]))
        await enqueue(session, messages(ALICE, "", now(), media=[document]))
    telegram = FakeTelegram()
    await Dispatcher(db, telegram, FAST).drain(timeout=10)
    assert telegram.sent == [
        Send(ALICE, "From Maria", KEYBOARD, media=(voice,)),
        Send(ALICE, "Photos", media=(photo, photo)),
        Send(ALICE, "", media=(document,)),
    ]


# -- through the real runtimes ---------------------------------------------------------------


async def ignore_updates(_incoming: Incoming) -> list[Reply]:
    return []


@pytest.fixture(params=sorted(RUNTIME_CLASSES))
async def runtime(
    request: pytest.FixtureRequest, sandbox: SandboxServer
) -> AsyncIterator[Runtime]:
    token = sandbox.make_token()
    sandbox.bot(token)
    made = RUNTIME_CLASSES[request.param](token, ignore_updates, sandbox.base_url)
    yield made
    await made.close()


async def test_rows_go_out_with_the_method_of_their_kind(
    db: Database, sandbox: SandboxServer, runtime: Runtime
) -> None:
    maria = sandbox.user(ALICE, "Maria", "en")
    photos = [maria.send_photo().photo[-1]["file_id"] for _ in range(3)]
    voice = maria.send_voice().voice
    video = maria.send_video().video
    document = maria.send_document(b"%PDF act", "act.pdf").document
    assert voice and video and document
    kind = AttachmentKind
    async with db.transaction() as session:
        alert = await enqueue(session, messages(ALICE, "Job #1", now(), markup=KEYBOARD))
        await enqueue_edit(session, alert, "Job #1: taken by Petar", now())
        await enqueue(
            session,
            messages(
                ALICE, "Three photos", now(), media=[Attachment(kind.PHOTO, p) for p in photos]
            ),
        )
        await enqueue(
            session,
            messages(ALICE, "Listen", now(), media=[Attachment(kind.VOICE, voice["file_id"])]),
        )
        await enqueue(
            session, messages(ALICE, "", now(), media=[Attachment(kind.VIDEO, video["file_id"])])
        )
        await enqueue(
            session,
            messages(ALICE, "Act", now(), media=[Attachment(kind.DOCUMENT, document["file_id"])]),
        )
        await enqueue(
            session, messages(ALICE, "Chart", now(), document=b"\x89PNG", document_name="c.png")
        )
    maria.skip()
    await Dispatcher(db, runtime.execute, FAST).drain(timeout=15)

    assert [c.method for c in sandbox.calls if c.status == 200 and c.method != "getMe"] == [
        "sendMessage",
        "editMessageText",
        "sendMediaGroup",
        "sendVoice",
        "sendVideo",
        "sendDocument",
        "sendDocument",
    ]
    rows = await outbox(db, with_edits=True)
    assert {row.status for row in rows} == {OutboxStatus.SENT}
    assert rows[1].message_id == rows[0].message_id  # the edit names the alert's message
    alert_message = maria.bot.message(ALICE, rows[0].message_id or 0)
    assert alert_message is not None
    assert (alert_message.content, alert_message.buttons) == ("Job #1: taken by Petar", [])
    album = [m for m in maria.messages if m.media_group_id]
    assert len(album) == 3 and album[0].caption == "Three photos"
    assert rows[2].message_id == album[0].message_id  # an album is known by its first message
    voice_message = maria.bot.message(ALICE, rows[3].message_id or 0)
    assert voice_message is not None and voice_message.voice is not None
    assert voice_message.caption == "Listen"
    assert maria.last is not None and maria.last.document_name == "c.png"


async def test_an_album_counts_as_its_messages_against_the_chats_limit(db: Database) -> None:
    photos = [Attachment(AttachmentKind.PHOTO, f"photo-{n}") for n in range(10)]
    async with db.transaction() as session:
        await enqueue(session, messages(GROUP, "Ten photos", now(), media=photos))
        await enqueue(session, messages(GROUP, "Two more", now(), media=photos[:2]))
        await enqueue(session, messages(GROUP, "Too many", now()))
    paced = replace(FAST, per_group=Rate(12, 60.0))
    telegram = FakeTelegram()
    await Dispatcher(db, telegram, paced).drain(until_empty=False, timeout=10)
    assert [reply.text for reply in telegram.sent] == ["Ten photos", "Two more"]
    last = (await outbox(db, with_edits=True))[-1]
    assert last.status is OutboxStatus.PENDING and last.next_attempt_at > now()


async def test_an_uploaded_chart_goes_as_a_photo(
    db: Database, sandbox: SandboxServer, runtime: Runtime
) -> None:
    """A file uploaded ``upload_as_photo`` (the digest chart) is sent with sendPhoto and shows
    in the chat as a photo with its caption; without the flag it stays a document."""
    maria = sandbox.user(ALICE, "Maria", "en")
    maria.send_text("hello")  # she has started the bot, so it may write to her
    async with db.transaction() as session:
        await enqueue(
            session,
            messages(
                ALICE,
                "Chart",
                now(),
                document=b"\x89PNG chart",
                document_name="chart.png",
                upload_as_photo=True,
            ),
        )
        await enqueue(
            session, messages(ALICE, "File", now(), document=b"\x89PNG", document_name="c.png")
        )
    await Dispatcher(db, runtime.execute, FAST).drain(timeout=15)

    sent = [c.method for c in sandbox.calls if c.status == 200 and c.method.startswith("send")]
    assert sent == ["sendPhoto", "sendDocument"]
    photo, document = maria.messages[-2:]
    assert photo.photo and photo.caption == "Chart" and photo.document is None
    assert document.document_name == "c.png" and not document.photo
    rows = await outbox(db)
    assert [row.upload_as_photo for row in rows] == [True, False]
    assert {row.status for row in rows} == {OutboxStatus.SENT}
