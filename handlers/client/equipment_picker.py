"""Choosing a piece of equipment, shared by /report and /request.

Buttons carry the caller's prefix: ``<prefix>:eq:<equipment>`` for the customer's own
equipment, ``<prefix>:md:<model>`` for a catalog model, ``<prefix>:pg:<offset>`` for paging and
``<prefix>:typed`` for "use what I typed". The ids are checked again when pressed.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.replies import Button
from bot.services import equipment as equipment_service
from bot.services.equipment import Found
from handlers.keyboards import page_note, pager
from handlers.texts import equipment_label


async def page(ctx: Context, prefix: str, offset: int) -> tuple[list[list[Button]], str, int]:
    """One page of the customer's equipment as buttons (with paging), its note, the total."""
    assert ctx.person.customer_id is not None
    items, total = await equipment_service.list_for_customer(
        ctx.session, ctx.person.customer_id, offset
    )
    rows = [[Button(equipment_label(item), f"{prefix}:eq:{item.id}")] for item in items]
    rows.append(pager(f"{prefix}:pg", offset, total))
    return rows, page_note(ctx, offset, total), total


def with_note(text: str, note: str) -> str:
    return f"{text}\n{note}" if note else text


def suggestions(prefix: str, found: Found, models_only: bool = False) -> list[list[Button]]:
    """Buttons for what typed text matched: own equipment first, then catalog models (or only
    models, e.g. for an installation of something the customer does not own yet)."""
    if models_only:
        models = {item.model.id: item.model for item in found.equipment}
        models.update({model.id: model for model in found.models})
        return [[Button(model.name, f"{prefix}:md:{model.id}")] for model in models.values()]
    rows = [[Button(equipment_label(item), f"{prefix}:eq:{item.id}")] for item in found.equipment]
    rows += [[Button(model.name, f"{prefix}:md:{model.id}")] for model in found.models]
    return rows


def as_typed(ctx: Context, prefix: str, text: str) -> list[Button]:
    return [Button(ctx._("Use “{text}” as written", text=text[:30]), f"{prefix}:typed")]
