"""A QR sticker's deep link (``/start eq_<serial>``) through the real frameworks: a registered
client lands in the report with the machine chosen (even when the sticker's serial had to be
made ASCII), a new person shares their phone first and then continues for that machine, and a
client of another customer sees nothing of it."""

from __future__ import annotations

import pytest

from bot.papers.stickers import start_payload
from bot.sandbox import SandboxMessage, SandboxUser
from tests.support.live import TIMEOUT, LiveBot, register
from tests.support.seed import ACME_PHONE, NORD_PHONE

pytestmark = pytest.mark.manager_chat()
DESCRIBE = "Describe the problem"


def seen(user: SandboxUser) -> str:
    """Everything the bot showed the person: texts and button labels."""
    return "\n".join(
        [m.content for m in user.messages] + [t for m in user.messages for t in m.button_texts]
    )


async def summary_for(user: SandboxUser, problem: str) -> SandboxMessage:
    """Describe the problem, skip photos, pick the urgency: the report's summary."""
    asked = await user.wait_for(DESCRIBE, timeout=TIMEOUT)
    user.send_text(problem)
    photos = await user.wait_for(
        lambda m: m.find_button("rp:done") is not None and m.message_id > asked.message_id,
        timeout=TIMEOUT,
    )
    user.press("rp:done", photos)
    urgency = await user.wait_for(
        lambda m: m.find_button("rp:pr:urgent") is not None and m.message_id > asked.message_id,
        timeout=TIMEOUT,
    )
    user.press("rp:pr:urgent", urgency)
    return await user.wait_for(
        lambda m: problem in m.content and m.find_button("rp:send") is not None, timeout=TIMEOUT
    )


async def test_a_registered_client_scans_a_sticker(live: LiveBot) -> None:
    maria = live.user(8501, "Maria", "en")
    await register(maria, ACME_PHONE, "Maria", "Acme Coffee Sofia")
    maria.send_command("/start", start_payload("LM-PB-2231"))
    summary = await summary_for(maria, "Steam wand leaks")
    assert "Linea PB" in summary.content and "LM-PB-2231" in summary.content
    maria.send_command("/start", "eq_LM-PB-223l")  # a look-alike misprint still finds it
    summary = await summary_for(maria, "Grinder jams")
    assert "LM-PB-2231" in summary.content


async def test_a_new_person_registers_then_reports_for_that_machine(live: LiveBot) -> None:
    ivan = live.user(8502, "Ivan", "en")
    ivan.send_command("/start", start_payload("LM-PB-2231"))
    asked = await ivan.wait_for(lambda m: m.keyboard is not None, timeout=TIMEOUT)
    assert "phone" in asked.content
    ivan.share_contact(ACME_PHONE)
    await ivan.wait_for("Acme Coffee Sofia", timeout=TIMEOUT)
    summary = await summary_for(ivan, "Steam wand leaks")
    assert "Linea PB" in summary.content and "LM-PB-2231" in summary.content


async def test_another_customers_client_sees_nothing_of_the_machine(live: LiveBot) -> None:
    olga = live.user(8503, "Olga", "en")
    await register(olga, NORD_PHONE, "Olga", "Nord Pharma")
    olga.send_command("/start", start_payload("LM-PB-2231"))
    # her own equipment to choose from
    await olga.wait_for(lambda m: any("42QHC" in t for t in m.button_texts), timeout=TIMEOUT)
    assert "LM-PB-2231" not in seen(olga) and "Linea" not in seen(olga)
