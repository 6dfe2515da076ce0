"""Keyboard validation with Telegram's error texts, and helpers to read keyboards back."""

from __future__ import annotations

from typing import Any

from bot.sandbox.errors import bad_request

CALLBACK_DATA_MAX_BYTES = 64
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def drop_nones(value: Any) -> Any:
    """Clients differ in whether they send null fields; compare markups without them."""
    if isinstance(value, dict):
        return {k: drop_nones(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nones(v) for v in value]
    return value


def normalize_markup(raw: Any) -> dict[str, Any] | None:
    """Validate a ``reply_markup`` object as Telegram would and return it without nulls."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    markup: dict[str, Any] = drop_nones(raw)
    if "inline_keyboard" in markup:
        markup["inline_keyboard"] = _inline_rows(markup["inline_keyboard"])
    elif "keyboard" in markup:
        markup["keyboard"] = _reply_rows(markup["keyboard"])
    elif not markup.get("remove_keyboard") and not markup.get("force_reply"):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def inline_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Telegram echoes only inline keyboards in ``Message.reply_markup``."""
    if markup and "inline_keyboard" in markup:
        return markup
    return None


def _rows(raw: Any) -> list[list[Any]]:
    if not isinstance(raw, list) or not all(isinstance(row, list) for row in raw):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return raw


def _inline_rows(raw: Any) -> list[list[dict[str, Any]]]:
    rows = _rows(raw)
    for row in rows:
        for button in row:
            _check_inline_button(button)
    return rows


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [name for name in _INLINE_ACTIONS if name in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_INVALID")
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode()) if isinstance(data, str) else 0
        if not 1 <= size <= CALLBACK_DATA_MAX_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://")):
            raise bad_request("BUTTON_URL_INVALID")


def _reply_rows(raw: Any) -> list[list[dict[str, Any]]]:
    rows = _rows(raw)
    normalized: list[list[dict[str, Any]]] = []
    for row in rows:
        buttons: list[dict[str, Any]] = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse keyboard button: text must be non-empty")
            buttons.append(button)
        normalized.append(buttons)
    return normalized


def inline_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    """All inline buttons, row by row."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [button for row in markup["inline_keyboard"] for button in row]


def reply_keyboard(markup: dict[str, Any] | None) -> list[list[str]] | None:
    """Button texts of a reply keyboard; None when the markup is not one."""
    if not markup or "keyboard" not in markup:
        return None
    return [[button["text"] for button in row] for row in markup["keyboard"]]
