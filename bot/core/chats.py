"""Where a route makes sense: the person's private chat, the managers' chat, or neither.

Private data (tickets, equipment, dialogs) is shown only in a private chat. The managers'
chat (``FIELDBOT_MANAGER_CHAT_ID``) takes the routes managers use; any other group,
supergroup or channel takes none, and the router answers there with
:attr:`~bot.core.router.Router.elsewhere` instead (a pointer to the private chat, never data).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from bot.config import Settings
from bot.core.events import Incoming
from storage.models import Role

PRIVATE = "private"


class Place(StrEnum):
    PRIVATE = "private"
    MANAGERS = "managers"  # the managers' chat
    ELSEWHERE = "elsewhere"  # any other group, supergroup or channel


PRIVATE_ONLY = frozenset({Place.PRIVATE})
STAFF_ROOM = frozenset({Place.PRIVATE, Place.MANAGERS})


def place_of(event: Incoming, settings: Settings) -> Place:
    if event.chat_type == PRIVATE:
        return Place.PRIVATE
    if settings.manager_chat_id is not None and event.chat_id == settings.manager_chat_id:
        return Place.MANAGERS
    return Place.ELSEWHERE


def default_places(roles: Iterable[Role]) -> frozenset[Place]:
    """Routes for managers (alone or with engineers: buttons on the managers' alerts) also work
    in the managers' chat; a route a client may use is for the private chat only."""
    allowed = frozenset(roles)
    if Role.MANAGER in allowed and Role.CLIENT not in allowed:
        return STAFF_ROOM
    return PRIVATE_ONLY
