"""Reading Bot API parameters the way Telegram does, whatever the client's encoding.

aiogram and python-telegram-bot send forms (urlencoded or multipart) where every value is a
string and objects are JSON strings; other clients send a JSON body with native values. Helpers
here accept both, and turn bad values into Telegram's 400 answers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from bot.sandbox.errors import bad_request


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


Params = dict[str, Any]


async def read_params(request: web.Request) -> Params:
    """Merge the query string with a JSON, urlencoded or multipart body."""
    params: Params = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise bad_request("can't parse JSON body") from exc
        if not isinstance(body, dict):
            raise bad_request("JSON body must be an object")
        params.update(body)
        return params
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, FileField):
                data = value.file.read()
                params[key] = Upload(value.filename, value.content_type, data)
            elif isinstance(value, bytes | bytearray):
                params[key] = bytes(value).decode("utf-8", "replace")
            else:
                params[key] = value
    return params


def get_str(params: Params, name: str) -> str | None:
    value = params.get(name)
    if value is None or isinstance(value, Upload):
        return None
    return value if isinstance(value, str) else str(value)


def get_int(params: Params, name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError as exc:
        raise bad_request(f"invalid {name} specified") from exc


def get_float(params: Params, name: str) -> float | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise bad_request(f"invalid {name} specified") from exc


def get_bool(params: Params, name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def get_json(params: Params, name: str) -> Any:
    """An object parameter: native in JSON bodies, a JSON string in forms."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad_request(f"can't parse {name} JSON object") from exc
    return value


def chat_ref(params: Params) -> int | str | None:
    """``chat_id`` as an int, or an ``@username`` string; None when absent."""
    value = params.get("chat_id")
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.startswith("@"):
        return text
    try:
        return int(text)
    except ValueError:
        return text
