"""Customers' complaints: kept, so they count in the figures and stay on record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import Forbidden, InvalidState
from storage.models import Complaint, Person, Role

MAX_TEXT = 3000
MIN_TEXT = 3


@dataclass(frozen=True)
class ComplaintFiled:
    """A client complained; the managers hear it with who wrote it."""

    complaint: Complaint
    author: Person


async def file(session: AsyncSession, client: Person, text: str, now: datetime) -> ComplaintFiled:
    """Record a registered client's complaint about their customer's service."""
    if client.role is not Role.CLIENT or client.customer_id is None:
        raise Forbidden("only registered clients complain")
    text = text.strip()
    if len(text) < MIN_TEXT:
        raise InvalidState("a complaint needs a few words")
    complaint = Complaint(
        customer_id=client.customer_id, person_id=client.id, text=text[:MAX_TEXT], created_at=now
    )
    session.add(complaint)
    await session.flush()
    return ComplaintFiled(complaint, client)
