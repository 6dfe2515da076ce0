"""The customers' buttons and deep link, declared once: what each one carries, and its prefix.

/report (``rp``) and /request (``rq``) are both drafts with an equipment picker, so they have
the same buttons under their own prefix: the bases below say what each carries, and
:meth:`DraftButtons.under` makes one draft's set. A pressed button is checked when it is
unpacked (forged ids, unknown priorities or kinds never reach a handler) and again by the
services.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from bot.core.buttons import ButtonData, DeepLink
from bot.services.cancelling import Reason
from storage.models import Priority, TicketKind

B = TypeVar("B", bound=ButtonData)


# -- shared by the drafts: each has all of these under its prefix ----------------------------
class Start(ButtonData):
    """Begin the dialog (the main menu's button)."""


class Cancel(ButtonData):
    """Drop the draft: nothing is sent."""


class Send(ButtonData):
    """Send the draft from its summary."""


@dataclass(frozen=True)
class Edit(ButtonData):
    """A "Change …" button on the summary: back to the step that asks for that part (any
    text; the draft checks it is one of its parts)."""

    step: str


@dataclass(frozen=True)
class Page(ButtonData):
    """« and » through the customer's equipment."""

    offset: int


@dataclass(frozen=True)
class PickEquipment(ButtonData):
    """One of the customer's own machines (ownership is checked when pressed)."""

    equipment: int


@dataclass(frozen=True)
class PickModel(ButtonData):
    """A catalog model, for equipment the customer does not own (yet)."""

    model: int


class UseTyped(ButtonData):
    """Use the equipment as the customer typed it (kept in the dialog, not in the button)."""


@dataclass(frozen=True)
class DraftButtons:
    """One draft's buttons, so the shared handlers can register and build them."""

    start: type[Start]
    cancel: type[Cancel]
    send: type[Send]
    edit: type[Edit]
    page: type[Page]
    equipment: type[PickEquipment]
    model: type[PickModel]
    typed: type[UseTyped]

    @classmethod
    def under(cls, prefix: str, name: str) -> DraftButtons:
        """``<prefix>:start``, ``:cancel``, ``:send``, ``:ed:<step>``, ``:pg:<offset>``,
        ``:eq:<equipment>``, ``:md:<model>`` and ``:typed``; classes named ``<name>Send``…"""

        def made(base: type[B], action: str) -> type[B]:
            def body(namespace: dict[str, Any]) -> None:
                namespace["__module__"] = __name__

            kwds = {"prefix": f"{prefix}:{action}"}
            return cast(type[B], types.new_class(name + base.__name__, (base,), kwds, body))

        return cls(
            made(Start, "start"),
            made(Cancel, "cancel"),
            made(Send, "send"),
            made(Edit, "ed"),
            made(Page, "pg"),
            made(PickEquipment, "eq"),
            made(PickModel, "md"),
            made(UseTyped, "typed"),
        )


# -- /report: rp:start, rp:cancel, rp:send, rp:ed:<step>, rp:pg:<offset>, rp:eq:<equipment>,
# rp:md:<model>, rp:typed, and its own: -----------------------------------------------------
REPORT = DraftButtons.under("rp", "Report")


class ReportOther(ButtonData, prefix="rp:other"):
    """Equipment that is not in the list: asks for a description of it."""


class PhotosDone(ButtonData, prefix="rp:done"):
    """No more photos."""


class Urgency(ButtonData, prefix="rp:pr"):
    priority: Priority


# -- /request: rq:start, rq:cancel, rq:send, rq:ed:<step>, rq:pg:<offset>, rq:eq:<equipment>,
# rq:md:<model>, rq:typed, and its own: -----------------------------------------------------
REQUEST = DraftButtons.under("rq", "Request")


class Kind(ButtonData, prefix="rq:kind"):
    """What is requested; only the kinds a client may request are offered (and accepted)."""

    kind: TicketKind


class Skip(ButtonData, prefix="rq:skip"):
    """Skip an optional step (the model, the comment); it names the step it was offered at."""

    step: str


class AsSoonAsPossible(ButtonData, prefix="rq:asap"):
    """The preferred dates: as soon as possible."""


class PickSite(ButtonData, prefix="rq:site"):
    """The customer's site where the work is (checked to be theirs when pressed)."""

    site: int


# -- /status ----------------------------------------------------------------------------------
class StatusPage(ButtonData, prefix="st"):
    """A page of the client's requests (``st:0``, the first, is the main menu's button)."""

    offset: int


class TicketDetails(ButtonData, prefix="tk"):
    """One ticket's details and timeline, for whoever may see it (client, engineer, manager)."""

    ticket: int


# -- cancelling a request (handlers.client.cancelling) -------------------------------------------
class CancelTicket(ButtonData, prefix="cx"):
    """On /status details: cancel ``ticket`` (asks why, then to confirm)."""

    ticket: int


class CancelWhy(ButtonData, prefix="cx:r"):
    """One of the reasons offered; ``other`` asks to type it."""

    ticket: int
    reason: Reason


class CancelConfirm(ButtonData, prefix="cx:ok"):
    ticket: int


class CancelKeep(ButtonData, prefix="cx:no"):
    """Changed their mind: the request stays as it is."""

    ticket: int


# -- the sign-off of a resolved job (handlers.client.sign_off) ----------------------------------
class ConfirmWork(ButtonData, prefix="cf:ok"):
    ticket: int


class NotFixed(ButtonData, prefix="cf:no"):
    ticket: int


class SkipReason(ButtonData, prefix="cf:skip"):
    ticket: int


class Rate(ButtonData, prefix="rt"):
    """⭐``stars`` for ``ticket``. ``stars`` is text so that a forged ``-2`` or ``9`` is told
    the range rather than that the button is stale."""

    ticket: int
    stars: str


class SkipComment(ButtonData, prefix="rt:skip"):
    ticket: int


# -- deep links -------------------------------------------------------------------------------
class EquipmentLink(DeepLink, prefix="eq"):
    """``/start eq_<serial>``: the QR sticker on a machine (bot/papers/stickers.py); the serial
    as a /start payload can hold it, found again with the fuzzy tolerance of look-alikes."""

    serial: str


# -- talking through a ticket (handlers.client.conversation) ---------------------------------
class WriteToTicket(ButtonData, prefix="tk:w"):
    """💬 Write: the client's next message goes to ``ticket``."""

    ticket: int


class PickTicket(ButtonData, prefix="tk:pick"):
    """Which of the tickets a reply named the held message is about."""

    ticket: int


class ReportThis(ButtonData, prefix="rp:this"):
    """Yes to "Report this as a breakdown?": the typed text becomes the report's description."""


class NotThis(ButtonData, prefix="rp:not"):
    """No to "Report this as a breakdown?"."""
