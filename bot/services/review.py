"""A manager reviews a customer created for an unknown phone number (``needs_review``): links
its people to an existing customer (found by a fuzzy search on the company name), or confirms
it as a new customer.

Linking moves everything the placeholder customer has (its people, phone contacts, tickets,
equipment, sites, contracts, complaints) to the chosen customer and deletes the placeholder,
which is empty then. Either way the review is done once: a second press, or a forged id, is
refused here, since buttons can be forged or pressed by two managers at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.services import audit
from bot.services.audit import Action
from bot.services.errors import Forbidden, InvalidState, NotFound
from bot.services.matching import FuzzyIndex
from storage.models import (
    Complaint,
    Contract,
    Customer,
    CustomerContact,
    Equipment,
    Person,
    Role,
    Site,
    Ticket,
)

ALREADY_REVIEWED = N_("This new customer has already been reviewed.")
MATCHES = 5
CUTOFF = 60.0  # looser than for models: the manager picks from a short list
# Every table that belongs to a customer, with its customer column: what linking moves.
OWNED = (Person, CustomerContact, Ticket, Equipment, Site, Contract, Complaint)


@dataclass(frozen=True)
class Linked:
    """The people of the placeholder ``name`` now belong to ``customer``; they hear of it."""

    customer: Customer
    name: str
    people: list[Person]
    tickets: int


def _require_manager(person: Person) -> None:
    if person.role is not Role.MANAGER:
        raise Forbidden()


async def pending(session: AsyncSession, customer_id: int, manager: Person) -> Customer:
    """The customer if it still waits for a review, locked for this transaction."""
    _require_manager(manager)
    customer = await session.scalar(
        select(Customer)
        .where(Customer.id == customer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if customer is None or not customer.needs_review:
        raise InvalidState(ALREADY_REVIEWED)
    return customer


async def people_of(session: AsyncSession, customer_id: int) -> list[Person]:
    rows = await session.scalars(
        select(Person).where(Person.customer_id == customer_id).order_by(Person.id)
    )
    return list(rows.unique())


async def find(
    session: AsyncSession, query: str, manager: Person, limit: int = MATCHES
) -> list[Customer]:
    """Up to ``limit`` reviewed customers whose name is like ``query``, best first."""
    _require_manager(manager)
    known = list(
        (await session.scalars(select(Customer).where(Customer.needs_review.is_(False)))).unique()
    )
    index = FuzzyIndex((customer.id, customer.name) for customer in known)
    by_id = {customer.id: customer for customer in known}
    return [by_id[match.key] for match in index.search(query, limit, CUTOFF)]


async def link(
    session: AsyncSession, placeholder_id: int, target_id: int, manager: Person, now: datetime
) -> Linked:
    """Move the placeholder's people and everything it has to ``target_id``; delete it. Each
    person's new link is recorded in the audit log."""
    placeholder = await pending(session, placeholder_id, manager)
    target = await session.get(Customer, target_id)
    if target is None or target.id == placeholder.id or target.needs_review:
        raise NotFound(N_("That customer is not available. Please search again."))
    people = await people_of(session, placeholder.id)
    moved_tickets = await session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.customer_id == placeholder.id)
    )
    for model in OWNED:
        column = model.__table__.c.customer_id
        await session.execute(
            update(model)
            .where(column == placeholder.id)
            .values(customer_id=target.id)
            .execution_options(synchronize_session=False)
        )
    for person in people:
        await session.refresh(person)
        await audit.record(
            session,
            Action.CUSTOMER_LINK,
            now,
            by=manager,
            person=person,
            customer_id=target.id,
            merged=placeholder.id,
        )
    name = placeholder.name
    await session.delete(placeholder)
    await session.flush()
    return Linked(target, name, people, moved_tickets or 0)


async def confirm(session: AsyncSession, customer_id: int, manager: Person) -> Customer:
    """The placeholder is a real new customer: the review flag is cleared."""
    customer = await pending(session, customer_id, manager)
    customer.needs_review = False
    await session.flush()
    return customer
