"""No silent drops: without ``FIELDBOT_MANAGER_CHAT_ID`` the managers' alerts go to each
manager privately, in their own language, and stay live; with nobody at all, start-up warns
once and /complaint promises nothing it cannot keep."""

from __future__ import annotations

import logging

import pytest

from bot.app import App
from bot.runner import warn_if_managers_unheard
from storage.models import Role
from tests.support.chat import FlowChat
from tests.support.outbox import edits, outbox
from tests.support.people import MANAGER_ID, OTHER_MANAGER_ID, make_person
from tests.support.steps import report


async def test_alerts_reach_each_manager_privately_and_stay_live(
    client: FlowChat, engineer: FlowChat, caplog: pytest.LogCaptureFixture
) -> None:
    app = client.app
    assert app.settings.manager_chat_id is None and MANAGER_ID in app.settings.admins
    await make_person(app, MANAGER_ID, Role.MANAGER, "Olga")  # the admin
    await make_person(app, OTHER_MANAGER_ID, Role.MANAGER, "Борис", locale="ru")  # invited
    with caplog.at_level(logging.WARNING):
        assert not await warn_if_managers_unheard(app)
    assert "nobody will receive" not in caplog.text

    await report(client)
    olga, boris = await outbox(app, kind="new_ticket")
    assert (olga.chat_id, boris.chat_id) == (MANAGER_ID, OTHER_MANAGER_ID)
    assert olga.text.startswith("🟠 New request #1 · breakdown · urgent")
    assert "Клиент: Acme Coffee Sofia" in boris.text  # Boris reads Russian

    await engineer.press_data("jb:acc:1")
    [edited] = await edits(app, olga)
    assert edited.text.endswith("👷 Now: taken by Petar")
    assert (await edits(app, boris))[-1].text.endswith("Petar")  # edited in Russian


async def test_complaint_with_nobody_to_hear_it(
    client: FlowChat, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    app.settings.admins = frozenset()  # no chat, no admins, no invited manager
    with caplog.at_level(logging.WARNING):
        assert await warn_if_managers_unheard(app)
    assert caplog.text.count("nobody will receive the managers' alerts") == 1
    await client.say("/complaint")
    await client.say("The engineer did not come on Friday and nobody called")
    assert "Your complaint is recorded" in client.joined()
    assert "with our service managers" not in client.joined()
    assert await outbox(app, kind="complaint") == []
