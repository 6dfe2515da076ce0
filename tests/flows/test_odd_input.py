"""Typed input where numbers and dates are parsed: absurd values get a clear answer and
change nothing, never a crash."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.support.chat import FlowChat
from tests.support.jobs import make_job
from tests.support.people import engineer_chat
from tests.support.seed import import_examples

ODD = [
    "99999999999999999999999",
    "-5",
    "1e309",
    "nan",
    "inf",
    "0",
    "٣٤",
    "12:99",
    "25:00",
    "2026-13-45..2026-99-99",
    "x" * 5000,
    "",
    "   ",
    "1,2,3",
    "1.5.6",
    "¼",
]


def assert_no_crash(chat: FlowChat) -> None:
    assert not any("something went wrong" in text for text in chat.texts()), chat.texts()


async def engineer_on_site(app: App) -> tuple[FlowChat, int]:
    chat = await engineer_chat(app, 4001)
    job = await make_job(app, app.engine.clock.now())
    await chat.press_data(f"jb:acc:{job}")
    return chat, job


@pytest.mark.parametrize("step", ["eta", "parts", "export", "stats", "tests"])
async def test_odd_numbers_and_dates(seeded: App, step: str) -> None:
    chat, job = await engineer_on_site(seeded)
    manager = FlowChat(seeded, user_id=900)
    if step == "parts":
        await import_examples(seeded, "parts")
    if step == "tests":
        await import_examples(seeded, "checklists")
        await chat.press_data(f"mj:site:{job}")
    for value in ODD:
        if step == "eta":
            await chat.press_data(f"mj:go:{job}")
            await chat.say(value)
        elif step == "parts":
            await chat.press_data(f"pq:start:{job}")
            await chat.say("gasket")
            picks = [data for _, data in chat.last.buttons() if data.startswith("pq:pick:")]
            assert picks, chat.texts()
            await chat.press_data(picks[0])
            assert "How many" in chat.joined() or "quantity" in chat.joined().lower()
            await chat.say(value)
        elif step == "export":
            await manager.say(f"/export {value}")
            assert_no_crash(manager)
            continue
        elif step == "stats":
            await manager.say(f"/stats {value}")
            assert_no_crash(manager)
            continue
        else:
            await chat.press_data(f"ts:start:{job}")
            await chat.say(value)
        assert_no_crash(chat)
        await chat.say("/cancel")
