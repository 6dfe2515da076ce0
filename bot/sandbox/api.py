"""Bot API methods about the bot itself, updates, webhooks, chats and files.

Message-sending methods live in :mod:`bot.sandbox.sending`, command lists in
:mod:`bot.sandbox.commands`.
"""

from __future__ import annotations

import re
from typing import Any

from bot.sandbox.chats import full_info
from bot.sandbox.errors import ApiError, bad_request
from bot.sandbox.params import chat_ref, get_bool, get_int, get_json, get_str
from bot.sandbox.registry import Call, method

WEBHOOK_CONFLICT = ApiError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first",
)
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@method("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    return call.bot.me()


@method("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    if call.bot.webhook_url:
        raise WEBHOOK_CONFLICT
    allowed = get_json(call.params, "allowed_updates")
    if allowed is not None and not isinstance(allowed, list):
        raise bad_request("can't parse allowed_updates JSON array")
    return await call.bot.updates.get(
        offset=get_int(call.params, "offset"),
        limit=get_int(call.params, "limit") or 100,
        wait=float(get_int(call.params, "timeout") or 0),
        allowed_updates=allowed,
    )


@method("setWebhook")
async def set_webhook(call: Call) -> bool:
    url = get_str(call.params, "url") or ""
    secret = get_str(call.params, "secret_token")
    if url and not url.startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if get_bool(call.params, "drop_pending_updates"):
        call.bot.updates.drop_pending()
    call.bot.webhook_url = url
    call.bot.webhook_secret = secret if url else None
    return True


@method("deleteWebhook")
async def delete_webhook(call: Call) -> bool:
    if get_bool(call.params, "drop_pending_updates"):
        call.bot.updates.drop_pending()
    call.bot.webhook_url = ""
    call.bot.webhook_secret = None
    return True


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    return {
        "url": call.bot.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": call.bot.updates.pending_count,
    }


@method("logOut")
async def log_out(call: Call) -> bool:
    return True


@method("close")
async def close(call: Call) -> bool:
    return True


@method("setMyDescription")
async def set_my_description(call: Call) -> bool:
    return True


@method("setMyShortDescription")
async def set_my_short_description(call: Call) -> bool:
    return True


@method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    return True


@method("getChat")
async def get_chat(call: Call) -> dict[str, Any]:
    return full_info(call.state.chat_object(call.bot, chat_ref(call.params)))


@method("getFile")
async def get_file(call: Call) -> dict[str, Any]:
    file_id = get_str(call.params, "file_id")
    stored = call.bot.files.get(file_id or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.as_file()


@method("createForumTopic")
async def create_forum_topic(call: Call) -> dict[str, Any]:
    chat = call.state.chat_object(call.bot, chat_ref(call.params))
    group = call.state.groups.get(int(chat["id"]))
    if group is None or not group.is_forum:
        raise bad_request("the chat is not a forum")
    name = get_str(call.params, "name") or ""
    if not 1 <= len(name) <= 128:
        raise bad_request("TOPIC_NAME_INVALID")
    thread_id = call.bot.new_message_id(group.id)
    group.topics[thread_id] = name
    return {
        "message_thread_id": thread_id,
        "name": name,
        "icon_color": get_int(call.params, "icon_color") or 0x6FB9F0,
    }
