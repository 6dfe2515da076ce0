"""How part requests read, in the reader's language: on the engineer's job card (each request
and where it stands, with Used/Return buttons for an issued part), and the parts used on a job
in the customer's summaries."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.i18n import N_, Translator
from bot.core.replies import Button
from bot.services.parts import part_name
from handlers.engineer.buttons import ReturnPart, UsedPart
from storage.models import Part, PartRequest, PartStatus

# {date} the expected date, {reason} why it was rejected
STATE = {
    PartStatus.REQUESTED: N_("requested"),
    PartStatus.ORDERED: N_("ordered, expected on {date}"),
    PartStatus.ISSUED: N_("issued"),
    PartStatus.REJECTED: N_("rejected: {reason}"),
    PartStatus.USED: N_("used"),
    PartStatus.RETURNED: N_("returned"),
}


def what(t: Translator, part: Part, quantity: int) -> str:
    return t._(
        "{number} · {name} × {n}",
        number=part.number,
        name=part_name(part, t.locale),
        n=quantity,
    )


def request_lines(t: Translator, requests: Sequence[tuple[PartRequest, Part]]) -> list[str]:
    """``Parts:`` and a line per request with where it stands; nothing without requests."""
    if not requests:
        return []
    lines = [t._("Parts:")]
    for request, part in requests:
        state = t._(
            STATE[request.status],
            date=t.date(request.expected_on) if request.expected_on else "—",
            reason=request.reason or "—",
        )
        lines.append(t._("• {part} — {state}", part=what(t, part, request.quantity), state=state))
    return lines


def used_lines(t: Translator, used: Sequence[tuple[Part, int]]) -> list[str]:
    """``Parts used:`` and a line per part, for the customer; nothing when none were used."""
    if not used:
        return []
    return [t._("Parts used:"), *(f"• {what(t, part, n)}" for part, n in used)]


def issued_buttons(
    t: Translator, requests: Sequence[tuple[PartRequest, Part]]
) -> list[list[Button]]:
    """For each issued part: ✔ Used and ↩ Return, named by part number."""
    return [
        [
            Button(
                t._("✔ Used: {number}", number=part.number), UsedPart(request=request.id).pack()
            ),
            Button(
                t._("↩ Return: {number}", number=part.number),
                ReturnPart(request=request.id).pack(),
            ),
        ]
        for request, part in requests
        if request.status is PartStatus.ISSUED
    ]
