"""Refusals a service raises. Each carries a msgid the engine answers in the person's
language (see :mod:`bot.core.refusals`); raise with a more precise one where it helps::

    raise NotFound(N_("This job is not assigned to you."))
"""

from __future__ import annotations

from bot.core.i18n import N_
from bot.core.refusals import Refusal


class ServiceError(Refusal):
    """Base for expected refusals (not bugs)."""


class NotFound(ServiceError):
    """The object does not exist, or this person may not know that it does."""

    message = N_("This is no longer available.")


class Forbidden(ServiceError):
    """The person's role or ownership does not allow this action."""

    message = N_("This action is not available to you.")


class InvalidState(ServiceError):
    """The object is not in a state that allows this action (e.g. already taken)."""

    message = N_("This is no longer possible: it has changed in the meantime.")
