"""Routes an update to a handler: commands, button prefixes, dialogs, shared contact/location.

Roles are checked here once per handler group; services check again before changing data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from bot.core.context import Context
from bot.core.events import EventKind
from storage.models import Role

Handler = Callable[[Context], Awaitable[None]]
ALL_ROLES = frozenset(Role)
GLOBAL_EVENTS = frozenset({EventKind.CONTACT, EventKind.LOCATION})
MAX_ID = 2**31 - 1  # the database's INTEGER ids; offsets and ratings are far smaller


def plausible_callback(data: str) -> bool:
    """Numbers in our callback data are database ids, offsets or ratings; a bigger one was
    forged and would overflow the database's integer columns, so it never reaches a handler."""
    return all(not part.isdigit() or int(part) <= MAX_ID for part in data.split(":"))


@dataclass(frozen=True)
class Route:
    handler: Handler
    roles: frozenset[Role]


class Router:
    def __init__(self) -> None:
        self.commands: dict[str, Route] = {}
        self.callbacks: dict[str, Route] = {}
        self.dialogs: dict[str, Route] = {}
        self.events: dict[EventKind, Route] = {}
        self.fallback: Handler | None = None
        self.denied: Handler | None = None

    def _register(
        self, table: dict[str, Route] | dict[EventKind, Route], key: str, roles: Iterable[Role]
    ) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            if key in table:
                raise ValueError(f"{key!r} is routed twice")
            table[key] = Route(handler, frozenset(roles))  # type: ignore[index]
            return handler

        return decorator

    def command(
        self, name: str, roles: Iterable[Role] = ALL_ROLES
    ) -> Callable[[Handler], Handler]:
        return self._register(self.commands, name, roles)

    def callback(
        self, prefix: str, roles: Iterable[Role] = ALL_ROLES
    ) -> Callable[[Handler], Handler]:
        """Buttons whose data is ``prefix:...``; the rest is the handler's to parse and verify."""
        return self._register(self.callbacks, prefix, roles)

    def dialog(self, name: str, roles: Iterable[Role] = ALL_ROLES) -> Callable[[Handler], Handler]:
        """Messages from a person who is in dialog ``name``."""
        return self._register(self.dialogs, name, roles)

    def on(
        self, kind: EventKind, roles: Iterable[Role] = ALL_ROLES
    ) -> Callable[[Handler], Handler]:
        return self._register(self.events, kind, roles)

    def include(self, other: Router) -> None:
        for mine, theirs in (
            (self.commands, other.commands),
            (self.callbacks, other.callbacks),
            (self.dialogs, other.dialogs),
            (self.events, other.events),
        ):
            overlap = set(mine) & set(theirs)
            if overlap:
                raise ValueError(f"routed twice: {sorted(map(str, overlap))}")
            mine.update(theirs)  # type: ignore[arg-type]
        self.fallback = other.fallback or self.fallback
        self.denied = other.denied or self.denied

    def resolve(self, ctx: Context) -> Route | None:
        """The route for this update, or None for the fallback.

        Commands and buttons win over dialogs (so ``/cancel`` always works); a shared contact
        or location is handled the same inside and outside a dialog; any other message goes
        to the dialog the person is in.
        """
        event = ctx.event
        if event.kind is EventKind.COMMAND:
            return self.commands.get(event.command or "")
        if event.kind is EventKind.CALLBACK:
            data = event.callback_data or ""
            if not plausible_callback(data):
                return None  # forged: the fallback says the button is no longer active
            return self.callbacks.get(data.split(":", 1)[0])
        if event.kind in GLOBAL_EVENTS and event.kind in self.events:
            return self.events[event.kind]
        if ctx.dialog is not None and ctx.dialog.name in self.dialogs:
            return self.dialogs[ctx.dialog.name]
        return self.events.get(event.kind)

    async def dispatch(self, ctx: Context) -> None:
        route = self.resolve(ctx)
        if route is None:
            if self.fallback is not None:
                await self.fallback(ctx)
            return
        if ctx.person.role not in route.roles:
            if self.denied is not None:
                await self.denied(ctx)
            return
        await route.handler(ctx)
