"""The buttons everyone meets: a main-menu entry that runs a command, and a language."""

from __future__ import annotations

from bot.core.buttons import ButtonData


class RunCommand(ButtonData, prefix="cmd"):
    """A main-menu button: ``cmd:report`` runs ``/report`` as if it had been typed."""

    name: str


class ChooseLanguage(ButtonData, prefix="lang"):
    """A language in the /language chooser: ``lang:bg``."""

    locale: str


# -- agreed visits (handlers/common/visits.py, handlers/client/visits.py) ---------------------
class ProposeVisit(ButtonData, prefix="vs:new"):
    """📅 Propose a visit, on the job card or the ticket card (staff)."""

    ticket: int


class ToggleVisitSlot(ButtonData, prefix="vs:t"):
    """A standard time in the staff's picker, chosen or not; ``minute`` since the epoch (UTC)."""

    ticket: int
    minute: int


class SendVisitSlots(ButtonData, prefix="vs:send"):
    ticket: int


class PickVisit(ButtonData, prefix="vs:pick"):
    """The customer takes an offered time."""

    slot: int


class AnotherVisitTime(ButtonData, prefix="vs:other"):
    """The customer wants another time (none of those offered, or to move the agreed one)."""

    ticket: int


# -- papers (handlers/common/service_report.py) -----------------------------------------------
class ServiceReportFile(ButtonData, prefix="sr"):
    """📄 Service report on a job's card: the PDF the customer signed off."""

    ticket: int
