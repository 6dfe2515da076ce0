"""Buttons can be forged by modified clients: every handler must meet malformed or foreign
callback data with a clear answer, never a crash (the engine's "something went wrong")."""

from __future__ import annotations

import itertools

import pytest

from bot.app import App
from bot.core.replies import AnswerCallback
from handlers import build_router
from tests.support.chat import FlowChat
from tests.support.jobs import make_job
from tests.support.people import client_chat, engineer_chat
from tests.support.seed import ACME_PHONE

PREFIXES = sorted(build_router().callbacks)
PAYLOADS = [
    "",
    ":",
    "::",
    ":x",
    ":-1",
    ":999999",
    ":1:2:3:4:5:6:7:8",
    ":open:abc",
    ":acc:999999",
    ":eq:1",
    ":1",
    ":start:1",
    ":ok:1",
    ":1:9",
    ":o:x:y:z:w:v",
    ":" + "9" * 30,
    ":%s" % ("é" * 10),
]


async def people(app: App) -> dict[str, FlowChat]:
    engineer = await engineer_chat(app, 3001)
    client = await client_chat(app, 3000, ACME_PHONE)
    stranger = FlowChat(app, user_id=3003)  # never registered
    return {
        "client": client,
        "engineer": engineer,
        "manager": FlowChat(app, user_id=900),
        "stranger": stranger,
    }


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_forged_data_gets_an_answer_not_a_crash(seeded: App, prefix: str) -> None:
    await make_job(seeded, seeded.engine.clock.now())
    chats = await people(seeded)
    for (role, chat), payload in itertools.product(chats.items(), PAYLOADS):
        data = (prefix + payload)[:64]
        replies = await chat.press_data(data)
        answers = [reply for reply in replies if isinstance(reply, AnswerCallback)]
        assert len(answers) == 1, (role, data, replies)
        texts = [answer.text or "" for answer in answers] + chat.texts()
        assert not any("something went wrong" in text for text in texts), (role, data, texts)
        await chat.say("/cancel")
