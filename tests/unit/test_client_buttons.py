"""The customers' buttons keep the wire format older messages carry, and refuse forged data."""

from __future__ import annotations

import pytest

from bot.core.buttons import ButtonData, DeepLink, Malformed
from handlers.client.buttons import (
    REPORT,
    REQUEST,
    AsSoonAsPossible,
    EquipmentLink,
    Kind,
    PhotosDone,
    ReportOther,
    Skip,
    StatusPage,
    TicketDetails,
    Urgency,
)
from storage.models import Priority, TicketKind


def test_pack_gives_todays_strings() -> None:
    for buttons, prefix in ((REPORT, "rp"), (REQUEST, "rq")):
        assert buttons.start().pack() == f"{prefix}:start"
        assert buttons.cancel().pack() == f"{prefix}:cancel"
        assert buttons.send().pack() == f"{prefix}:send"
        assert buttons.edit(step="dates").pack() == f"{prefix}:ed:dates"
        assert buttons.page(offset=6).pack() == f"{prefix}:pg:6"
        assert buttons.equipment(equipment=12).pack() == f"{prefix}:eq:12"
        assert buttons.model(model=3).pack() == f"{prefix}:md:3"
        assert buttons.typed().pack() == f"{prefix}:typed"
    assert ReportOther().pack() == "rp:other"
    assert PhotosDone().pack() == "rp:done"
    assert Urgency(priority=Priority.PRODUCTION_STOPPED).pack() == "rp:pr:production_stopped"
    assert Kind(kind=TicketKind.INSTALLATION).pack() == "rq:kind:installation"
    assert Skip(step="comment").pack() == "rq:skip:comment"
    assert AsSoonAsPossible().pack() == "rq:asap"
    assert StatusPage(offset=0).pack() == "st:0"
    assert TicketDetails(ticket=42).pack() == "tk:42"
    assert EquipmentLink(serial="LM-PB-2231").pack() == "eq_LM-PB-2231"


def test_unpack_reads_them_back() -> None:
    assert REQUEST.equipment.unpack("rq:eq:12") == REQUEST.equipment(equipment=12)
    assert REPORT.edit.unpack("rp:ed:urgency").step == "urgency"
    assert Urgency.unpack("rp:pr:urgent").priority is Priority.URGENT
    assert StatusPage.unpack("st:12").offset == 12


@pytest.mark.parametrize(
    ("button", "data"),
    [
        (REPORT.equipment, "rp:eq:①"),
        (REPORT.equipment, "rp:eq:99999999999999999999"),
        (REPORT.page, "rp:pg:-1"),
        (REPORT.send, "rp:send:1"),
        (Urgency, "rp:pr:extreme"),
        (Kind, "rq:kind:nothing"),
        (TicketDetails, "tk:abc"),
    ],
)
def test_forged_data_is_refused(button: type[ButtonData | DeepLink], data: str) -> None:
    with pytest.raises(Malformed):
        button.unpack(data)
