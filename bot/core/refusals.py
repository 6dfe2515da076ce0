"""Refusals: expected "no" answers (not found, no longer open, not yours) that say why.

A service or handler raises one with a msgid (marked with :func:`bot.core.i18n.N_`) and
``{name}`` values; the engine rolls back what the update did so far (keeping the record that
the update was handled), and the router answers the person in their language: a toast on
the pressed button, a message otherwise. Handlers need no ``try`` for the usual refusals.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.core.i18n import N_


class Refusal(Exception):
    """Base for refusals; subclasses give a default ``message`` for their kind.

    ``ends_dialog``: the dialog the person is in cannot go on (its job was closed meanwhile),
    so it ends with the refusal instead of being rolled back with the rest.
    """

    message: str = N_("This action is not available any more.")

    def __init__(
        self,
        message: str | None = None,
        /,
        *,
        alert: bool = True,
        ends_dialog: bool = False,
        **values: Any,
    ) -> None:
        self.message = message or type(self).message
        self.values = values
        self.alert = alert
        self.ends_dialog = ends_dialog
        super().__init__(self.message.format(**values) if values else self.message)


@asynccontextmanager
async def ending_dialog(message: str | None = None, **values: Any) -> AsyncIterator[None]:
    """Around a dialog step: a refusal inside ends the dialog, said with ``message`` (the
    step's own wording) or else the refusal's."""
    try:
        yield
    except Refusal as refusal:
        raise Refusal(
            message or refusal.message,
            alert=refusal.alert,
            ends_dialog=True,
            **(values if message else refusal.values),
        ) from refusal
