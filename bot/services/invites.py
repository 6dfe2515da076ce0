"""Invites: single-use, expiring codes that make whoever opens them an engineer or manager.

The code travels in a ``/start inv_<code>`` link, so it is URL-safe and short enough for
Telegram's 64-character start payload. Redeeming is one conditional UPDATE, so a code shared
with two people works for only one of them, whichever process each lands on.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.services.errors import InvalidState
from storage.models import Invite, Person, Role

PAYLOAD_PREFIX = "inv_"
CODE_BYTES = 18  # 24 URL-safe characters
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,40}")
INVITABLE = (Role.ENGINEER, Role.MANAGER)
RANK = {Role.CLIENT: 0, Role.ENGINEER: 1, Role.MANAGER: 2}
DEFAULT_TTL = timedelta(days=3)


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"  # malformed, or no such code
    USED = "used"
    EXPIRED = "expired"
    DOWNGRADE = "downgrade"  # a manager opening an engineer invite
    ALREADY = "already"  # the person has this role already; the code stays usable


SAYS = {
    InviteProblem.UNKNOWN: N_(
        "This invite link is not valid. Please check that you opened the whole link, "
        "or ask your manager for a new one."
    ),
    InviteProblem.USED: N_(
        "This invite link has already been used. Each link works once; "
        "please ask your manager for a new one."
    ),
    InviteProblem.EXPIRED: N_(
        "This invite link has expired. Please ask your manager for a new one."
    ),
    InviteProblem.DOWNGRADE: N_(
        "You are a service manager already; an engineer invite would not change that."
    ),
    InviteProblem.ALREADY: N_("You already have this role, so the invite was not used."),
}


class InviteRefused(InvalidState):
    """The invite was not redeemed; ``message`` says why, ``reason`` is which problem."""

    def __init__(self, reason: InviteProblem) -> None:
        super().__init__(SAYS[reason])
        self.reason = reason


async def create(
    session: AsyncSession,
    role: Role,
    now: datetime,
    created_by: int | None = None,
    ttl: timedelta = DEFAULT_TTL,
) -> Invite:
    if role not in INVITABLE:
        raise ValueError(f"cannot invite a {role}")
    invite = Invite(
        code=secrets.token_urlsafe(CODE_BYTES),
        role=role,
        created_by=created_by,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invite)
    await session.flush()
    return invite


def start_payload(invite: Invite) -> str:
    return f"{PAYLOAD_PREFIX}{invite.code}"


async def redeem(session: AsyncSession, code: str, person: Person, now: datetime) -> Invite:
    """Give ``person`` the invite's role and spend the code; a refusal changes nothing."""
    if not CODE_PATTERN.fullmatch(code):
        raise InviteRefused(InviteProblem.UNKNOWN)
    invite = await session.scalar(select(Invite).where(Invite.code == code))
    if invite is None:
        raise InviteRefused(InviteProblem.UNKNOWN)
    if invite.used_at is not None:
        raise InviteRefused(InviteProblem.USED)
    if invite.expires_at <= now:
        raise InviteRefused(InviteProblem.EXPIRED)
    if person.role is invite.role:
        raise InviteRefused(InviteProblem.ALREADY)
    if RANK[person.role] > RANK[invite.role]:
        raise InviteRefused(InviteProblem.DOWNGRADE)
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Invite)
            .where(Invite.id == invite.id, Invite.used_at.is_(None))
            .values(used_by=person.id, used_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:  # someone else redeemed it a moment ago
        raise InviteRefused(InviteProblem.USED)
    person.role = invite.role
    await session.flush()
    await session.refresh(invite)
    return invite
