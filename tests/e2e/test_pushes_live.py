"""A reported job pushed to the nearest on-duty engineers and the managers' alert, through the
real frameworks and the outbox: one engineer accepts on the push, the other's push is edited to
say who took it (its Accept gone), and the alert follows the job to its resolution."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from bot.sandbox import SandboxMessage
from tests.support.live import TIMEOUT, LiveBot, register, report
from tests.support.people import make_engineer
from tests.support.seed import ACME_PHONE, PLOVDIV_CENTRE, SOFIA_CENTRE
from tests.support.units import nb

pytestmark = pytest.mark.manager_chat()


def has(data: str) -> Callable[[SandboxMessage], bool]:
    return lambda message: message.find_button(data) is not None


def edit_of(message: SandboxMessage, text: str) -> Callable[[SandboxMessage], bool]:
    """The same message, edited to contain ``text``."""
    return lambda m: m.message_id == message.message_id and text in m.content


async def test_the_push_and_the_alert_follow_the_job(live: LiveBot) -> None:
    profile = {"skills": ("coffee",), "on_duty": True}
    await make_engineer(live.app, 8201, "Ana", location=SOFIA_CENTRE, **profile)
    await make_engineer(live.app, 8202, "Boris", location=PLOVDIV_CENTRE, **profile)
    await make_engineer(live.app, 8203, "Elena", location=SOFIA_CENTRE, skills=("coffee",))
    ana, boris = live.user(8201, "Ana", "en"), live.user(8202, "Boris", "en")
    elena = live.user(8203, "Elena", "en")
    for engineer in (ana, boris, elena):
        engineer.open_chat()  # they started the bot when they joined
    maria = live.user(8204, "Maria", "en")
    await register(maria, ACME_PHONE, "Maria", "Acme Coffee Sofia")
    confirmation = await report(maria, "linea", "Linea PB", "Steam wand leaks")
    job = int(re.search(r"#(\d+)", confirmation).group(1))  # type: ignore[union-attr]

    to_ana = await ana.wait_for(has(f"jb:acc:{job}"), timeout=TIMEOUT)
    to_boris = await boris.wait_for(has(f"jb:acc:{job}"), timeout=TIMEOUT)
    assert f"New job #{job}" in to_ana.content and nb("Distance: 0.5 km") in to_ana.content
    alert = await live.managers.wait_for(has(f"mg:as:{job}"), timeout=TIMEOUT)

    ana.press(f"jb:acc:{job}", to_ana)
    taken = await boris.wait_for(edit_of(to_boris, "taken by Ana"), timeout=TIMEOUT)
    assert taken.buttons == []
    now = await live.managers.wait_for(edit_of(alert, "Now: taken by Ana"), timeout=TIMEOUT)
    assert now.button_texts == ["🔎 Open", "👷 Reassign", "💬 Write to customer"]
    card = await ana.wait_for(has(f"mj:go:{job}"), timeout=TIMEOUT)

    ana.press(f"mj:site:{job}", card)
    await live.managers.wait_for(edit_of(alert, "Ana is on site"), timeout=TIMEOUT)
    ana.press(f"rs:{job}", card)
    await ana.wait_for(has(f"rs:cancel:{job}"), timeout=TIMEOUT)
    ana.send_text("Replaced the gasket")
    resolved = await live.managers.wait_for(edit_of(alert, "resolved by Ana"), timeout=TIMEOUT)
    assert resolved.buttons == []
    await ana.wait_idle()
    assert elena.messages == []  # off duty: never pushed
