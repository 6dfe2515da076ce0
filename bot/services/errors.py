"""Refusals a service raises; handlers turn them into a message in the person's language."""


class ServiceError(Exception):
    """Base for expected refusals (not bugs)."""


class NotFound(ServiceError):
    """The object does not exist, or this person may not know that it does."""


class Forbidden(ServiceError):
    """The person's role or ownership does not allow this action."""


class InvalidState(ServiceError):
    """The object is not in a state that allows this action (e.g. already taken)."""
