"""The bot's command lists (``setMyCommands`` and friends) and the "/" menu a person sees.

Telegram keeps one list per scope and language. A person's app shows the most specific list
there is for the chat and the app's language (Telegram's "determining the list of commands"):
in a private chat ``chat`` → ``all_private_chats`` → ``default``; in a group ``chat_member`` →
``chat`` → ``all_group_chats`` → ``default``; at each scope the list of the person's language
first, then the one without a language. (The sandbox does not model who administers a group,
so the two administrator scopes are stored but never shown.)
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from bot.sandbox.chats import PRIVATE, Person
from bot.sandbox.errors import bad_request
from bot.sandbox.params import Params, chat_ref, get_int, get_json, get_str
from bot.sandbox.registry import Call, method
from bot.sandbox.state import BotState

MAX_COMMANDS = 100
DESCRIPTION_LIMIT = 256
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_GLOBAL_SCOPES = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators")
_CHAT_SCOPES = ("chat", "chat_administrators", "chat_member")


class Scope(NamedTuple):
    """A ``BotCommandScope``, normalised: the type and the ids it names."""

    type: str
    chat_id: int | None = None
    user_id: int | None = None


class CommandList(NamedTuple):
    """Where a list applies: a scope, and a language (``""`` for any)."""

    scope: Scope
    language: str


def _scope(call: Call) -> Scope:
    """The ``scope`` parameter, checked like Telegram: a known type, and a chat (and member)
    the bot can see for the chat scopes."""
    raw = get_json(call.params, "scope") or {"type": "default"}
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind in _GLOBAL_SCOPES:
        return Scope(kind)
    if kind not in _CHAT_SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    chat = call.state.chat_object(call.bot, chat_ref(raw))
    if kind != "chat" and chat["type"] == PRIVATE:
        raise bad_request("can't use the scope in a private chat")
    user_id = get_int(raw, "user_id") if kind == "chat_member" else None
    if kind == "chat_member" and user_id not in call.state.people:
        raise bad_request("user not found")
    return Scope(kind, int(chat["id"]), user_id)


def _key(call: Call) -> CommandList:
    language = get_str(call.params, "language_code") or ""
    if language and not _LANGUAGE.match(language):
        raise bad_request("LANGUAGE_CODE_INVALID")
    return CommandList(_scope(call), language)


def _commands(params: Params) -> list[dict[str, str]]:
    commands = get_json(params, "commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON array")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    checked = []
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND_NAME.match(
            str(command.get("command", ""))
        ):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(command.get("description") or "").strip()
        if not 1 <= len(description) <= DESCRIPTION_LIMIT:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": str(command["command"]), "description": description})
    return checked


@method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    commands = _commands(call.params)
    key = _key(call)
    if commands:
        call.bot.commands[key] = commands
    else:  # an empty list is no list: the broader one applies again
        call.bot.commands.pop(key, None)
    call.bot.touch()
    return True


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    call.bot.commands.pop(_key(call), None)
    call.bot.touch()
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, Any]]:
    return list(call.bot.commands.get(_key(call), []))


def command_menu(bot: BotState, person: Person, chat_id: int, group: bool) -> list[dict[str, str]]:
    """The commands ``person`` sees on pressing "/" in chat ``chat_id`` (their private chat
    unless ``group``), in their app's language where the bot set a list for it."""
    if group:
        scopes = [Scope("chat_member", chat_id, person.id), Scope("chat", chat_id)]
        scopes.append(Scope("all_group_chats"))
    else:
        scopes = [Scope("chat", chat_id), Scope("all_private_chats")]
    scopes.append(Scope("default"))
    language = (person.language_code or "")[:2].lower()
    for scope in scopes:
        for key in (CommandList(scope, language), CommandList(scope, "")):
            if key in bot.commands:
                return list(bot.commands[key])
    return []
