"""The managers' buttons: ``mg:`` (/open, the ticket card, assigning), ``ms:`` (/stats),
``mx:`` (/export), ``mi:`` (/invite), ``mf:`` (/staff) and ``mu:`` (/audit). Managers only;
the router refuses everyone else.

The alerts to the managers' chat carry :class:`OpenTicket`, :class:`Candidates` and
:class:`CustomerTickets`; the main menu carries :class:`OpenList` and :class:`StatsPeriod`.
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.buttons import ButtonData, DeepLink
from bot.services.assignments import Filters
from storage.models import Priority, TicketStatus


class FilterField(StrEnum):
    STATUS = "s"
    PRIORITY = "p"
    ENGINEER = "e"


class Span(StrEnum):
    """The periods of /stats and /export (``reports.PERIODS``)."""

    TODAY = "today"
    WEEK = "week"
    MONTH = "month"


class Invitee(StrEnum):
    ENGINEER = "engineer"
    MANAGER = "manager"


class _ListState:
    """The filters of an /open list, which :class:`OpenList` and :class:`FilterChoices` carry."""

    status: TicketStatus | None
    priority: Priority | None
    engineer: int | None
    customer: int | None

    @property
    def filters(self) -> Filters:
        return Filters(
            status=self.status,
            priority=self.priority,
            engineer_id=self.engineer,
            customer_id=self.customer,
        )


class OpenList(_ListState, ButtonData, prefix="mg:o"):
    """A page of /open; each filter None for any, ``engineer`` 0 for unassigned."""

    status: TicketStatus | None = None
    priority: Priority | None = None
    engineer: int | None = None
    customer: int | None = None
    offset: int = 0

    @classmethod
    def of(cls, filters: Filters) -> OpenList:
        return cls(filters.status, filters.priority, filters.engineer_id, filters.customer_id)


class FilterChoices(_ListState, ButtonData, prefix="mg:f"):
    """The values of one filter of the list the other fields describe."""

    field: FilterField
    status: TicketStatus | None
    priority: Priority | None
    engineer: int | None
    customer: int | None

    @classmethod
    def of(cls, field: FilterField, filters: Filters) -> FilterChoices:
        return cls(
            field, filters.status, filters.priority, filters.engineer_id, filters.customer_id
        )


class CustomerTickets(ButtonData, prefix="mg:cu"):
    """A customer's open tickets (on a complaint alert)."""

    customer: int


class OpenTicket(ButtonData, prefix="mg:t"):
    """The manager's card of a ticket."""

    ticket: int


class WriteCustomer(ButtonData, prefix="mg:w"):
    """💬 Write to customer: the manager's next message goes to the ticket's customer."""

    ticket: int


class TicketFiles(ButtonData, prefix="mg:files"):
    """📎 Attachments: the ticket's files sent again."""

    ticket: int


class Candidates(ButtonData, prefix="mg:as", compact=True):
    """Whom to assign ``ticket`` to, a page from ``offset``; the first page is ``mg:as:12``
    (the alerts' Assign button), and ``mg:as:12:0`` reads the same."""

    ticket: int
    offset: int = 0


class AssignTo(ButtonData, prefix="mg:ae", compact=True):
    """Assign ``ticket`` to ``engineer`` if its engineer is still ``seen`` (0: nobody), the one
    the manager saw; otherwise someone else was faster. An off-duty engineer only once the
    manager ``confirmed`` it."""

    ticket: int
    engineer: int
    seen: int
    confirmed: bool = False


class StatsPeriod(ButtonData, prefix="ms"):
    period: Span


class ExportPeriod(ButtonData, prefix="mx"):
    period: Span


class Invite(ButtonData, prefix="mi"):
    role: Invitee


class CancelTicketByManager(ButtonData, prefix="mg:cx"):
    """On the ticket card: cancel ``ticket`` (asks why, then to confirm)."""

    ticket: int


class ConfirmCancel(ButtonData, prefix="mg:cx:ok"):
    ticket: int


class KeepTicket(ButtonData, prefix="mg:cx:no"):
    ticket: int


class ReviewLink(ButtonData, prefix="mg:rv:link"):
    """On a new-customer alert: link its people to an existing customer (asks for the name)."""

    customer: int


class ReviewPick(ButtonData, prefix="mg:rv:to"):
    """Link the people of the new ``customer`` to ``target``, one of the names found."""

    customer: int
    target: int


class ReviewConfirm(ButtonData, prefix="mg:rv:new"):
    """On a new-customer alert: it is a new customer indeed."""

    customer: int


# -- part requests (handlers.manager.parts), on the managers' part-request alert -------------
class ShowPartRequest(ButtonData, prefix="pr:show"):
    """On the ticket card: the part request with its Issue/Order/Reject buttons (as its alert,
    for a manager without the managers' chat at hand)."""

    request: int


class IssuePart(ButtonData, prefix="pr:iss"):
    """Issue the request from this warehouse (the stock goes down)."""

    request: int
    warehouse: int


class OrderPart(ButtonData, prefix="pr:ord"):
    """Order the part: asks for the expected date (buttons, or typed)."""

    request: int


class OrderIn(ButtonData, prefix="pr:due"):
    """Ordered, expected in ``days`` days (1 = tomorrow)."""

    request: int
    days: int


class PartArrived(ButtonData, prefix="pr:arr"):
    """The ordered part arrived: asks at which warehouse, and issues it."""

    request: int


class ArrivedAt(ButtonData, prefix="pr:at"):
    request: int
    warehouse: int


class RejectPart(ButtonData, prefix="pr:rej"):
    """Reject the request: asks for the reason."""

    request: int


class KeepPartRequest(ButtonData, prefix="pr:keep"):
    """Leave the request as it is (ends the order or reject dialog)."""

    request: int


# -- papers (handlers/manager/papers.py) ------------------------------------------------------
class VerifyLink(DeepLink, prefix="vf"):
    """``/start vf_<code>``: the QR on a service report, scanned by a manager."""

    code: str


# -- /staff and /audit (handlers/manager/staff.py, audit.py) ---------------------------------
class StaffPage(ButtonData, prefix="mf"):
    offset: int


class Deactivate(ButtonData, prefix="mf:off"):
    """Asks to confirm; :class:`ConfirmDeactivate` does it."""

    person: int
    offset: int


class ConfirmDeactivate(ButtonData, prefix="mf:off:ok"):
    person: int
    offset: int


class AuditPage(ButtonData, prefix="mu"):
    offset: int
