"""Refusals: expected "no" answers (not found, no longer open, not yours) that say why.

A service or handler raises one with a msgid (marked with :func:`bot.core.i18n.N_`) and
``{name}`` values; the engine rolls back what the update did so far (keeping the record that
the update was handled), and the router answers the person in their language: a toast on
the pressed button, a message otherwise. Handlers need no ``try`` for the usual refusals.
"""

from __future__ import annotations

from typing import Any

from bot.core.i18n import N_


class Refusal(Exception):
    """Base for refusals; subclasses give a default ``message`` for their kind."""

    message: str = N_("This action is not available any more.")

    def __init__(self, message: str | None = None, /, *, alert: bool = True, **values: Any):
        self.message = message or type(self).message
        self.values = values
        self.alert = alert
        super().__init__(self.message.format(**values) if values else self.message)
