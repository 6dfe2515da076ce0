"""A known month of tickets for the report, stats, export and complaint tests.

The clock stands at Sunday 2026-11-22 09:00 UTC (11:00 in Sofia). In Sofia's calendar:

====  ==========  ==============  =============  ===========  ========  ======
id    opened      responded       resolved       closed       rating    kind
====  ==========  ==============  =============  ===========  ========  ======
t1    22 Nov      on time         —              —            —         breakdown
t2    22 Nov      late (not yet)  —              —            —         breakdown
t3    18 Nov      on time         20 Nov, on t.  21 Nov       5         installation
t4    10 Nov      late            19 Nov, late   19 Nov       2         breakdown
t5    30 Oct      on time         1 Nov, on t.   2 Nov        4         breakdown
====  ==========  ==============  =============  ===========  ========  ======

plus one complaint today.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import App
from storage.models import (
    Complaint,
    Customer,
    Equipment,
    Feedback,
    Ticket,
    TicketKind,
    TicketStatus,
)


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


H = timedelta(hours=1)


async def known_month(app: App) -> dict[str, int]:
    async with app.db.transaction() as session:
        acme = await session.scalar(select(Customer).where(Customer.external_ref == "ACME"))
        linea = await session.scalar(select(Equipment).where(Equipment.serial == "LM-PB-2231"))
        assert acme is not None and linea is not None

        def ticket(
            opened: datetime,
            *,
            responded: datetime | None,
            resolved: datetime | None = None,
            closed: datetime | None = None,
            status: TicketStatus = TicketStatus.ASSIGNED,
            kind: TicketKind = TicketKind.BREAKDOWN,
        ) -> Ticket:
            return Ticket(
                kind=kind,
                status=status,
                customer_id=acme.id,
                equipment_id=linea.id,
                description="known",
                created_at=opened,
                updated_at=opened,
                response_due=opened + 2 * H,
                resolution_due=opened + 48 * H,
                responded_at=responded,
                resolved_at=resolved,
                closed_at=closed,
            )

        rows = {
            "t1": ticket(at(22, 8), responded=at(22, 8) + H / 2),
            "t2": ticket(at(22, 6), responded=None, status=TicketStatus.NEW),
            "t3": ticket(
                at(18),
                responded=at(18) + H,
                resolved=at(20),
                closed=at(21),
                status=TicketStatus.CLOSED,
                kind=TicketKind.INSTALLATION,
            ),
            "t4": ticket(
                at(10),
                responded=at(10) + 5 * H,
                resolved=at(19),
                closed=at(19, 12),
                status=TicketStatus.CLOSED,
            ),
            "t5": ticket(
                at(30, month=10),
                responded=at(30, month=10) + H,
                resolved=at(1),
                closed=at(2),
                status=TicketStatus.CLOSED,
            ),
        }
        session.add_all(rows.values())
        await session.flush()
        session.add_all(
            [
                Feedback(ticket_id=rows["t3"].id, rating=5, created_at=at(21, 12)),
                Feedback(ticket_id=rows["t4"].id, rating=2, created_at=at(19, 13)),
                Feedback(ticket_id=rows["t5"].id, rating=4, created_at=at(2, 12)),
                Complaint(customer_id=acme.id, text="Slow", created_at=at(22, 7)),
            ]
        )
        return {name: row.id for name, row in rows.items()}
