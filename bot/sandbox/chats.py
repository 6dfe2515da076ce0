"""The people and group chats of the simulated Telegram world, shared by every bot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PRIVATE = "private"
GROUP_TYPES = ("group", "supergroup", "channel")


@dataclass(slots=True)
class Person:
    """A simulated Telegram account; its private chat with a bot has the same id."""

    id: int
    first_name: str = "Ivan"
    language_code: str | None = "ru"
    username: str | None = None
    last_name: str | None = None

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": PRIVATE, "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass(slots=True)
class GroupChat:
    """A group, supergroup (maybe a forum) or channel that bots may post into."""

    id: int
    title: str
    type: str = "supergroup"
    is_forum: bool = False
    username: str | None = None
    bot_is_admin: bool = False
    topics: dict[int, str] = field(default_factory=dict)

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": self.type, "title": self.title}
        if self.username:
            chat["username"] = self.username
        if self.is_forum:
            chat["is_forum"] = True
        return chat


def full_info(chat: dict[str, Any]) -> dict[str, Any]:
    """``getChat`` answers with ChatFullInfo, whose extra fields both frameworks require."""
    return {
        **chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }
