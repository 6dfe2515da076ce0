"""Routes an update to a handler: commands, typed buttons, deep links, dialog steps, events.

Roles are checked here once per route, and the chat the update came from
(:mod:`bot.core.chats`); services check again before changing data. Every
route is registered once, and the command routes double as the command table: their ``help``
line and ``button`` label drive ``/help``, the main menu and Telegram's "/" menu.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.core.buttons import ButtonData, DeepLink, Malformed
from bot.core.chats import Place, default_places, place_of
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.refusals import Refusal
from bot.core.replies import Markup
from storage.models import Role

Handler = Callable[[Context], Awaitable[None]]
B = TypeVar("B", bound=ButtonData)
L = TypeVar("L", bound=DeepLink)
ButtonHandler = Callable[[Context, B], Awaitable[None]]
LinkHandler = Callable[[Context, L], Awaitable[None]]
ALL_ROLES = frozenset(Role)
GLOBAL_EVENTS = frozenset({EventKind.CONTACT, EventKind.LOCATION})
ANY_STEP = "*"


@dataclass(frozen=True)
class Route:
    handler: Callable[..., Awaitable[None]]
    roles: frozenset[Role]
    parse: Callable[[str], Any] | None = None  # button data or a deep-link payload → value
    places: frozenset[Place] = frozenset({Place.PRIVATE})  # the chats where it makes sense


@dataclass(frozen=True)
class Command:
    """A command as people see it: ``help`` is a msgid for ``/help`` and the "/" menu (None
    keeps it out of both), ``button`` a msgid for its main-menu button."""

    name: str
    roles: frozenset[Role]
    help: str | None = None
    button: str | None = None


class Router:
    def __init__(self) -> None:
        self.commands: dict[str, Route] = {}
        self.command_table: dict[str, Command] = {}
        self.callbacks: dict[str, Route] = {}
        self.links: dict[str, Route] = {}
        self.dialogs: dict[tuple[str, str], Route] = {}
        self.events: dict[EventKind, Route] = {}
        self.fallback: Handler | None = None
        self.denied: Handler | None = None
        self.elsewhere: Handler | None = None  # a route used in a chat where it has no place
        # after a dialog ends on a refusal
        self.menu: Callable[[Context], Markup | None] | None = None
        self._keys: dict[str, str] | None = None  # a main-menu key's label → its command

    @staticmethod
    def _route(
        handler: Callable[..., Awaitable[None]],
        roles: Iterable[Role],
        parse: Callable[[str], Any] | None = None,
        places: Iterable[Place] | None = None,
    ) -> Route:
        """``places`` default to :func:`~bot.core.chats.default_places` of the roles."""
        allowed = frozenset(roles)
        where = default_places(allowed) if places is None else frozenset(places)
        return Route(handler, allowed, parse, where)

    @staticmethod
    def _add(table: dict[Any, Route], key: Any, route: Route) -> None:
        if key in table:
            raise ValueError(f"{key!r} is routed twice")
        table[key] = route

    # -- registration ---------------------------------------------------------------------
    def command(
        self,
        name: str,
        roles: Iterable[Role] = ALL_ROLES,
        *,
        help: str | None = None,
        button: str | None = None,
        places: Iterable[Place] | None = None,
    ) -> Callable[[Handler], Handler]:
        allowed = frozenset(roles)

        def decorator(handler: Handler) -> Handler:
            self._add(self.commands, name, self._route(handler, allowed, places=places))
            self.command_table[name] = Command(name, allowed, help, button)
            return handler

        return decorator

    def callback(
        self,
        button: type[B],
        roles: Iterable[Role] = ALL_ROLES,
        places: Iterable[Place] | None = None,
    ) -> Callable[[ButtonHandler[B]], ButtonHandler[B]]:
        """Presses of ``button``: the handler gets the unpacked, checked value."""

        def decorator(handler: ButtonHandler[B]) -> ButtonHandler[B]:
            route = self._route(handler, roles, button.unpack, places)
            self._add(self.callbacks, button.prefix, route)
            return handler

        return decorator

    def deep_link(
        self, link: type[L], roles: Iterable[Role] = ALL_ROLES
    ) -> Callable[[LinkHandler[L]], LinkHandler[L]]:
        """``/start <payload>`` for payloads of ``link``; run by :meth:`open_link`."""

        def decorator(handler: LinkHandler[L]) -> LinkHandler[L]:
            self._add(self.links, link.prefix, self._route(handler, roles, link.unpack))
            return handler

        return decorator

    def dialog(
        self, name: str, step: str = ANY_STEP, roles: Iterable[Role] = ALL_ROLES
    ) -> Callable[[Handler], Handler]:
        """Messages from a person in dialog ``name`` at ``step`` (any step when omitted)."""

        def decorator(handler: Handler) -> Handler:
            self._add(self.dialogs, (name, step), self._route(handler, roles))
            return handler

        return decorator

    def on(
        self,
        kind: EventKind,
        roles: Iterable[Role] = ALL_ROLES,
        places: Iterable[Place] | None = None,
    ) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            self._add(self.events, kind, self._route(handler, roles, places=places))
            return handler

        return decorator

    def include(self, other: Router) -> None:
        tables: list[tuple[dict[Any, Route], dict[Any, Route]]] = [
            (self.commands, other.commands),
            (self.callbacks, other.callbacks),
            (self.links, other.links),
            (self.dialogs, other.dialogs),
            (self.events, other.events),
        ]
        for mine, theirs in tables:
            for key, route in theirs.items():
                self._add(mine, key, route)
        self.command_table.update(other.command_table)
        self.fallback = other.fallback or self.fallback
        self.denied = other.denied or self.denied
        self.elsewhere = other.elsewhere or self.elsewhere
        self.menu = other.menu or self.menu

    # -- the command table ----------------------------------------------------------------
    def commands_for(self, role: Role) -> list[Command]:
        """The described commands ``role`` may use: its own first, then everyone's, each in
        the order they were registered."""
        return self._table(role, lambda command: command.help)

    def buttons_for(self, role: Role) -> list[Command]:
        """The commands with a main-menu button that ``role`` may use, in the same order."""
        return self._table(role, lambda command: command.button)

    def _table(self, role: Role, shown: Callable[[Command], str | None]) -> list[Command]:
        listed = [c for c in self.command_table.values() if shown(c) and role in c.roles]
        return sorted(listed, key=lambda c: c.roles == ALL_ROLES)

    def key_command(self, ctx: Context) -> str | None:
        """The command whose main-menu key sent this text. A key sends its label, in the
        language the keyboard was drawn in, so a keyboard left from before /language works."""
        if self._keys is None:
            keys: dict[str, str] = {}
            for translator in ctx.catalogs.all():
                for command in self.command_table.values():
                    if command.button is None:
                        continue
                    label = translator._(command.button)
                    if keys.setdefault(label, command.name) != command.name:
                        raise ValueError(f"{label!r} labels two commands")
            self._keys = keys
        return self._keys.get((ctx.event.text or "").strip())

    # -- routing --------------------------------------------------------------------------
    def _callback_route(self, data: str) -> Route | None:
        """The longest registered prefix of ``data`` (``mj:eta`` before ``mj``)."""
        parts = data.split(":")
        for length in range(len(parts), 0, -1):
            route = self.callbacks.get(":".join(parts[:length]))
            if route is not None:
                return route
        return None

    def resolve(self, ctx: Context) -> tuple[Route, Any] | None:
        """The route for this update and, for a button, its unpacked value; None for the
        fallback (also for forged or stale button data).

        Commands, main-menu keys and buttons win over dialogs (so ``/cancel`` always works); a
        shared contact or location is handled the same inside and outside a dialog; any other
        message goes to the dialog step the person is at.
        """
        event = ctx.event
        if event.kind is EventKind.COMMAND:
            route = self.commands.get(event.command or "")
            return None if route is None else (route, None)
        if event.kind is EventKind.TEXT and event.chat_type == "private":
            name = self.key_command(ctx)
            if name is not None:
                return self.commands[name], None
        if event.kind is EventKind.CALLBACK:
            data = event.callback_data or ""
            route = self._callback_route(data)
            if route is None or route.parse is None:
                return None
            try:
                return route, route.parse(data)
            except Malformed:
                return None  # forged: the fallback says the button is no longer active
        if event.kind in GLOBAL_EVENTS and event.kind in self.events:
            return self.events[event.kind], None
        if ctx.dialog is not None:
            name, step = ctx.dialog.name, ctx.dialog.step
            route = self.dialogs.get((name, step)) or self.dialogs.get((name, ANY_STEP))
            if route is not None:
                return route, None
        route = self.events.get(event.kind)
        return None if route is None else (route, None)

    async def dispatch(self, ctx: Context) -> None:
        await self._run(ctx, self.resolve(ctx))

    async def _run(self, ctx: Context, resolved: tuple[Route, Any] | None) -> None:
        """The route's handler when it has a place in this chat and the person's role may use
        it; else the fallback (nothing routed), the answer for a chat where it has no place, or
        the refusal (not for this role)."""
        if resolved is None:
            if self.fallback is not None:
                await self.fallback(ctx)
            return
        route, value = resolved
        if place_of(ctx.event, ctx.settings) not in route.places:
            if self.elsewhere is not None:
                await self.elsewhere(ctx)
            return
        if ctx.person.role not in route.roles:
            if self.denied is not None:
                await self.denied(ctx)
            return
        if value is None:
            await route.handler(ctx)
        else:
            await route.handler(ctx, value)

    async def run_command(self, ctx: Context, name: str) -> None:
        """Run command ``name`` as if the person had typed it (a menu button does): the same
        role check, and the fallback for a name no command has."""
        route = self.commands.get(name)
        await self._run(ctx, None if route is None else (route, None))

    async def open_link(self, ctx: Context, payload: str) -> bool:
        """Run the deep-link handler for ``payload``; False when no link of ours says that (or
        not for this role), so ``/start`` goes on as without one."""
        prefix = payload.split("_", 1)[0]
        route = self.links.get(prefix)
        if route is None or route.parse is None or ctx.person.role not in route.roles:
            return False
        if place_of(ctx.event, ctx.settings) not in route.places:
            return False
        try:
            link = route.parse(payload)
        except Malformed:
            return False
        await route.handler(ctx, link)
        return True

    async def refuse(self, ctx: Context, refusal: Refusal) -> None:
        """Answer a refusal a service or handler raised, in the person's language."""
        text = ctx._(refusal.message, **refusal.values)
        if ctx.event.callback_id is not None:
            ctx.answer(text, alert=refusal.alert)
        elif refusal.ends_dialog and self.menu is not None:
            ctx.send(text, self.menu(ctx))
        else:
            ctx.send(text)
