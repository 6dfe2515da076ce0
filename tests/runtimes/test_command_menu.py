"""Telegram's "/" menu, end to end: both runtimes set and remove command lists, and the real
bot on aiogram and on python-telegram-bot sets its lists in the sandbox so that each person's
app lists their role's commands in their language (the sandbox resolves scopes and languages
as Telegram's apps do).

The expected lists of the bot are today's /help lines (tests/support/texts.py); they need every
helper's ``help=`` to be merged.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.app import App
from bot.core.replies import BotCommand, SetCommands
from bot.runner import running_bot
from bot.runtimes.base import Rejected
from bot.runtimes.factory import RUNTIMES, create_runtime
from bot.sandbox import SandboxGroup, SandboxServer, SandboxUser
from tests.support.delivery import FAST
from tests.support.people import MANAGER_CHAT, MANAGER_ID, make_engineer
from tests.support.sandbox import Running
from tests.support.seed import seed_app
from tests.support.texts import command_lines

pytestmark = pytest.mark.manager_chat(manager_locale="bg")
BOSS, PETAR = MANAGER_ID, 950  # the suite's only admin; an engineer
WAIT = 10.0


@dataclass
class World:
    sandbox: SandboxServer
    managers: SandboxGroup
    petar: SandboxUser  # an engineer who speaks Bulgarian to the bot, his app is English
    maria: SandboxUser  # a client, Russian
    hans: SandboxUser  # a client whose app speaks a language the bot does not
    boss: SandboxUser  # an admin who has not written to the bot yet; his app is Russian


@pytest.fixture(params=RUNTIMES)
async def world(request: pytest.FixtureRequest, app: App) -> AsyncIterator[World]:
    await seed_app(app)
    await make_engineer(app, PETAR, locale="bg")
    async with SandboxServer() as sandbox:
        token = sandbox.make_token()
        sandbox.bot(token)
        world = World(
            sandbox,
            sandbox.group(MANAGER_CHAT, "Service managers", bot_is_admin=True),
            sandbox.user(PETAR, "Petar", "en"),
            sandbox.user(951, "Maria", "ru"),
            sandbox.user(952, "Hans", "de"),
            sandbox.user(BOSS, "Boss", "ru"),
        )
        world.petar.open_chat()  # he started the bot before this process did
        runtime = create_runtime(request.param, token, app.engine.handle, sandbox.base_url)
        async with running_bot(app, runtime, delivery=FAST):
            world.boss.send_command("/start")  # answered after the menus are set at start-up
            await world.boss.wait_for("Здравствуйте", WAIT)
            await world.boss.wait_idle()
            yield world


async def test_each_person_sees_their_roles_commands_in_their_language(world: World) -> None:
    assert world.petar.command_menu == command_lines("engineer", "bg")
    assert world.maria.command_menu == command_lines("client", "ru")
    assert world.hans.command_menu == command_lines("client", "en")
    assert world.managers.command_menu(world.boss) == command_lines("manager", "bg")
    assert world.boss.command_menu == command_lines("manager", "ru")  # set by his /start


async def test_the_menu_follows_a_language_change(world: World) -> None:
    maria = world.maria
    maria.send_command("/language")
    await maria.wait_for("Выберите язык", WAIT)
    maria.press("Български")
    await maria.wait_for("Език: Български", WAIT)
    await maria.wait_idle()
    assert maria.command_menu == command_lines("client", "bg")
    maria.send_command("/language")
    await maria.wait_for("Изберете език", WAIT)
    maria.press("Русский")
    await maria.wait_for("Язык: Русский", WAIT)
    await maria.wait_idle()
    assert maria.command_menu == command_lines("client", "ru")  # the list for all Russian apps


async def test_a_redeemed_invite_brings_the_engineers_menu(world: World) -> None:
    world.boss.send_command("/invite", "engineer")
    invite = await world.boss.wait_for(lambda message: "inv_" in message.content, WAIT)
    payload = re.search(r"inv_[\w-]+", invite.content)
    assert payload is not None
    ivan = world.sandbox.user(953, "Ivan", "ru")
    ivan.send_command("/start", payload.group(0))
    await ivan.wait_for("Теперь вы выездной инженер.", WAIT)
    await ivan.wait_idle()
    assert ivan.command_menu == command_lines("engineer", "ru")


async def test_runtimes_set_and_remove_command_lists(running: Running) -> None:
    anna = running.sandbox.user(1201, "Anna", "bg")
    anna.send_text("hi")
    await anna.wait_for("echo: hi", WAIT)
    runtime = running.runtime
    await runtime.execute(SetCommands((BotCommand("report", "сигнал"),), language_code="bg"))
    await runtime.execute(SetCommands((BotCommand("jobs", "заявки"),), chat_id=anna.user_id))
    assert anna.command_menu == [("jobs", "заявки")]
    await runtime.execute(SetCommands((), chat_id=anna.user_id))
    assert anna.command_menu == [("report", "сигнал")]
    with pytest.raises(Rejected, match=r"(?i)chat not found"):
        await runtime.execute(SetCommands((BotCommand("jobs", "заявки"),), chat_id=404))
