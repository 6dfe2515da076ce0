"""Choosing a piece of equipment inside a draft, the same for /report and /request.

The customer's own equipment as a list with pages; for what they type, suggestions (their own
equipment first, else catalog models) and "use it as written". A pick keeps the equipment in
the draft and goes on from the part it answers. Ids in the buttons are checked again when
pressed: another customer's equipment or an unknown model is "not available".
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core import dialogs
from bot.core.context import Context
from bot.core.replies import Button, inline
from bot.services import equipment as equipment_service
from bot.services.equipment import Found
from handlers.client.buttons import Page, PickEquipment, PickModel, UseTyped
from handlers.client.draft import CLIENTS, Draft, Values
from handlers.keyboards import page_note, pager
from handlers.texts import coverage_line, equipment_label
from storage.models import Equipment

EQUIPMENT = "equipment"  # the draft step and part that the customer's own equipment answers
Rows = list[list[Button]]


def no_rows(ctx: Context) -> Rows:
    return []


def show_equipment(ctx: Context, values: Values) -> str:
    """The equipment's line on a draft's summary, and its warranty and contract (for one of
    the customer's own machines)."""
    line = ctx._("Equipment: {equipment}", equipment=values.get("equipment_label", ""))
    facts = values.get("coverage")
    if values.get("equipment_id") and isinstance(facts, dict):
        today = ctx.now().astimezone(ctx.t.tz).date()
        cover = coverage_line(ctx.t, equipment_service.coverage_of(facts, today))
        if cover:
            line += "\n" + cover
    return line


class Picker:
    """The equipment picker of ``draft``, asking at its ``equipment`` step.

    ``at`` says which part a pick answers at the person's step (None: the picker is not
    offered there, so a pick is from an earlier message); own equipment answers only the
    ``equipment`` part. ``choose``/``type_it``: the question with and without a list;
    ``not_found``: typed text that matched nothing (``{text}``); all msgids. ``extra``: rows
    under the list; ``list_again``: a "Show the list" button under the suggestions.
    """

    def __init__(
        self,
        draft: Draft,
        *,
        at: Callable[[str], str | None],
        choose: str,
        type_it: str,
        not_found: str,
        extra: Callable[[Context], Rows] = no_rows,
        list_again: bool = False,
    ) -> None:
        self.draft, self.at, self.extra, self.list_again = draft, at, extra, list_again
        self.choose, self.type_it, self.not_found = choose, type_it, not_found
        self.buttons = buttons = draft.buttons
        draft.asks(EQUIPMENT)(self.ask)
        draft.router.callback(buttons.page, roles=CLIENTS)(self._page_pressed)
        draft.router.callback(buttons.equipment, roles=CLIENTS)(self._equipment_pressed)
        draft.router.callback(buttons.model, roles=CLIENTS)(self._model_pressed)
        draft.router.callback(buttons.typed, roles=CLIENTS)(self._typed_pressed)

    # -- asking -------------------------------------------------------------------------------
    async def ask(self, ctx: Context, offset: int = 0, in_place: bool = False) -> None:
        """One page of the customer's equipment as buttons, or the question to type it."""
        assert ctx.person.customer_id is not None
        items, total = await equipment_service.list_for_customer(
            ctx.session, ctx.person.customer_id, offset
        )
        rows = [[self.equipment_button(item)] for item in items]
        rows.append(pager(lambda at: self.buttons.page(offset=at), offset, total))
        if total:
            note = page_note(ctx, offset, total)
            text = ctx._(self.choose) + (f"\n{note}" if note else "")
        else:
            text = ctx._(self.type_it)
        rows += self.extra(ctx)
        rows.append([self.draft.cancel_button(ctx)])
        (ctx.edit if in_place else ctx.send)(text, inline(*rows))

    async def suggest(self, ctx: Context, text: str, models_only: bool = False) -> None:
        """What ``text`` matches, to press (only catalog models with ``models_only``, e.g. for
        an installation of something the customer does not own yet), or as written."""
        assert ctx.person.customer_id is not None and ctx.dialog is not None
        found = await equipment_service.find(ctx.session, ctx.person.customer_id, text)
        dialogs.move(ctx, ctx.dialog.step, typed=text[:200])
        rows = self.suggestions(found, models_only)
        message = ctx._("Did you mean one of these?") if rows else ctx._(self.not_found, text=text)
        as_typed = ctx._("Use “{text}” as written", text=text[:30])
        rows.append([Button(as_typed, self.buttons.typed().pack())])
        if self.list_again:
            rows.append([Button(ctx._("Show the list"), self.buttons.page(offset=0).pack())])
        ctx.send(message, inline(*rows))

    def suggestions(self, found: Found, models_only: bool) -> Rows:
        """Their own equipment, then catalog models; with ``models_only`` their own equipment
        is offered by its model."""
        own = [] if models_only else found.equipment
        models = {item.model.id: item.model for item in found.equipment if models_only}
        models.update({model.id: model for model in found.models})
        rows = [[self.equipment_button(item)] for item in own]
        pick = self.buttons.model
        return rows + [[Button(m.name, pick(model=m.id).pack())] for m in models.values()]

    def equipment_button(self, item: Equipment) -> Button:
        return Button(equipment_label(item), self.buttons.equipment(equipment=item.id).pack())

    # -- picking ------------------------------------------------------------------------------
    async def picked(self, ctx: Context, part: str, chosen: Equipment | str) -> None:
        """Keep the chosen equipment, one of theirs or a name, and go on from ``part``."""
        cover = None
        if isinstance(chosen, Equipment):
            label, equipment_id, text = equipment_label(chosen), chosen.id, None
            cover = equipment_service.coverage_facts(chosen)
        else:
            label, equipment_id, text = chosen[:200], None, chosen[:200]
        await self.draft.answered(
            ctx,
            part,
            equipment_id=equipment_id,
            equipment_text=text,
            equipment_label=label,
            coverage=cover,
        )

    async def choose_own(self, ctx: Context, equipment_id: int) -> bool:
        """One of the customer's machines, by id (a button, a QR sticker); False when it is
        not theirs."""
        assert ctx.person.customer_id is not None
        item = await equipment_service.owned(ctx.session, equipment_id, ctx.person.customer_id)
        if item is not None:
            await self.picked(ctx, EQUIPMENT, item)
        return item is not None

    @staticmethod
    def unavailable(ctx: Context) -> None:
        ctx.send(ctx._("That equipment is not available. Please choose from the list."))

    def part(self, ctx: Context) -> str | None:
        return self.at(self.draft.require(ctx))

    async def _page_pressed(self, ctx: Context, button: Page) -> None:
        if self.part(ctx) != EQUIPMENT:
            self.draft.stale(ctx)
            return
        await self.ask(ctx, button.offset, in_place=True)

    async def _equipment_pressed(self, ctx: Context, button: PickEquipment) -> None:
        if self.part(ctx) != EQUIPMENT:
            self.draft.stale(ctx)
            return
        if not await self.choose_own(ctx, button.equipment):
            self.unavailable(ctx)

    async def _model_pressed(self, ctx: Context, button: PickModel) -> None:
        part = self.part(ctx)
        if part is None:
            self.draft.stale(ctx)
            return
        model = await equipment_service.get_model(ctx.session, button.model)
        if model is None:
            self.unavailable(ctx)
            return
        await self.picked(ctx, part, model.name)

    async def _typed_pressed(self, ctx: Context, button: UseTyped) -> None:
        part, typed = self.part(ctx), self.draft.values(ctx).get("typed")
        if part is None or not typed:
            self.draft.stale(ctx)
            return
        await self.picked(ctx, part, typed)
