"""Files, albums and Telegram replies through both runtimes against the sandbox: what a person
sends arrives as an attachment, and ``Send(media=...)`` goes out with the method of its kind."""

from __future__ import annotations

import pytest

from bot.core.events import Attachment, EventKind
from bot.core.replies import Button, Edit, Send, inline
from bot.runtimes.base import Rejected
from storage.models import AttachmentKind
from tests.support.sandbox import Running

WAIT = 5.0
PHOTO, DOCUMENT, VOICE, VIDEO = (
    AttachmentKind.PHOTO,
    AttachmentKind.DOCUMENT,
    AttachmentKind.VOICE,
    AttachmentKind.VIDEO,
)


def methods(running: Running) -> list[str]:
    """The sending calls the runtime made, in order."""
    return [call.method for call in running.sandbox.calls if call.method.startswith("send")]


async def test_each_kind_of_file_arrives_and_goes_back_with_its_method(running: Running) -> None:
    user = running.sandbox.user(1101, "Maria", "en")
    sent = [
        user.send_document(b"%PDF warranty", "warranty.pdf", caption="Warranty"),
        user.send_voice(duration=4),
        user.send_video(caption="The noise"),
        user.send_photo(),
    ]
    echoed = [await user.wait_for("nice photo", WAIT) for _ in sent]
    # The echo handler sends each file back by its id, with the caption given.
    assert methods(running) == ["sendDocument", "sendVoice", "sendVideo", "sendPhoto"]
    document, voice, video, photo = echoed
    assert document.document is not None and sent[0].document is not None
    assert document.document["file_id"] == sent[0].document["file_id"]
    assert document.document_name == "warranty.pdf"
    assert voice.voice is not None and sent[1].voice is not None
    assert voice.voice["file_id"] == sent[1].voice["file_id"]
    assert video.video is not None and sent[2].video is not None
    assert video.video["file_id"] == sent[2].video["file_id"]
    assert photo.photo[-1]["file_id"] == sent[3].photo[-1]["file_id"]

    seen = running.echo.seen
    assert [incoming.kind for incoming in seen] == [EventKind.ATTACHMENT] * 4
    assert [incoming.attachments[0].kind for incoming in seen] == [DOCUMENT, VOICE, VIDEO, PHOTO]
    assert seen[0].attachments[0].file_name == "warranty.pdf"
    assert (seen[0].text, seen[1].text, seen[2].text) == ("Warranty", "", "The noise")


async def test_replies_carry_the_answered_message(running: Running) -> None:
    user = running.sandbox.user(1102, "Maria", "en")
    user.send_command("/menu")
    question = await user.wait_for("pick one", WAIT)
    user.send_text("neither", reply_to=question)
    await user.wait_for("echo: neither", WAIT)
    user.send_voice(reply_to=question)
    await user.wait_for("nice photo", WAIT)
    user.send_text("no reply")
    await user.wait_for("echo: no reply", WAIT)

    _, text, voice, plain = running.echo.seen
    assert (text.kind, text.reply_to_message_id, text.reply_to_text) == (
        EventKind.TEXT,
        question.message_id,
        "pick one",
    )
    assert voice.kind is EventKind.ATTACHMENT and voice.attachments[0].kind is VOICE
    assert (voice.reply_to_message_id, voice.reply_to_text) == (question.message_id, "pick one")
    assert (plain.reply_to_message_id, plain.reply_to_text) == (None, "")


async def test_several_files_go_as_one_album(running: Running) -> None:
    sandbox, runtime = running.sandbox, running.runtime
    user = sandbox.user(1103, "Petar", "en")
    user.send_text("hi")
    await user.wait_for("echo: hi", WAIT)
    photos = tuple(Attachment(PHOTO, user.send_photo().photo[-1]["file_id"]) for _ in range(3))
    await user.wait_idle(quiet=0.2)
    user.skip()
    first = await runtime.execute(Send(user.user_id, "Three photos", media=photos))

    album = [await user.wait_for(None, WAIT) for _ in photos]
    assert first == album[0].message_id
    assert len({message.media_group_id for message in album}) == 1
    assert album[0].media_group_id is not None
    assert [message.caption for message in album] == ["Three photos", None, None]
    assert [message.photo[-1]["file_id"] for message in album] == [p.file_id for p in photos]
    assert methods(running)[-1] == "sendMediaGroup"
    assert methods(running).count("sendMediaGroup") == 1

    documents = tuple(
        Attachment(DOCUMENT, (user.send_document(b"x", f"{name}.pdf").document or {})["file_id"])
        for name in ("act", "invoice")
    )
    await user.wait_idle(quiet=0.2)
    await runtime.execute(Send(user.user_id, "Papers", media=documents))
    assert [m.document_name for m in user.messages[-2:]] == ["act.pdf", "invoice.pdf"]
    assert methods(running)[-1] == "sendMediaGroup"


async def test_a_single_file_keeps_its_keyboard_and_an_edit_can_drop_one(
    running: Running,
) -> None:
    sandbox, runtime = running.sandbox, running.runtime
    user = sandbox.user(1104, "Petar", "en")
    voice = user.send_voice()
    await user.wait_for("nice photo", WAIT)
    assert voice.voice is not None
    keyboard = inline([Button("Play again", data="again")])
    media = (Attachment(VOICE, voice.voice["file_id"]),)
    voice_id = await runtime.execute(Send(user.user_id, "From Maria", keyboard, media=media))
    sent = user.last
    assert sent is not None and sent.message_id == voice_id
    assert (sent.caption, sent.button_texts) == ("From Maria", ["Play again"])

    alert = await runtime.execute(Send(user.user_id, "Job #3", keyboard))
    assert alert is not None
    assert await runtime.execute(Edit(user.user_id, alert, "Job #3: taken")) == alert
    edited = await user.wait_for("Job #3: taken", WAIT)
    assert (edited.message_id, edited.buttons) == (alert, [])
    assert [c.method for c in sandbox.calls][-1] == "editMessageText"

    unknown = Attachment(PHOTO, "AgACAgIAAxkBAAI-never-issued")
    with pytest.raises(Rejected, match=r"(?i)wrong file identifier"):
        await runtime.execute(Send(user.user_id, "", media=(unknown,)))
