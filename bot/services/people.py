"""Who is talking: registration, phone matching, roles and language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import SUPPORTED_LOCALES, Settings
from bot.core.events import Incoming
from bot.core.i18n import pick_locale
from bot.services import audit, phones
from bot.services.audit import Action
from storage.models import Customer, CustomerContact, Person, Role, RoleSource


async def identify(session: AsyncSession, event: Incoming, settings: Settings) -> Person:
    """The person behind an update, created on first contact in their Telegram language.

    Ids in ``FIELDBOT_ADMINS`` are managers whatever the database says, and a manager who got
    the role from that list loses it once their id is no longer there (:func:`sync_role`).
    """
    person = await session.scalar(select(Person).where(Person.tg_user_id == event.user_id))
    if person is None:
        person = Person(
            tg_user_id=event.user_id,
            chat_id=event.user_id,
            name=event.user_name,
            username=event.username,
            locale=pick_locale(event.language_code, settings.default_locale),
            role=Role.CLIENT,
            skills=[],
        )
        session.add(person)
    if event.chat_type == "private":
        person.chat_id = event.chat_id
        person.private_chat = True
    if event.user_name and not person.name:  # a name the person chose (engineers) sticks
        person.name = event.user_name
    if person.unreachable:  # they wrote to us, so they unblocked the bot
        person.unreachable = False
    await session.flush()
    # The audit's wall-clock time: identify runs before the update's clock is at hand.
    await sync_role(session, person, settings, datetime.now(UTC))
    return person


async def sync_role(
    session: AsyncSession, person: Person, settings: Settings, now: datetime
) -> None:
    """Make ``FIELDBOT_ADMINS`` true for ``person``: listed, a configured manager; a configured
    manager no longer listed, a client again (an invited manager stays until deactivated)."""
    listed = person.tg_user_id in settings.admins
    if listed and (person.role, person.role_source) != (Role.MANAGER, RoleSource.CONFIGURED):
        await change_role(session, person, Role.MANAGER, RoleSource.CONFIGURED, now)
    elif not listed and person.role_source == RoleSource.CONFIGURED:
        await change_role(session, person, Role.CLIENT, None, now, how="unlisted")


async def change_role(
    session: AsyncSession,
    person: Person,
    role: Role,
    source: RoleSource | None,
    now: datetime,
    *,
    by: Person | str | None = None,
    how: str | None = None,
) -> None:
    """Give ``person`` ``role`` (and say how they got it), recorded in the audit log."""
    before = person.role
    person.role, person.role_source = role, (None if source is None else source.value)
    await session.flush()
    if before is not role:
        await audit.record(
            session,
            Action.ROLE,
            now,
            by=by,
            person=person,
            before=before.value,
            after=role.value,
            how=how or (source.value if source else None),
        )


@dataclass(frozen=True)
class PhoneLink:
    customer: Customer
    matched: bool  # False: an unknown number, a new customer a manager should review


async def link_phone(
    session: AsyncSession, person: Person, phone: str, now: datetime
) -> PhoneLink:
    """Store the client's phone and attach them to the customer that gave us that number
    (recorded in the audit log when it links them to a customer they were not linked to).

    An unknown number becomes a new customer marked for a manager's review.
    """
    before = person.customer_id
    link = await _link(session, person, phone)
    if person.customer_id != before:
        await audit.record(
            session,
            Action.CUSTOMER_LINK,
            now,
            by=person,
            person=person,
            customer_id=person.customer_id,
            matched=link.matched,
        )
    return link


async def _link(session: AsyncSession, person: Person, phone: str) -> PhoneLink:
    person.phone = phones.normalize(phone)
    key = phones.match_key(phone)
    contact = await session.scalar(
        select(CustomerContact).where(CustomerContact.phone_key == key).limit(1)
    )
    if contact is not None:
        customer = await session.get_one(Customer, contact.customer_id)
        person.customer_id = customer.id
        return PhoneLink(customer, matched=True)
    if person.customer_id is not None:
        return PhoneLink(await session.get_one(Customer, person.customer_id), matched=True)
    customer = Customer(name=person.name or person.phone, needs_review=True)
    session.add(customer)
    await session.flush()
    session.add(
        CustomerContact(
            customer_id=customer.id, name=person.name, phone=person.phone, phone_key=key
        )
    )
    person.customer_id = customer.id
    await session.flush()
    return PhoneLink(customer, matched=False)


def set_locale(person: Person, locale: str) -> None:
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    person.locale = locale
