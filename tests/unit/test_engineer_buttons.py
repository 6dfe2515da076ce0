"""The engineers' buttons keep the wire format older messages carry, and refuse forged data."""

from __future__ import annotations

import pytest

from bot.core.buttons import ButtonData, DeepLink, Malformed
from handlers.engineer.buttons import (
    AcceptJob,
    AddNote,
    AddPhotos,
    AnswerCheck,
    CancelParts,
    HandBack,
    InviteLink,
    JobsPage,
    KeepName,
    LogAllTests,
    LogTests,
    Move,
    MoveJob,
    MyJobs,
    NextCheck,
    OnMyWay,
    OpenJob,
    OpenMyJob,
    PhotosDone,
    PickPart,
    RequestParts,
    ResolveJob,
    RetestCheck,
    SetEta,
    SkillsDone,
    SkipCheck,
    StopTests,
    ToggleSkill,
    YesNo,
)


def test_pack_gives_todays_strings() -> None:
    assert JobsPage(offset=6).pack() == "jb:pg:6"
    assert OpenJob(ticket=12).pack() == "jb:open:12"
    assert AcceptJob(ticket=12).pack() == "jb:acc:12"
    assert MyJobs(offset=6).pack() == "mj:list:6"
    assert MyJobs().pack() == "mj:list"
    assert OpenMyJob(ticket=12).pack() == "mj:open:12"
    assert MoveJob(step=Move.SITE, ticket=12).pack() == "mj:site:12"
    assert MoveJob(step=Move.WAIT, ticket=12).pack() == "mj:wait:12"
    assert MoveJob(step=Move.RESUME, ticket=12).pack() == "mj:resume:12"
    assert OnMyWay(ticket=12).pack() == "mj:go:12"
    assert SetEta(ticket=12, minutes=30).pack() == "mj:eta:12:30"
    assert AddNote(ticket=12).pack() == "mj:note:12"
    assert AddPhotos(ticket=12).pack() == "mj:photo:12"
    assert PhotosDone(ticket=12).pack() == "mj:pdone:12"
    assert HandBack(ticket=12).pack() == "mj:hand:12"
    assert ResolveJob(ticket=12).pack() == "rs:12"
    assert InviteLink(code="a_b-c").pack() == "inv_a_b-c"
    assert KeepName().pack() == "jn:keep"
    assert ToggleSkill(index=2).pack() == "jn:sk:2"
    assert SkillsDone().pack() == "jn:done"
    assert LogTests(ticket=12).pack() == "ts:start:12"
    assert LogAllTests(ticket=12).pack() == "ts:all:12"
    assert StopTests(ticket=12).pack() == "ts:stop:12"
    assert AnswerCheck(answer=YesNo.NO, ticket=12, check=7).pack() == "ts:no:12:7"
    assert SkipCheck(ticket=12, check=7).pack() == "ts:skip:12:7"
    assert RetestCheck(ticket=12, check=7).pack() == "ts:retest:12:7"
    assert NextCheck(ticket=12, check=7).pack() == "ts:next:12:7"
    assert RequestParts(ticket=12).pack() == "pq:start:12"
    assert PickPart(ticket=12, part=3).pack() == "pq:pick:12:3"
    assert CancelParts(ticket=12).pack() == "pq:cancel:12"


def test_my_jobs_reads_a_bare_list_and_any_offset() -> None:
    assert MyJobs.unpack("mj:list").offset == 0  # the first page, as older menus sent it
    assert MyJobs.unpack(MyJobs().pack()).offset == 0
    assert MyJobs.unpack("mj:list:12").offset == 12
    for forged in ("mj:list:①", "mj:list:-1", "mj:list:9999999999999", "mj:list:1:2"):
        with pytest.raises(Malformed):
            MyJobs.unpack(forged)


def test_unpack_reads_them_back() -> None:
    assert MoveJob.unpack("mj:resume:5") == MoveJob(step=Move.RESUME, ticket=5)
    assert AnswerCheck.unpack("ts:yes:5:7").answer is YesNo.YES
    assert InviteLink.unpack("inv_abc_DEF-1").code == "abc_DEF-1"
    assert SkillsDone.unpack("jn:done") == SkillsDone()


@pytest.mark.parametrize(
    ("button", "data"),
    [
        (AcceptJob, "jb:acc:abc"),
        (AcceptJob, "jb:acc:①"),
        (AcceptJob, "jb:acc:99999999999999999999"),
        (MoveJob, "mj:site:5:30"),
        (MoveJob, "mj:fly:5"),
        (SetEta, "mj:eta:5"),
        (SetEta, "mj:eta:5:²³"),
        (ToggleSkill, "jn:sk:①"),
        (AnswerCheck, "ts:maybe:5:7"),
        (NextCheck, "ts:next:"),
        (PickPart, "pq:pick:x:y"),
        (KeepName, "jn:keep:1"),
    ],
)
def test_forged_data_is_refused(button: type[ButtonData | DeepLink], data: str) -> None:
    with pytest.raises(Malformed):
        button.unpack(data)
