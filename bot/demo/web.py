"""The demo page server: three phone-like chats in one browser page.

The page plays the people's side through the sandbox's own control API (``/sandbox/...``),
mounted here on the sandbox's state so the page needs one origin and no proxy. A few
``/demo/...`` routes add what only the demo knows: who the panes are, switching a pane's
language through the bot's own /language flow, sending the stock photo, document and voice
note (as a Telegram reply when the person chose one), and serving the chat's files.
"""

from __future__ import annotations

import secrets
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.app import App
from bot.config import SUPPORTED_LOCALES
from bot.core.router import Router
from bot.demo.data import CUSTOMER, ENGINEER, GROUP, MANAGER, DemoPerson
from bot.demo.picture import breakdown_png
from bot.demo.stock import DOCUMENT_NAME, VOICE_SECONDS, voice_note_wav, warranty_pdf
from bot.sandbox import SandboxMessage, SandboxServer, actions, control
from bot.sandbox.state import BotState
from storage.models import Role

STATIC = Path(__file__).with_name("static")
LANGUAGE_WAIT = 15.0
# Commands offered as chips first, in this order; any other command of the role follows.
QUIET_COMMANDS = frozenset({"cancel", "language"})  # the page has its own language menu


@dataclass(frozen=True)
class Pane:
    """One phone on the page: whose it is, and which chat it shows."""

    key: str
    title: str
    subtitle: str
    person: DemoPerson
    chat_id: int
    group: bool = False

    @property
    def chat_ref(self) -> int | None:
        """The ``chat_id`` the control API wants: None for the person's private chat."""
        return self.chat_id if self.group else None


PANES = (
    Pane("customer", "Customer", "Maria · Café Vitosha, Sofia", CUSTOMER, CUSTOMER.user_id),
    Pane("engineer", "Engineer", "Petar · field engineer, Sofia", ENGINEER, ENGINEER.user_id),
    Pane("manager", GROUP.title, "Elena (manager) and the bot", MANAGER, GROUP.chat_id, True),
)
PANES_BY_KEY = {pane.key: pane for pane in PANES}


def commands_for(router: Router, role: Role) -> list[str]:
    """The role's commands as chips, in /help's order: the bot's own command table."""
    return [
        f"/{command.name}"
        for command in router.commands_for(role)
        if command.name not in QUIET_COMMANDS
    ]


def stock_file(bot: BotState, kind: str) -> dict[str, Any]:
    """A new copy of the stock file of this kind in the bot's store, as message fields."""
    if kind == "photo":
        sizes = bot.files.add_photo(breakdown_png())
        return {"photo": tuple(size.as_photo_size() for size in sizes)}
    if kind == "document":
        stored = bot.files.add_document(warranty_pdf(), DOCUMENT_NAME, "application/pdf")
        return {"document": stored.as_document(), "document_bytes": stored.data}
    voice = bot.files.add_voice(voice_note_wav(), VOICE_SECONDS, mime_type="audio/wav")
    return {"voice": voice.as_voice()}


def sniff(data: bytes) -> str | None:
    """The type of an image by its first bytes (the stock photo is a PNG stored as a photo)."""
    if data.startswith(b"\x89PNG"):
        return "image/png"
    return None


async def _json(request: web.Request) -> dict[str, Any]:
    """The request's JSON object; ``{}`` without a body, 400 for anything else."""
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return body


class DemoPage:
    """The aiohttp app of the page; it shares the sandbox's state and the bot's settings."""

    def __init__(self, sandbox: SandboxServer, token: str, app: App) -> None:
        self.sandbox = sandbox
        self.token = token
        self.app = app
        self.url = ""
        self.boot = secrets.token_hex(4)  # the page reloads when the demo was restarted
        self._runner: web.AppRunner | None = None

    @property
    def bot(self) -> BotState:
        return self.sandbox.state.resolve_bot(self.token)

    def make_app(self) -> web.Application:
        app = web.Application()
        app[control.STATE_KEY] = self.sandbox.state
        control.add_routes(app)
        app.router.add_get("/", self.index)
        app.router.add_get("/demo/config", self.config)
        app.router.add_post("/demo/panes/{pane}/language", self.language)
        app.router.add_post("/demo/panes/{pane}/{kind:photo|document|voice}", self.attach)
        app.router.add_get("/demo/files/{file_id}", self.file)
        app.router.add_static("/static/", STATIC)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        self.url = f"http://{host}:{runner.addresses[0][1]}/"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- routes ------------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def config(self, request: web.Request) -> web.Response:
        panes = []
        for pane in PANES:
            person = self.sandbox.state.people.get(pane.person.user_id)
            location = pane.person.location
            panes.append(
                {
                    "key": pane.key,
                    "title": pane.title,
                    "subtitle": pane.subtitle,
                    "user_id": pane.person.user_id,
                    "first_name": pane.person.first_name,
                    "chat_id": pane.chat_id,
                    "group": pane.group,
                    "language": (person.language_code if person else None) or "en",
                    "phone": pane.person.phone,
                    "location": list(location) if location else None,
                    "commands": commands_for(self.app.engine.router, pane.person.role),
                }
            )
        languages = [
            {"code": code, "name": self.app.catalogs.get(code).language_name}
            for code in SUPPORTED_LOCALES
        ]
        result = {"panes": panes, "languages": languages, "boot": self.boot}
        return web.json_response({"ok": True, "result": result})

    def _pane(self, request: web.Request) -> Pane:
        pane = PANES_BY_KEY.get(request.match_info["pane"])
        if pane is None:
            raise web.HTTPNotFound(text="no such pane")
        return pane

    async def language(self, request: web.Request) -> web.Response:
        """Switch a pane's language the way a person would: the phone's language changes, and
        the person picks it in the bot's /language menu (the bot keeps each person's choice).
        For the managers' group this also sets the group's language for alerts."""
        pane = self._pane(request)
        body = await _json(request)
        language = str(body.get("language", ""))
        if language not in SUPPORTED_LOCALES:
            return web.json_response({"ok": False, "error": "unknown language"}, status=400)
        state, bot = self.sandbox.state, self.bot
        person = state.person(pane.person.user_id, language_code=language)
        after = bot.last_seq
        actions.post(state, bot, person, pane.chat_ref, text="/language")
        menu = await self._wait_for_button(bot, pane.chat_id, after, f"lang:{language}")
        if menu is None:
            return web.json_response({"ok": False, "error": "the bot did not answer"}, status=504)
        actions.press(bot, person, menu, f"lang:{language}")
        if pane.group:
            self.app.settings.manager_locale = language
        return web.json_response({"ok": True, "result": {"language": language}})

    async def _wait_for_button(
        self, bot: BotState, chat_id: int, after: int, data: str
    ) -> SandboxMessage | None:
        deadline = time.monotonic() + LANGUAGE_WAIT
        while time.monotonic() < deadline and not self.sandbox.state.closing.is_set():
            for event in bot.events(chat_id, after):
                message = event.message
                if message is not None and message.from_bot and message.find_button(data):
                    return bot.message(chat_id, message.message_id)
            await bot.changed.wait(deadline - time.monotonic())
        return None

    async def attach(self, request: web.Request) -> web.Response:
        """The person sends the stock photo, document or voice note (real files, so both sides
        can show, open or play them), with the caption typed and as a reply if one was chosen."""
        pane = self._pane(request)
        body = await _json(request)
        state, bot = self.sandbox.state, self.bot
        person = state.person(pane.person.user_id, language_code=body.get("language_code"))
        caption = str(body.get("caption") or "") or None
        reply_to = body.get("reply_to")
        try:
            message, update_id = actions.post(
                state,
                bot,
                person,
                pane.chat_ref,
                reply_to=None if reply_to is None else int(reply_to),
                caption=caption,
                **stock_file(bot, request.match_info["kind"]),
            )
        except (LookupError, ValueError) as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=400)
        return web.json_response(
            {"ok": True, "result": {"message": message.to_json(), "update_id": update_id}}
        )

    async def file(self, request: web.Request) -> web.Response:
        """A file from the chat, so the page can show, play or offer it."""
        stored = self.bot.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound(text="no such file")
        content_type = sniff(stored.data) or stored.mime_type or "application/octet-stream"
        headers = {}
        if stored.file_name:  # opened in the browser, saved under its own name
            quoted = urllib.parse.quote(stored.file_name)
            headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quoted}"
        return web.Response(body=stored.data, content_type=content_type, headers=headers)
