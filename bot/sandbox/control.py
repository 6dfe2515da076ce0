"""A small JSON API under ``/sandbox/`` so a browser page can play the people's side.

Answers are ``{"ok": true, "result": ...}`` or ``{"ok": false, "error": "..."}``. The bot is
chosen by a ``bot`` query or body field (token or id); with one bot connected it is implied.
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox import actions
from bot.sandbox.chats import GroupChat, Person
from bot.sandbox.state import BotState, SandboxState

STATE_KEY = web.AppKey("sandbox_state", SandboxState)
MAX_WAIT = 60.0


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _fail(status: int, error: str) -> web.Response:
    return web.json_response({"ok": False, "error": error}, status=status)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError as exc:
        raise web.HTTPBadRequest(text="body must be JSON") from exc
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return body


def _bot(request: web.Request, body: dict[str, Any]) -> BotState:
    ref = body.get("bot", request.query.get("bot"))
    return request.app[STATE_KEY].resolve_bot(ref if ref is None else str(ref))


UserAction = Callable[[SandboxState, BotState, Person, dict[str, Any]], Any]
Route = Callable[[web.Request], Awaitable[web.Response]]


def _user_action(handler: UserAction) -> Route:
    """Common work of the ``/sandbox/users/{id}/...`` routes: profile, bot, errors."""

    async def route(request: web.Request) -> web.Response:
        state = request.app[STATE_KEY]
        try:
            body = await _body(request)
            user_id = int(request.match_info["user_id"])
            person = state.person(
                user_id,
                first_name=body.get("first_name"),
                language_code=body.get("language_code"),
                username=body.get("username"),
            )
            bot = _bot(request, body)
            result = handler(state, bot, person, body)
        except (LookupError, ValueError, TypeError) as exc:
            return _fail(400, str(exc))
        return _ok(result)

    return route


def _message_result(posted: tuple[Any, int | None]) -> dict[str, Any]:
    message, update_id = posted
    return {"message": message.to_json(), "update_id": update_id}


def _where(body: dict[str, Any]) -> dict[str, int | None]:
    """The chat (None: the person's private chat) and the message answered with Reply."""
    chat_id, reply_to = body.get("chat_id"), body.get("reply_to")
    return {
        "chat_id": None if chat_id is None else int(chat_id),
        "reply_to": None if reply_to is None else int(reply_to),
    }


def _caption(body: dict[str, Any]) -> str | None:
    return str(body.get("caption") or "") or None


@_user_action
def user_text(state: SandboxState, bot: BotState, person: Person, body: dict[str, Any]) -> Any:
    text = str(body.get("text", ""))
    if not text:
        raise ValueError("text is required")
    return _message_result(actions.post(state, bot, person, **_where(body), text=text))


@_user_action
def user_press(state: SandboxState, bot: BotState, person: Person, body: dict[str, Any]) -> Any:
    chat_id = int(body.get("chat_id") or person.id)
    message_id = body.get("message_id")
    if message_id is None:
        message, data = actions.find_button_message(bot, chat_id, str(body.get("label", "")))
    else:
        found = bot.message(chat_id, int(message_id))
        if found is None:
            raise LookupError(f"no message {message_id} in chat {chat_id}")
        message = found
        data = str(body["data"]) if "data" in body else ""
        if not data:
            button = message.find_button(str(body.get("label", "")))
            if button is None:
                raise LookupError("give data or the label of a button on that message")
            data = actions.callback_data(message, button)
    return {"callback_query_id": actions.press(bot, person, message, data)}


@_user_action
def user_contact(state: SandboxState, bot: BotState, person: Person, body: dict[str, Any]) -> Any:
    phone = str(body.get("phone", ""))
    if not phone:
        raise ValueError("phone is required")
    contact = {"phone_number": phone, "first_name": person.first_name, "user_id": person.id}
    return _message_result(actions.post(state, bot, person, contact=contact))


@_user_action
def user_location(state: SandboxState, bot: BotState, person: Person, body: dict[str, Any]) -> Any:
    location = {"latitude": float(body["latitude"]), "longitude": float(body["longitude"])}
    return _message_result(actions.post(state, bot, person, location=location))


@_user_action
def user_photo(state: SandboxState, bot: BotState, person: Person, body: dict[str, Any]) -> Any:
    sizes = tuple(size.as_photo_size() for size in bot.files.add_photo())
    return _message_result(
        actions.post(state, bot, person, **_where(body), photo=sizes, caption=_caption(body))
    )


@_user_action
def user_document(state: SandboxState, bot: BotState, person: Person, body: dict[str, Any]) -> Any:
    name = str(body.get("file_name") or "document.pdf")
    stored = bot.files.add_document(
        f"sandbox document {name}".encode(), name, mimetypes.guess_type(name)[0]
    )
    return _message_result(
        actions.post(
            state,
            bot,
            person,
            **_where(body),
            document=stored.as_document(),
            document_bytes=stored.data,
            caption=_caption(body),
        )
    )


@_user_action
def user_voice(state: SandboxState, bot: BotState, person: Person, body: dict[str, Any]) -> Any:
    voice = bot.files.add_voice(duration=int(body.get("duration") or 3)).as_voice()
    return _message_result(
        actions.post(state, bot, person, **_where(body), voice=voice, caption=_caption(body))
    )


@_user_action
def user_video(state: SandboxState, bot: BotState, person: Person, body: dict[str, Any]) -> Any:
    video = bot.files.add_video(duration=int(body.get("duration") or 5)).as_video()
    return _message_result(
        actions.post(state, bot, person, **_where(body), video=video, caption=_caption(body))
    )


async def chat_messages(request: web.Request) -> web.Response:
    """Long-poll a chat's log: events (both sides, edits, deletions, answers) after ``after``."""
    state = request.app[STATE_KEY]
    try:
        chat_id = int(request.match_info["chat_id"])
        after = int(request.query.get("after", "0"))
        wait = min(float(request.query.get("wait", "0")), MAX_WAIT)
        bot = _bot(request, {})
    except (LookupError, ValueError) as exc:
        return _fail(400, str(exc))
    deadline = time.monotonic() + wait
    events = bot.events(chat_id, after)
    while not events and not state.closing.is_set():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        await bot.changed.wait(remaining)
        events = bot.events(chat_id, after)
    last_seq = events[-1].seq if events else after
    return _ok({"events": [event.to_json() for event in events], "last_seq": last_seq})


async def list_chats(request: web.Request) -> web.Response:
    """Chats with activity, newest first, so a page can offer them."""
    state = request.app[STATE_KEY]
    try:
        bot = _bot(request, {})
    except (LookupError, ValueError) as exc:
        return _fail(400, str(exc))
    chats = []
    for chat_id in bot.chat_ids():
        if chat_id in state.groups:
            chats.append(state.groups[chat_id].as_chat())
        elif chat_id in state.people:
            chats.append(state.people[chat_id].as_chat())
    return _ok(chats)


async def register_group(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        body = await _body(request)
        chat_id = int(body["chat_id"])
        group = GroupChat(
            id=chat_id,
            title=str(body.get("title") or f"Group {chat_id}"),
            type=str(body.get("type") or "supergroup"),
            is_forum=bool(body.get("is_forum", False)),
            username=body.get("username"),
            bot_is_admin=bool(body.get("bot_is_admin", False)),
        )
    except (KeyError, ValueError, TypeError) as exc:
        return _fail(400, f"bad group: {exc}")
    state.groups[chat_id] = group
    return _ok(group.as_chat())


async def list_bots(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    return _ok([bot.me() for bot in state.bots.values()])


def add_routes(app: web.Application) -> None:
    app.router.add_post("/sandbox/users/{user_id}/text", user_text)
    app.router.add_post("/sandbox/users/{user_id}/press", user_press)
    app.router.add_post("/sandbox/users/{user_id}/contact", user_contact)
    app.router.add_post("/sandbox/users/{user_id}/location", user_location)
    app.router.add_post("/sandbox/users/{user_id}/photo", user_photo)
    app.router.add_post("/sandbox/users/{user_id}/document", user_document)
    app.router.add_post("/sandbox/users/{user_id}/voice", user_voice)
    app.router.add_post("/sandbox/users/{user_id}/video", user_video)
    app.router.add_get("/sandbox/chats", list_chats)
    app.router.add_get("/sandbox/chats/{chat_id}/messages", chat_messages)
    app.router.add_post("/sandbox/groups", register_group)
    app.router.add_get("/sandbox/bots", list_bots)
