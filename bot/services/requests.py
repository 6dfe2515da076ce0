"""A client's request for planned work: an installation (from a sales order), maintenance or
an upgrade. It becomes a ticket of that kind, so it follows the same board, SLA and timeline
as a breakdown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services import tickets
from bot.services.errors import Forbidden, InvalidState, NotFound
from storage.models import Person, Priority, Role, Site, Ticket, TicketKind

REQUEST_KINDS = (TicketKind.INSTALLATION, TicketKind.MAINTENANCE, TicketKind.UPGRADE)


@dataclass(frozen=True)
class ServiceRequest:
    """What the client asked for. An installation names its sales order (and perhaps the
    model); maintenance and upgrades name the equipment, registered or typed."""

    kind: TicketKind
    equipment_id: int | None = None
    equipment_text: str | None = None
    order_ref: str | None = None
    preferred_date: str | None = None
    comment: str = ""
    site_id: int | None = None  # where the work is, when the customer named the site


async def sites(session: AsyncSession, customer_id: int) -> list[Site]:
    """The customer's sites, by name."""
    rows = await session.scalars(
        select(Site).where(Site.customer_id == customer_id).order_by(Site.name, Site.id)
    )
    return list(rows)


async def site_of(session: AsyncSession, site_id: int, customer_id: int) -> Site | None:
    """The site if it is this customer's, else None (ids can be forged)."""
    site = await session.get(Site, site_id)
    return site if site is not None and site.customer_id == customer_id else None


def _clip(value: str | None, limit: int) -> str | None:
    value = (value or "").strip()
    return value[:limit] or None


async def create(
    session: AsyncSession,
    client: Person,
    request: ServiceRequest,
    now: datetime,
    settings: Settings,
) -> Ticket:
    if client.role is not Role.CLIENT or client.customer_id is None:
        raise Forbidden("only registered clients request work")
    if request.kind not in REQUEST_KINDS:
        raise InvalidState(f"{request.kind} is not requested this way")
    order_ref = _clip(request.order_ref, 100)
    equipment_text = _clip(request.equipment_text, 200)
    if request.kind is TicketKind.INSTALLATION:
        if order_ref is None and equipment_text is None:
            raise InvalidState("an installation needs an order reference or a model")
    elif request.equipment_id is None and equipment_text is None:
        raise InvalidState(f"{request.kind} needs the equipment")
    site_id = request.site_id
    if site_id is not None and await site_of(session, site_id, client.customer_id) is None:
        raise NotFound(f"site {site_id}")
    if site_id is None and request.equipment_id is None:
        own = await sites(session, client.customer_id)
        site_id = own[0].id if len(own) == 1 else None  # their only site
    new = tickets.NewTicket(
        customer_id=client.customer_id,
        description=request.comment.strip()[:3000],
        priority=Priority.NORMAL,
        equipment_id=request.equipment_id,
        equipment_text=equipment_text if request.equipment_id is None else None,
        kind=request.kind,
        order_ref=order_ref,
        preferred_date=_clip(request.preferred_date, 100),
        site_id=site_id,
    )
    return await tickets.create(session, client, new, now, settings)
