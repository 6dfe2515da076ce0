"""Who is talking: registration, phone matching, roles and language."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import SUPPORTED_LOCALES, Settings
from bot.core.events import Incoming
from bot.core.i18n import pick_locale
from bot.services import phones
from storage.models import Customer, CustomerContact, Person, Role


async def identify(session: AsyncSession, event: Incoming, settings: Settings) -> Person:
    """The person behind an update, created on first contact in their Telegram language.

    Ids in ``FIELDBOT_ADMINS`` are managers whatever the database says.
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
    if event.user_name and not person.name:  # a name the person chose (engineers) sticks
        person.name = event.user_name
    if person.unreachable:  # they wrote to us, so they unblocked the bot
        person.unreachable = False
    if event.user_id in settings.admins:
        person.role = Role.MANAGER
    await session.flush()
    return person


@dataclass(frozen=True)
class PhoneLink:
    customer: Customer
    matched: bool  # False: an unknown number, a new customer a manager should review


async def link_phone(session: AsyncSession, person: Person, phone: str) -> PhoneLink:
    """Store the client's phone and attach them to the customer that gave us that number.

    An unknown number becomes a new customer marked for a manager's review.
    """
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
