"""A Russian- and a Bulgarian-speaking customer register, report a breakdown by typing a
misspelt model name, get their ticket number and see it in /status — through a real
framework polling the sandbox over HTTP."""

from __future__ import annotations

import pytest

from tests.support.live import TIMEOUT, LiveBot, register, report
from tests.support.seed import ACME_PHONE, NORD_PHONE

pytestmark = pytest.mark.manager_chat(manager_locale="bg")


async def test_russian_and_bulgarian_customers_report_and_follow(live: LiveBot) -> None:
    ivan = live.user(7001, "Иван", "ru")
    await register(ivan, NORD_PHONE, "Здравствуйте, Иван", "Nord Pharma")
    confirmation = await report(
        ivan, "siemens xrey vizion", "Xray Vision 5500", "Не включается после скачка напряжения"
    )
    assert "Заявка #1 зарегистрирована" in confirmation

    maria = live.user(7002, "Мария", "bg")
    await register(maria, ACME_PHONE, "Здравейте, Мария", "Acme Coffee Sofia")
    confirmation = await report(maria, "lamarzoko linia", "Linea PB", "Тече вода от групата")
    assert "Заявка #2 е регистрирана" in confirmation

    ivan.send_command("/status")
    status = await ivan.wait_for(lambda m: "#1" in m.content and m.buttons, timeout=TIMEOUT)
    assert "#2" not in status.content  # another customer's ticket stays invisible
    assert "Зарегистрирована, ждёт инженера" in status.content
    ivan.press("tk:1", status)
    details = await ivan.wait_for("Xray Vision 5500", timeout=TIMEOUT)
    assert details.content.startswith("🟠 #1 · ") and "SM-XR-5500" in details.content

    maria.send_command("/status")
    status = await maria.wait_for(lambda m: "#2" in m.content and m.buttons, timeout=TIMEOUT)
    assert "Регистрирана, очаква техник" in status.content
    maria.press_data("tk:1", status.message_id)  # forged: Ivan's ticket
    await maria.wait_idle()
    assert not any("Xray" in message.content for message in maria.messages)


async def test_urgency_and_yes_typed_answer_with_the_ticket_number(live: LiveBot) -> None:
    """A Bulgarian customer types "спешно е" for the urgency and "да" on the summary: the
    ticket is made and its number arrives in a new message (not an edit of the "да")."""
    maria = live.user(7004, "Мария", "bg")
    await register(maria, ACME_PHONE, "Здравейте, Мария", "Acme Coffee Sofia")
    confirmation = await report(
        maria, "lamarzoko linia", "Linea PB", "Тече вода от групата", urgency="спешно е", yes="да"
    )
    assert "Заявка #1 е регистрирана" in confirmation


async def test_redelivered_update_gets_no_second_reply(live: LiveBot) -> None:
    user = live.user(7003, "Ana", "en")
    user.send_command("/start")
    await user.wait_for("Hello, Ana", timeout=TIMEOUT)
    updates = live.sandbox.state.resolve_bot(None).updates
    first = updates.get_payload(1)  # a fresh sandbox: /start was update 1
    assert first is not None and first["message"]["text"] == "/start"
    live.sandbox.redeliver(1)
    user.send_command("/help")  # updates are handled in order: its answer comes after update 1
    await user.wait_for("/language", timeout=TIMEOUT)
    greetings = [message for message in user.messages if "Hello, Ana" in message.content]
    assert len(greetings) == 1
