"""The sandbox HTTP server: Bot API, file downloads and the control API on one aiohttp app.

Tests start one per test on port 0 and point the real aiogram or python-telegram-bot stack at
``base_url``; they act as people through :meth:`SandboxServer.user` and
:meth:`SandboxServer.group`.
"""

from __future__ import annotations

import logging
import mimetypes
import time
from types import TracebackType
from typing import Self

from aiohttp import web

from bot.sandbox import api, commands, control, sending  # noqa: F401  (they register methods)
from bot.sandbox.chats import PRIVATE, GroupChat
from bot.sandbox.errors import NOT_FOUND, UNAUTHORIZED, ApiError
from bot.sandbox.faults import SEND_METHODS, Faults, FloodLimits
from bot.sandbox.params import chat_ref, read_params
from bot.sandbox.registry import Call, lookup
from bot.sandbox.state import (
    DEFAULT_USERNAME,
    ApiCall,
    CallbackQueryRecord,
    SandboxState,
    bot_id_from_token,
)
from bot.sandbox.users import ChatView, SandboxGroup, SandboxUser

log = logging.getLogger(__name__)
MAX_UPLOAD = 60 * 1024 * 1024


def _reply(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.status)


class SandboxServer:
    """A local stand-in for the Telegram Bot API; all state lives in :attr:`state`."""

    def __init__(self, *, bot_username: str = DEFAULT_USERNAME, seed: int = 0) -> None:
        self.state = SandboxState(bot_username, seed)
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD)
        app[control.STATE_KEY] = self.state
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._download)
        control.add_routes(app)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on ``host:port`` (0 picks a free port); returns the base URL."""
        runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = runner.addresses[0][1]
        self.base_url = f"http://{host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        """Release long polls and injected delays, then close the server."""
        self.state.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- test-facing API ---------------------------------------------------------------------

    @property
    def faults(self) -> Faults:
        return self.state.faults

    @property
    def flood(self) -> FloodLimits:
        return self.state.flood

    @property
    def calls(self) -> list[ApiCall]:
        """Every Bot API call: ``(monotonic_time, bot_id, method, chat_id, http_status)``."""
        return self.state.calls

    @staticmethod
    def make_token(bot_id: int = 123456789) -> str:
        return f"{bot_id}:SANDBOX-{bot_id}"

    def bot(self, token: str, username: str | None = None) -> int:
        """Register a bot before it connects (so users default to it); returns its id."""
        bot_id = bot_id_from_token(token)
        if bot_id is None:
            raise ValueError(f"not a bot token: {token!r}")
        return self.state.bot(bot_id, username).bot_id

    def user(
        self,
        user_id: int,
        first_name: str = "Ivan",
        language_code: str | None = "ru",
        username: str | None = None,
        bot_token: str | None = None,
    ) -> SandboxUser:
        """A person whose private chat with the bot has id ``user_id``.

        Without ``bot_token`` the user talks to the only bot that has connected, resolved at the
        first action.
        """
        person = self.state.person(user_id, first_name, language_code or "", username or "")
        return SandboxUser(self.state, person, bot_token)

    def group(
        self,
        chat_id: int,
        title: str,
        type: str = "supergroup",
        is_forum: bool = False,
        username: str | None = None,
        bot_is_admin: bool = False,
        bot_token: str | None = None,
    ) -> SandboxGroup:
        """Register a group, supergroup (``is_forum`` for topics) or channel the bot can post in.

        In groups the bot is in privacy mode unless ``bot_is_admin``: it sees commands, mentions
        and replies to itself only.
        """
        if type not in ("group", "supergroup", "channel"):
            raise ValueError(f"unknown chat type {type!r}")
        group = self.state.groups.get(chat_id)
        if group is None:
            group = GroupChat(chat_id, title, type, is_forum, username, bot_is_admin)
            self.state.groups[chat_id] = group
        return SandboxGroup(self.state, group, bot_token)

    def chat(self, chat_id: int, bot_token: str | None = None) -> ChatView:
        """A reading view of any chat."""
        return ChatView(self.state, chat_id, bot_token)

    def redeliver(self, update_id: int, bot_token: str | None = None) -> None:
        """Queue an already delivered update again with the same ``update_id``."""
        self.state.resolve_bot(bot_token).updates.redeliver(update_id)

    def callbacks(self, bot_id: int | None = None) -> list[CallbackQueryRecord]:
        """Every button press so far, answered or not."""
        bots = [self.state.bots[bot_id]] if bot_id is not None else self.state.bots.values()
        return [record for bot in bots for record in bot.callbacks.values()]

    def unanswered_callbacks(self, bot_id: int | None = None) -> list[CallbackQueryRecord]:
        """Button presses the bot never answered (Telegram shows a spinner for those)."""
        return [record for record in self.callbacks(bot_id) if not record.answered]

    def file_bytes(self, file_id: str, bot_token: str | None = None) -> bytes:
        stored = self.state.resolve_bot(bot_token).files.get(file_id)
        if stored is None:
            raise KeyError(file_id)
        return stored.data

    # -- HTTP handlers -----------------------------------------------------------------------

    def _record(self, bot_id: int, method: str, chat: int | str | None, status: int) -> None:
        self.state.calls.append(ApiCall(time.monotonic(), bot_id, method, chat, status))

    def _chat_type(self, chat: int | str | None) -> str | None:
        if not isinstance(chat, int):
            return None
        if chat in self.state.groups:
            return self.state.groups[chat].type
        if chat in self.state.people:
            return PRIVATE
        return None

    async def _api(self, request: web.Request) -> web.StreamResponse:
        state = self.state
        bot_id = bot_id_from_token(request.match_info["token"])
        if bot_id is None:
            return _reply(UNAUTHORIZED)
        bot = state.bot(bot_id)
        found = lookup(request.match_info["method"])
        if found is None:
            self._record(bot_id, request.match_info["method"], None, NOT_FOUND.status)
            return _reply(NOT_FOUND)
        name, handler = found
        try:
            params = await read_params(request)
        except ApiError as error:
            self._record(bot_id, name, None, error.status)
            return _reply(error)
        chat = chat_ref(params)
        if state.faults.latency:
            await state.sleep(state.faults.latency)
        fault = state.faults.decide(name.lower())
        if fault is not None:
            if fault.kind == "timeout":
                self._record(bot_id, name, chat, 0)
                await state.sleep(fault.delay)
                return _reply(ApiError(504, "Gateway Timeout"))
            refusal = fault.error()
            self._record(bot_id, name, chat, refusal.status)
            return _reply(refusal)
        counted = name.lower() in SEND_METHODS and isinstance(chat, int)
        chat_type = self._chat_type(chat)
        if counted and chat_type is not None and isinstance(chat, int):
            limited = state.flood.check(bot_id, chat, chat_type, time.monotonic())
            if limited is not None:
                self._record(bot_id, name, chat, limited.status)
                return _reply(limited)
        try:
            result = await handler(Call(state, bot, name, params))
        except ApiError as error:
            self._record(bot_id, name, chat, error.status)
            return _reply(error)
        except Exception as exc:
            log.exception("sandbox failed on %s", name)
            self._record(bot_id, name, chat, 500)
            return _reply(ApiError(500, f"Internal Server Error: sandbox bug: {exc!r}"))
        if counted and chat_type is not None and isinstance(chat, int):
            # Telegram counts each message of an album against the limits.
            for _ in range(len(result) if isinstance(result, list) else 1):
                state.flood.record(bot_id, chat, chat_type, time.monotonic())
        self._record(bot_id, name, chat, 200)
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        bot_id = bot_id_from_token(request.match_info["token"])
        if bot_id is None:
            return _reply(UNAUTHORIZED)
        bot = self.state.bots.get(bot_id)
        stored = bot.files.by_path(request.match_info["file_path"]) if bot else None
        if stored is None:
            return _reply(NOT_FOUND)
        content_type = stored.mime_type or mimetypes.guess_type(stored.file_path)[0]
        return web.Response(
            body=stored.data, content_type=content_type or "application/octet-stream"
        )
