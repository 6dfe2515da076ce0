"""Command lists in the sandbox: set, read and removed per scope and language as Telegram does,
refused where Telegram refuses, and resolved into the "/" menu each person's app shows."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
import telegram
from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

from bot.sandbox import SandboxServer
from tests.support.sandbox import api

HELP = [{"command": "help", "description": "Help"}]


def commands(*names: str, description: str = "does it") -> list[dict[str, str]]:
    return [{"command": name, "description": description} for name in names]


async def refusal(http: aiohttp.ClientSession, sandbox: SandboxServer, **params: Any) -> str:
    status, answer = await api(http, sandbox, "setMyCommands", **params)
    assert status == 400 and not answer["ok"]
    return str(answer["description"])


async def test_lists_are_kept_per_scope_and_language(
    sandbox: SandboxServer, aiogram_bot: Bot
) -> None:
    sandbox.user(42, language_code="ru").send_text("hi")
    private = BotCommandScopeAllPrivateChats()
    chat = BotCommandScopeChat(chat_id=42)
    assert await aiogram_bot.set_my_commands([BotCommand(command="a", description="A")])
    assert await aiogram_bot.set_my_commands(
        [BotCommand(command="b", description="Б")], scope=private, language_code="ru"
    )
    assert await aiogram_bot.set_my_commands([BotCommand(command="c", description="C")], chat)
    assert [c.command for c in await aiogram_bot.get_my_commands()] == ["a"]
    assert await aiogram_bot.get_my_commands(scope=private) == []  # exactly that list, no other
    ru = await aiogram_bot.get_my_commands(scope=private, language_code="ru")
    assert [(c.command, c.description) for c in ru] == [("b", "Б")]
    assert [c.command for c in await aiogram_bot.get_my_commands(scope=chat)] == ["c"]
    assert await aiogram_bot.delete_my_commands(scope=chat)
    assert await aiogram_bot.get_my_commands(scope=chat) == []


async def test_ptb_sets_and_reads_a_chat_list(
    sandbox: SandboxServer, ptb_bot: telegram.Bot
) -> None:
    sandbox.user(42).send_text("hi")
    scope = telegram.BotCommandScopeChat(42)
    assert await ptb_bot.set_my_commands([("jobs", "Open jobs")], scope=scope, language_code="bg")
    listed = await ptb_bot.get_my_commands(scope=scope, language_code="bg")
    assert [(c.command, c.description) for c in listed] == [("jobs", "Open jobs")]
    assert await ptb_bot.set_my_commands([], scope=scope, language_code="bg")  # none: removed
    assert await ptb_bot.get_my_commands(scope=scope, language_code="bg") == ()


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"commands": commands("Start")}, "BOT_COMMAND_INVALID"),
        ({"commands": commands("/start")}, "BOT_COMMAND_INVALID"),
        ({"commands": commands("x" * 33)}, "BOT_COMMAND_INVALID"),
        ({"commands": commands("ok", description="")}, "BOT_COMMAND_DESCRIPTION_INVALID"),
        ({"commands": commands("ok", description="x" * 257)}, "BOT_COMMAND_DESCRIPTION_INVALID"),
        ({"commands": commands(*(f"c{n}" for n in range(101)))}, "BOT_COMMANDS_TOO_MUCH"),
        ({"commands": {"command": "help"}}, "can't parse commands JSON array"),
        ({"commands": HELP, "language_code": "english"}, "LANGUAGE_CODE_INVALID"),
        ({"commands": HELP, "scope": {"type": "everyone"}}, "can't parse BotCommandScope"),
        ({"commands": HELP, "scope": {"type": "chat", "chat_id": 777}}, "chat not found"),
        ({"commands": HELP, "scope": {"type": "chat"}}, "chat_id is empty"),
    ],
)
async def test_refused_like_telegram(
    sandbox: SandboxServer, http: aiohttp.ClientSession, params: dict[str, Any], reason: str
) -> None:
    assert reason in await refusal(http, sandbox, **params)


async def test_limits_themselves_are_accepted(
    sandbox: SandboxServer, http: aiohttp.ClientSession
) -> None:
    longest = commands(*(f"c{n}" for n in range(100)), description="x" * 256)
    longest[0]["command"] = "a" * 32
    status, answer = await api(http, sandbox, "setMyCommands", commands=longest)
    assert status == 200 and answer["result"] is True


async def test_the_menu_a_person_sees(sandbox: SandboxServer, http: aiohttp.ClientSession) -> None:
    """The most specific list there is: the chat's, then all private chats', then the default;
    at each, the person's language first."""
    anna = sandbox.user(42, language_code="ru")
    bob = sandbox.user(43, language_code="de-AT")
    group = sandbox.group(-100, "Team")
    for user in (anna, bob):
        user.send_text("hi")
    await api(http, sandbox, "setMyCommands", commands=commands("everyone"))
    assert anna.command_menu == bob.command_menu == [("everyone", "does it")]
    await api(http, sandbox, "setMyCommands", commands=commands("ru"), language_code="ru")
    assert anna.command_menu == [("ru", "does it")]
    private = {"type": "all_private_chats"}
    await api(http, sandbox, "setMyCommands", commands=commands("private"), scope=private)
    assert anna.command_menu == bob.command_menu == [("private", "does it")]
    await api(http, sandbox, "setMyCommands", commands=commands("de"), language_code="de")
    assert bob.command_menu == [("private", "does it")]  # a broader scope's language loses
    chat = {"type": "chat", "chat_id": 42}
    await api(http, sandbox, "setMyCommands", commands=commands("mine"), scope=chat)
    assert anna.command_menu == [("mine", "does it")]
    assert group.command_menu(anna) == [("ru", "does it")]  # groups skip the private lists
    team = {"type": "chat", "chat_id": -100}
    await api(http, sandbox, "setMyCommands", commands=commands("team"), scope=team)
    member = {"type": "chat_member", "chat_id": -100, "user_id": 43}
    await api(http, sandbox, "setMyCommands", commands=commands("bob"), scope=member)
    assert group.command_menu(anna) == [("team", "does it")]
    assert group.command_menu(bob) == [("bob", "does it")]
    await api(http, sandbox, "deleteMyCommands", scope=chat)
    assert anna.command_menu == [("private", "does it")]
