"""Every button and deep link of the engineers' flows, as typed data.

The wire format is the one these buttons have always had (``jb:acc:12``, ``mj:eta:12:30``), so
buttons in messages sent before a release keep working. A prefix with no name after it
(``mj``, ``ts``) takes the data whose second part is an enum member (``mj:site:12``,
``ts:yes:12:7``): the router tries the longest registered prefix first.
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.buttons import ButtonData, DeepLink


# -- /jobs: the board -----------------------------------------------------------------------
class JobsPage(ButtonData, prefix="jb:pg"):
    offset: int


class OpenJob(ButtonData, prefix="jb:open"):
    ticket: int


class AcceptJob(ButtonData, prefix="jb:acc"):
    ticket: int


# -- /myjobs: my jobs and a job's card --------------------------------------------------------
class MyJobs(ButtonData, prefix="mj:list", compact=True):
    """The list of my jobs from ``offset``; the first page is a bare ``mj:list``."""

    offset: int = 0


class OpenMyJob(ButtonData, prefix="mj:open"):
    ticket: int


class BackToCard(ButtonData, prefix="mj:back"):
    """« Back from a choice shown on the card, to the card's own buttons."""

    ticket: int


class Move(StrEnum):
    """A status step on the card: on site, waiting for parts, parts arrived."""

    SITE = "site"
    WAIT = "wait"
    RESUME = "resume"


class MoveJob(ButtonData, prefix="mj"):
    """``mj:site:12``, ``mj:wait:12``, ``mj:resume:12``."""

    step: Move
    ticket: int


class OnMyWay(ButtonData, prefix="mj:go"):
    ticket: int


class SetEta(ButtonData, prefix="mj:eta"):
    ticket: int
    minutes: int


class AddNote(ButtonData, prefix="mj:note"):
    ticket: int


class AddPhotos(ButtonData, prefix="mj:photo"):
    ticket: int


class PhotosDone(ButtonData, prefix="mj:pdone"):
    ticket: int


class HandBack(ButtonData, prefix="mj:hand"):
    ticket: int


class MessageCustomer(ButtonData, prefix="mj:msg"):
    """💬 Message the customer: the engineer's next message goes to the job's customer."""

    ticket: int


class AskCustomer(ButtonData, prefix="mj:ask"):
    """❓ Ask the customer: as :class:`MessageCustomer`, and the job waits for the answer."""

    ticket: int


class JobFiles(ButtonData, prefix="mj:files"):
    """📎 Attachments: the job's files sent again."""

    ticket: int


class ResolveJob(ButtonData, prefix="rs"):
    """Start resolving the job (answered by :mod:`handlers.engineer.resolve`)."""

    ticket: int


# -- joining through an invite --------------------------------------------------------------
class InviteLink(DeepLink, prefix="inv"):
    """``/start inv_<code>``: a single-use invite made by a manager."""

    code: str


class KeepName(ButtonData, prefix="jn:keep"):
    pass


class ToggleSkill(ButtonData, prefix="jn:sk"):
    """Tick or untick a category; ``index`` into the categories the dialog offered."""

    index: int


class SkillsDone(ButtonData, prefix="jn:done"):
    pass


# -- guided tests -------------------------------------------------------------------------------
class LogTests(ButtonData, prefix="ts:start"):
    """Log the checks of the job's checklist that have not passed yet."""

    ticket: int


class LogAllTests(ButtonData, prefix="ts:all"):
    ticket: int


class LogSkippedTests(ButtonData, prefix="ts:skipped"):
    """Fill in the optional checks skipped before, on purpose."""

    ticket: int


class StopTests(ButtonData, prefix="ts:stop"):
    ticket: int


class YesNo(StrEnum):
    YES = "yes"
    NO = "no"


class AnswerCheck(ButtonData, prefix="ts"):
    """``ts:yes:12:7``, ``ts:no:12:7``: the answer to a yes/no check."""

    answer: YesNo
    ticket: int
    check: int


class SkipCheck(ButtonData, prefix="ts:skip"):
    ticket: int
    check: int


class RetestCheck(ButtonData, prefix="ts:retest"):
    ticket: int
    check: int


class NextCheck(ButtonData, prefix="ts:next"):
    ticket: int
    check: int


# -- part requests --------------------------------------------------------------------------
class RequestParts(ButtonData, prefix="pq:start"):
    ticket: int


class PickPart(ButtonData, prefix="pq:pick"):
    ticket: int
    part: int


class CancelParts(ButtonData, prefix="pq:cancel"):
    ticket: int


class UsedPart(ButtonData, prefix="pq:used"):
    """On the job card: the issued part (of this request) was fitted on the job."""

    request: int


class ReturnPart(ButtonData, prefix="pq:ret"):
    """On the job card: the issued part was not needed and goes back to its warehouse."""

    request: int


class SetDuty(ButtonData, prefix="du:set"):
    """/duty's explicit choice: on or off duty (pressing the current one changes nothing)."""

    on: bool
