"""One summary-and-edit mechanism for the dialogs that collect a draft and send it at the end
(/report, /request).

A draft declares its parts in the order they are asked (:class:`Part`: the step that asks for
it, its line on the summary, its "Change …" button, whether it applies to this draft), how each
step asks (:meth:`Draft.asks`), how typed answers at a step are read (:meth:`Draft.answers`)
and how it is sent (:meth:`Draft.sends`). Everything else is the same for every draft: the
order of the steps, the summary and its buttons, going back to change one part (and straight
back to the summary after it), Send, a typed "yes" on the summary, Cancel, and the answers to
buttons pressed after sending or from an earlier step. The dialog lives in the database, so a
restart halfway simply continues it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services.errors import InvalidState
from bot.services.matching import fold
from handlers.client.buttons import Cancel, DraftButtons, Edit, Send, Start
from handlers.common.help import main_menu
from handlers.common.start import require_registration
from storage.models import Role

CLIENTS = (Role.CLIENT,)
CONFIRM = "confirm"  # the last step of every draft: its summary
YES_WORDS = frozenset(
    fold(word)
    for word in ("yes", "y", "ok", "send", "да", "ок", "изпрати", "отправить", "отправь", "давай")
)
DONE_WORDS = frozenset(
    fold(word)
    for word in (
        "done",
        "skip",
        "no",
        "готово",
        "нет",
        "не",
        "пропустить",
        "готов",
        "край",
        "пропусни",
    )
)

Values = Mapping[str, Any]
Step = Callable[[Context], Awaitable[None]]
TextStep = Callable[[Context, str], Awaitable[None]]


def always(values: Values) -> bool:
    return True


@dataclass(frozen=True)
class Part:
    """One part of a draft: ``step`` asks for it, ``show`` is its line on the summary and
    ``change`` (a msgid) labels the button that goes back to ``step``."""

    step: str
    change: str
    show: Callable[[Context, Values], str]
    applies: Callable[[Values], bool] = always


class Draft:
    """A dialog that collects ``parts`` and sends them from a summary; its handlers are on
    :attr:`router`.

    ``rows`` lays out the "Change …" buttons by step (parts that do not apply are left out);
    ``check`` heads the summary, ``gone`` answers a button pressed after the draft was sent or
    cancelled, ``press_send`` anything typed on the summary but "yes" (all three msgids).
    """

    def __init__(
        self,
        name: str,
        buttons: DraftButtons,
        parts: Iterable[Part],
        rows: Iterable[Iterable[str]],
        *,
        check: str,
        gone: str,
        press_send: str,
    ) -> None:
        self.name = name
        self.buttons = buttons
        self.parts = tuple(parts)
        self.rows = tuple(tuple(row) for row in rows)
        self.check, self.gone, self.press_send = check, gone, press_send
        self.asking: dict[str, Step] = {}
        self.sending: Step | None = None
        self.router = Router()
        self.router.callback(buttons.start, roles=CLIENTS)(self._start_pressed)
        self.router.callback(buttons.cancel, roles=CLIENTS)(self._cancel_pressed)
        self.router.callback(buttons.edit, roles=CLIENTS)(self._edit_pressed)
        self.router.callback(buttons.send, roles=CLIENTS)(self._send_pressed)
        self.answers(CONFIRM)(self._confirm_typed)

    # -- declaring ----------------------------------------------------------------------------
    def asks(self, step: str) -> Callable[[Step], Step]:
        """How ``step`` asks for its part."""

        def decorator(ask: Step) -> Step:
            self.asking[step] = ask
            return ask

        return decorator

    def answers(self, step: str, photo: TextStep | None = None) -> Callable[[TextStep], TextStep]:
        """Typed answers at ``step``: the handler gets the text. A photo goes to ``photo``
        (with its caption) where the step takes photos; anything else is asked for text."""

        def decorator(handler: TextStep) -> TextStep:
            async def route(ctx: Context) -> None:
                event, text = ctx.event, ctx.event.text.strip()
                if event.kind is EventKind.ATTACHMENT and photo is not None:
                    await photo(ctx, text)
                elif event.kind is not EventKind.TEXT or not text:
                    ctx.send(ctx._("Please answer with text or use the buttons."))
                else:
                    await handler(ctx, text)

            self.router.dialog(self.name, step=step, roles=CLIENTS)(route)
            return handler

        return decorator

    def sends(self, send: Step) -> Step:
        """What Send (or a typed "yes" on the summary) does with the draft."""
        self.sending = send
        return send

    # -- reading ------------------------------------------------------------------------------
    @staticmethod
    def values(ctx: Context) -> dict[str, Any]:
        assert ctx.dialog is not None
        return ctx.dialog.data

    def require(self, ctx: Context) -> str:
        """The step the person is at in this draft; refused (``gone``) when it was sent or
        cancelled, e.g. a button pressed on an old message."""
        if not dialogs.is_in(ctx, self.name):
            raise InvalidState(self.gone)
        assert ctx.dialog is not None
        return ctx.dialog.step

    def steps(self, ctx: Context) -> list[str]:
        """The steps of this draft as it stands (a new request kind has other parts)."""
        values = self.values(ctx)
        return [part.step for part in self.parts if part.applies(values)]

    @staticmethod
    def stale(ctx: Context) -> None:
        ctx.send(ctx._("That button belongs to an earlier step. Please use the latest message."))

    # -- moving -------------------------------------------------------------------------------
    async def begin(self, ctx: Context) -> bool:
        """Start the draft at its first step (not asked yet); False when the client must
        register first (they were asked for their phone)."""
        if not await require_registration(ctx):
            return False
        await dialogs.start(ctx, self.name, self.parts[0].step)
        return True

    async def start(self, ctx: Context) -> None:
        if await self.begin(ctx):
            await self.ask(ctx, self.parts[0].step)

    async def ask(self, ctx: Context, step: str) -> None:
        """Go to ``step`` and ask for its part; at the summary every step after is a change."""
        if step == CONFIRM:
            dialogs.move(ctx, CONFIRM, editing=True)
            self.show_summary(ctx)
            return
        dialogs.move(ctx, step)
        await self.asking[step](ctx)

    async def step_done(self, ctx: Context, step: str, *, go_on: bool = False) -> None:
        """The next step, or back to the summary when the client was changing one part
        (``go_on``: this change needs the next step too, e.g. a new request kind)."""
        steps = [*self.steps(ctx), CONFIRM]
        editing = bool(self.values(ctx).get("editing")) and not go_on
        await self.ask(ctx, CONFIRM if editing else steps[steps.index(step) + 1])

    async def answered(self, ctx: Context, step: str, **values: Any) -> None:
        """Keep the answer to ``step`` and go on."""
        dialogs.move(ctx, step, **values)
        await self.step_done(ctx, step)

    def show_summary(self, ctx: Context) -> None:
        values = self.values(ctx)
        parts = {part.step: part for part in self.parts if part.applies(values)}
        lines = [ctx._(self.check), ""] + [part.show(ctx, values) for part in parts.values()]
        changes = [
            [
                Button(ctx._(parts[step].change), self.buttons.edit(step=step).pack())
                for step in row
                if step in parts
            ]
            for row in self.rows
        ]
        ctx.send(
            "\n".join(lines),
            inline(
                [Button(ctx._("✅ Send"), self.buttons.send().pack())],
                *changes,
                [self.cancel_button(ctx)],
            ),
        )

    def cancel_button(self, ctx: Context) -> Button:
        return Button(ctx._("✖ Cancel"), self.buttons.cancel().pack())

    # -- the shared buttons and the summary's typed answer ---------------------------------------
    async def _start_pressed(self, ctx: Context, button: Start) -> None:
        await self.start(ctx)

    async def _cancel_pressed(self, ctx: Context, button: Cancel) -> None:
        self.require(ctx)
        await dialogs.end(ctx)
        ctx.edit(ctx._("Cancelled. Nothing was sent."))
        ctx.send(ctx._("What would you like to do?"), main_menu(ctx))

    async def _edit_pressed(self, ctx: Context, button: Edit) -> None:
        self.require(ctx)
        if button.step not in self.steps(ctx):
            self.stale(ctx)
            return
        dialogs.move(ctx, button.step, editing=True)
        await self.ask(ctx, button.step)

    async def _send_pressed(self, ctx: Context, button: Send) -> None:
        if self.require(ctx) != CONFIRM:
            self.stale(ctx)
            return
        await self._send(ctx)

    async def _confirm_typed(self, ctx: Context, text: str) -> None:
        if fold(text) in YES_WORDS:
            await self._send(ctx)
        else:
            ctx.send(ctx._(self.press_send))

    async def _send(self, ctx: Context) -> None:
        assert self.sending is not None, f"{self.name} declares no @sends"
        await self.sending(ctx)
