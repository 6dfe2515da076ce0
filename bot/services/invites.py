"""Invites: single-use, expiring codes that make whoever opens them an engineer or manager.

The code travels in a ``/start inv_<code>`` link, so it is URL-safe and short enough for
Telegram's 64-character start payload; its 144 random bits make guessing hopeless, and a
person's failed redemptions are counted (in the database, across processes) and recorded in
the audit log, so trying codes stops after a few. Redeeming is one conditional UPDATE, so a
code shared with two people works for only one of them, whichever process each lands on.
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
from bot.services import audit
from bot.services.errors import InvalidState
from bot.services.people import change_role
from storage import throttles
from storage.models import Invite, Person, Role, RoleSource

PAYLOAD_PREFIX = "inv_"
CODE_BYTES = 18  # 144 bits, 24 URL-safe characters
ATTEMPTS_WINDOW = timedelta(hours=1)
DEFAULT_ATTEMPTS = 5
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
    TOO_MANY = "too_many"  # too many failed tries lately: not even looked at


# Failures that look like guessing or stale links: counted towards the limit.
COUNTED = frozenset({InviteProblem.UNKNOWN, InviteProblem.USED, InviteProblem.EXPIRED})


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
    InviteProblem.TOO_MANY: N_(
        "Too many invite links failed for you lately. Please try again in an hour, or ask your "
        "manager for a new one."
    ),
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


def attempts_key(person: Person) -> str:
    return f"invite:{person.id}"


async def redeem(
    session: AsyncSession,
    code: str,
    person: Person,
    now: datetime,
    *,
    attempts: int = DEFAULT_ATTEMPTS,
) -> Invite:
    """Give ``person`` the invite's role and spend the code. A refusal changes nothing but the
    person's count of failed tries and the audit log's line about it (kept when the caller
    answers the refusal itself rather than letting it roll the update back); after
    ``attempts`` counted failures within an hour, codes are refused unread."""
    key = attempts_key(person)
    if await throttles.hits(session, key, now, ATTEMPTS_WINDOW) >= attempts:
        await _failed(session, person, now, InviteProblem.TOO_MANY)
        raise InviteRefused(InviteProblem.TOO_MANY)
    try:
        return await _redeem(session, code, person, now)
    except InviteRefused as refused:
        if refused.reason in COUNTED:
            await throttles.hit(session, key, now, ATTEMPTS_WINDOW)
        await _failed(session, person, now, refused.reason)
        raise


async def _failed(
    session: AsyncSession, person: Person, now: datetime, reason: InviteProblem
) -> None:
    await audit.record(
        session, audit.Action.INVITE_FAILED, now, by=person, person=person, reason=reason.value
    )


async def _redeem(session: AsyncSession, code: str, person: Person, now: datetime) -> Invite:
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
    await change_role(session, person, invite.role, RoleSource.INVITED, now, by=person)
    await session.refresh(invite)
    return invite
