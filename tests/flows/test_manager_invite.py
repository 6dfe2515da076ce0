"""/invite: a single-use link (or the /start text without a bot username) that works once."""

from __future__ import annotations

import re

import pytest

from bot.app import App
from storage.models import Role
from tests.support.chat import FlowChat
from tests.support.people import MANAGERS, person

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)


async def test_invite_engineer_without_username_then_join(manager: FlowChat, seeded: App) -> None:
    await manager.say("/invite engineer")
    text = manager.joined()
    assert text.startswith("Invite for a new engineer. It works once and expires on Nov 25")
    assert "They open the bot and send:" in text
    command = re.search(r"/start inv_[\w-]+", text)
    assert command is not None
    newcomer = FlowChat(seeded, 777, "Dimitar")
    await newcomer.say(command.group(0))
    assert "You are now an engineer." in newcomer.joined()
    assert (await person(seeded, 777)).role is Role.ENGINEER
    other = FlowChat(seeded, 778, "Stranger")
    await other.say(command.group(0))
    assert "already been used" in other.joined()


async def test_invite_manager_link_from_buttons(manager: FlowChat, seeded: App) -> None:
    seeded.settings.bot_username = "@fieldbot_test_bot"
    await manager.say("/invite")
    assert manager.joined() == "Whom do you want to invite?"
    await manager.press("A manager")
    link = re.search(r"https://t\.me/fieldbot_test_bot\?start=(inv_[\w-]+)", manager.joined())
    assert link is not None and "Invite for a new manager" in manager.joined()
    newcomer = FlowChat(seeded, 779, "Elena")
    await newcomer.say(f"/start {link.group(1)}")
    assert (await person(seeded, 779)).role is Role.MANAGER
