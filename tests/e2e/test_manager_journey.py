"""Issue 4 end to end: a customer's urgent report reaches the managers' group in the group's
language (Bulgarian here, whatever the customer speaks), an escalation fires when no engineer
accepts it, and /export returns real files that open. Real frameworks over HTTP, with the
outbox dispatcher and the scheduler running."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from bot.core.clock import FrozenClock
from tests.support.live import TIMEOUT, LiveBot, register, report
from tests.support.people import MANAGER_ID
from tests.support.seed import NORD_PHONE

pytestmark = pytest.mark.manager_chat(manager_locale="bg")


async def test_urgent_report_escalation_and_export(live: LiveBot) -> None:
    ivan = live.user(8201, "Иван", "ru")
    await register(ivan, NORD_PHONE, "Здравствуйте, Иван", "Nord Pharma")
    confirmation = await report(
        ivan, "siemens xrey vizion", "Xray Vision 5500", "Рентген не включается"
    )
    assert "Заявка #1 зарегистрирована" in confirmation

    managers = live.managers
    alert = await managers.wait_for(
        lambda m: "#1" in m.content and "Nord Pharma" in m.content, timeout=TIMEOUT
    )
    assert "🟠" in alert.content  # urgent is marked
    assert "Клиент: Nord Pharma" in alert.content  # in Bulgarian
    assert "Рентген не включается" in alert.content
    assert alert.buttons, "managers can act on the alert"

    clock = live.app.engine.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(timedelta(hours=1))  # nobody accepted it
    await live.bot.scheduler.run_due()
    escalation = await managers.wait_for(
        lambda m: "⏰" in m.content and "#1" in m.content, timeout=TIMEOUT
    )
    assert "Спешна" in escalation.content
    await live.bot.scheduler.run_due()  # the same period again: no second escalation
    await managers.wait_idle()
    assert sum("⏰" in m.content for m in managers.messages) == 1

    boss = live.user(MANAGER_ID, "Елена", "bg")
    managers.send_command(boss.person, "/export", "month")
    by_name: dict[str, bytes] = {}
    for suffix in (".csv", ".xlsx"):
        message = await managers.wait_for(
            lambda m, suffix=suffix: (m.document_name or "").endswith(suffix), timeout=TIMEOUT
        )
        assert message.document_bytes is not None
        by_name[suffix] = message.document_bytes

    text = by_name[".csv"].decode("utf-8-sig")  # a Bulgarian chat: ";" as its Excel expects
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == 2 and rows[1][0] == "#1"
    assert "Nord Pharma" in rows[1] and "SM-XR-5500" in rows[1]

    book = load_workbook(io.BytesIO(by_name[".xlsx"]))
    requests = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(requests) == 2 and requests[1][0] == "#1"
