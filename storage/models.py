"""The domain's tables. Names follow PRODUCT.md's objects."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    literal,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def enum(kind: type[StrEnum]) -> SAEnum:
    """A StrEnum stored as its value in a plain VARCHAR (no native enum to migrate)."""
    return SAEnum(
        kind,
        native_enum=False,
        create_constraint=False,
        length=24,
        values_callable=lambda members: [member.value for member in members],
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Role(StrEnum):
    CLIENT = "client"
    ENGINEER = "engineer"
    MANAGER = "manager"


class RoleSource(StrEnum):
    CONFIGURED = "configured"  # a manager because their id is in FIELDBOT_ADMINS
    INVITED = "invited"  # redeemed an invite


class TicketKind(StrEnum):
    BREAKDOWN = "breakdown"
    INSTALLATION = "installation"
    MAINTENANCE = "maintenance"
    UPGRADE = "upgrade"


class TicketStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"
    WAITING_PARTS = "waiting_parts"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset(
    {
        TicketStatus.NEW,
        TicketStatus.ASSIGNED,
        TicketStatus.EN_ROUTE,
        TicketStatus.ON_SITE,
        TicketStatus.WAITING_PARTS,
        TicketStatus.WAITING_CUSTOMER,
    }
)
# Open statuses whose SLA clock stands still: the ticket waits for someone outside the office.
PAUSED_STATUSES = frozenset({TicketStatus.WAITING_PARTS, TicketStatus.WAITING_CUSTOMER})


class Priority(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"
    PRODUCTION_STOPPED = "production_stopped"


class Customer(Base):
    """A customer company; clients are its contacts."""

    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerContact(Base):
    """A phone number a customer gave us; a client sharing it is linked to that customer."""

    __tablename__ = "customer_contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(32))
    phone_key: Mapped[str] = mapped_column(String(16), index=True)


class Site(Base):
    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(400), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class EquipmentModel(Base):
    __tablename__ = "equipment_models"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    manufacturer: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(100), default="")
    # Any change moves it: the fuzzy catalog of every process sees it (bot/services/catalogs.py).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)


class Contract(Base):
    """A service contract: its tier sets SLA hours and the maintenance interval."""

    __tablename__ = "contracts"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    tier: Mapped[str] = mapped_column(String(64), default="standard")
    response_hours: Mapped[int] = mapped_column(Integer, default=8)
    resolution_hours: Mapped[int] = mapped_column(Integer, default=48)
    maintenance_interval_days: Mapped[int | None] = mapped_column(Integer)
    valid_until: Mapped[date | None] = mapped_column(Date)
    # SLA hours count in business hours (True) or 24/7 (False); None: the configured default.
    business_hours: Mapped[bool | None] = mapped_column(Boolean)


class Equipment(Base):
    __tablename__ = "equipment"
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(100), unique=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("equipment_models.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    installed_on: Mapped[date | None] = mapped_column(Date)
    warranty_until: Mapped[date | None] = mapped_column(Date)

    # Loaded only where asked for (``joinedload``/``selectinload``; the shared sets are in
    # bot/services/tickets.py and equipment.py): a read that would need SQL raises instead.
    model: Mapped[EquipmentModel] = relationship(lazy="raise_on_sql")
    site: Mapped[Site | None] = relationship(lazy="raise_on_sql")
    contract: Mapped[Contract | None] = relationship(lazy="raise_on_sql")


class Person(Base):
    """Someone who talks to the bot: a client contact, an engineer or a manager."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    tg_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    role: Mapped[Role] = mapped_column(enum(Role), default=Role.CLIENT)
    name: Mapped[str] = mapped_column(String(200), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    skills: Mapped[list[Any]] = mapped_column(default=list)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    located_at: Mapped[datetime | None] = mapped_column()
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # How a staff member got their role (:class:`RoleSource`); None for clients. Only a
    # configured manager loses the role when their id leaves ``FIELDBOT_ADMINS``.
    role_source: Mapped[str | None] = mapped_column(String(16))
    # They opened a private chat with the bot, so it may write to them there first.
    private_chat: Mapped[bool] = mapped_column(Boolean, default=False)
    # The signature of the main-menu keys their private chat shows (None: other keys or none).
    keyboard: Mapped[str | None] = mapped_column(String(40))

    customer: Mapped[Customer | None] = relationship(lazy="raise_on_sql")


class Ticket(Base):
    """A ticket or job; its id is the number people see as ``#42``."""

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_status_priority", "status", "priority"),)
    # created_at, closed_at, resolved_at and resolution_due are indexed for the reports over a
    # period (bot/services/reports.py) and the export; the open ones by status and priority.
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TicketKind] = mapped_column(enum(TicketKind), default=TicketKind.BREAKDOWN)
    status: Mapped[TicketStatus] = mapped_column(enum(TicketStatus), default=TicketStatus.NEW)
    priority: Mapped[Priority] = mapped_column(enum(Priority), default=Priority.NORMAL)
    description: Mapped[str] = mapped_column(Text, default="")
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    equipment_id: Mapped[int | None] = mapped_column(ForeignKey("equipment.id"), index=True)
    equipment_text: Mapped[str | None] = mapped_column(String(200))
    # Where the work is, when the customer named the site (an installation has no equipment
    # yet); otherwise the equipment's site, if any (:attr:`where`).
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    engineer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    response_due: Mapped[datetime | None] = mapped_column()
    resolution_due: Mapped[datetime | None] = mapped_column(index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    responded_at: Mapped[datetime | None] = mapped_column()
    eta: Mapped[datetime | None] = mapped_column()
    order_ref: Mapped[str | None] = mapped_column(String(100))
    preferred_date: Mapped[str | None] = mapped_column(String(100))
    sla_paused_at: Mapped[datetime | None] = mapped_column()
    sla_paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    # Pushes of a new job to engineers: 0 none yet, 1 the nearest few, 2 everyone matching.
    push_wave: Mapped[int] = mapped_column(Integer, default=0)
    pushed_at: Mapped[datetime | None] = mapped_column()
    # The visit agreed with the customer (bot/services/visits.py); None until one is agreed.
    visit_at: Mapped[datetime | None] = mapped_column()
    # When the escalation pass next needs to look at this ticket: the earliest moment an
    # escalation it has not had could become due; None when none can (closed, paused). Reset
    # to "now" by storage/escalation_marks.py whenever what escalation depends on changes.
    escalation_check_at: Mapped[datetime | None] = mapped_column(index=True)
    # Copied from the equipment, for the engineers' board (bot/services/jobs.py), which reads
    # them from one index (ix_tickets_board) without joining equipment, models and sites: the
    # model's category (None when it has none, or the ticket names no registered equipment)
    # and the position of the equipment's site. Kept by storage/equipment_copies.py (a new
    # ticket's INSERT computes them, so on the object just inserted they are expired: read them
    # in SQL, as the board does, or refresh the object first).
    equipment_category: Mapped[str | None] = mapped_column(String(100))
    equipment_latitude: Mapped[float | None] = mapped_column(Float)
    equipment_longitude: Mapped[float | None] = mapped_column(Float)

    # Loaded only where asked for: tickets.CARD and tickets.LISTED (bot/services/tickets.py).
    equipment: Mapped[Equipment | None] = relationship(lazy="raise_on_sql")
    engineer: Mapped[Person | None] = relationship(foreign_keys=[engineer_id], lazy="raise_on_sql")
    # A preventive maintenance job's plan: the contract and interval it was planned under.
    plan: Mapped[MaintenancePlan | None] = relationship(
        primaryjoin="Ticket.id == foreign(MaintenancePlan.ticket_id)",
        lazy="raise_on_sql",
        viewonly=True,
        uselist=False,
    )
    site: Mapped[Site | None] = relationship(lazy="raise_on_sql")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def where(self) -> Site | None:
        """The site of the work: the one named on the ticket, else the equipment's."""
        if self.site is not None:
            return self.site
        return self.equipment.site if self.equipment is not None else None


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    VOICE = "voice"
    VIDEO = "video"


class TicketAttachment(Base):
    """A photo, document, voice note or video on a ticket, kept as Telegram's file id so it
    can be sent again without downloading it."""

    __tablename__ = "ticket_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(
        enum(AttachmentKind), default=AttachmentKind.PHOTO
    )
    file_id: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str | None] = mapped_column(String(200))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


URGENCY_RANK = {Priority.PRODUCTION_STOPPED: 0, Priority.URGENT: 1, Priority.NORMAL: 2}


def _inline(value: Any, type_: Any = None) -> Any:
    """A value written into the SQL rather than bound: a partial or expression index serves
    only a statement that says the same, whatever plan PostgreSQL caches for it."""
    return literal(value, type_, literal_execute=True)


# /open's order (most urgent, then oldest) over the open tickets; the index reads a page of it
OPEN = Ticket.status.in_([_inline(status, Ticket.status.type) for status in sorted(OPEN_STATUSES)])
URGENCY = case(
    *(
        (Ticket.priority == _inline(priority, Ticket.priority.type), _inline(rank))
        for priority, rank in URGENCY_RANK.items()
    )
)
Index(
    "ix_tickets_open_urgency",
    URGENCY,
    Ticket.created_at,
    Ticket.id,
    postgresql_where=OPEN,
    sqlite_where=OPEN,
)

# the engineers' board (bot/services/jobs.py): the jobs nobody has taken, read by category with
# everything the board orders by, so the index alone answers it
UNTAKEN = and_(
    Ticket.status == _inline(TicketStatus.NEW, Ticket.status.type), Ticket.engineer_id.is_(None)
)
Index(
    "ix_tickets_board",
    Ticket.equipment_category,
    Ticket.priority,
    Ticket.equipment_latitude,
    Ticket.equipment_longitude,
    Ticket.created_at,
    Ticket.id,
    postgresql_where=UNTAKEN,
    sqlite_where=UNTAKEN,
)


class TimelineKind(StrEnum):
    CREATED = "created"
    STATUS = "status"
    NOTE = "note"
    ATTACHMENT = "attachment"
    # A message between the customer and staff; ``data`` says who wrote ("from": "customer" or
    # "staff") and whether it was a question that waits for the customer.
    MESSAGE = "message"
    ASSIGNED = "assigned"
    HANDED_BACK = "handed_back"
    # One check's result: ``data`` keeps the check's names and, for a yes/no check, the
    # phrase of its outcome, so the line reads in any language as it was logged.
    TEST = "test"
    PARTS = "parts"  # requested
    # A requested part moved on: ``data`` names the request, part, quantity and warehouse.
    PART_ISSUED = "part_issued"
    PART_USED = "part_used"
    PART_RETURNED = "part_returned"
    FEEDBACK = "feedback"
    REOPENED = "reopened"


class TicketEvent(Base):
    """One line of a ticket's timeline; also its audit trail."""

    __tablename__ = "ticket_events"
    # A kind's tickets (the reopened ones, for first-time fixes) without reading every event.
    __table_args__ = (Index("ix_ticket_events_kind_ticket", "kind", "ticket_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[TimelineKind] = mapped_column(enum(TimelineKind))
    status: Mapped[TicketStatus | None] = mapped_column(enum(TicketStatus))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Dialog(Base):
    """The dialog a person is in, kept here so it survives restarts and spans processes."""

    __tablename__ = "dialogs"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    # The chat it was started in: only messages there feed it (None: the private chat).
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProcessedUpdate(Base):
    """Telegram update ids already handled: a redelivered update is recognised and skipped."""

    __tablename__ = "processed_updates"
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class InboxStatus(StrEnum):
    PENDING = "pending"  # waiting for a worker (after a failure: not before ``lease_until``)
    CLAIMED = "claimed"  # a worker holds it until ``lease_until``
    DONE = "done"  # handled, in the same transaction as what the handling changed
    DEAD = "dead"  # handling crashed too often; no longer blocks its chat


class InboxUpdate(Base):
    """A Telegram update as received, written before it is acknowledged (webhook 200, polling
    offset), so a process killed at any instant loses none; workers claim the oldest open row
    of a chat and mark it done in the update's own transaction. The row is also the record
    that a redelivered ``update_id`` was seen."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_open", "status", "chat_key", "update_id"),)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The chat the update belongs to (else its sender, else the update itself): order is kept
    # per key, different keys are handled in parallel.
    chat_key: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[InboxStatus] = mapped_column(enum(InboxStatus), default=InboxStatus.PENDING)
    holder: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column()


class Invite(Base):
    """A single-use, expiring code that gives whoever opens it a role."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(enum(Role))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    used_at: Mapped[datetime | None] = mapped_column()


class CheckType(StrEnum):
    NUMBER = "number"
    YESNO = "yesno"
    TEXT = "text"


class ChecklistTemplate(Base):
    """The acceptance checks for a model (or a whole category) and a job kind."""

    __tablename__ = "checklist_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[TicketKind] = mapped_column(enum(TicketKind))
    model_id: Mapped[int | None] = mapped_column(ForeignKey("equipment_models.id"))
    category: Mapped[str | None] = mapped_column(String(100))


class ChecklistCheck(Base):
    """One check of a template. A yes/no check reads as a phrase per outcome and locale
    (``pass_names``: "No refrigerant leak", ``fail_names``: "Refrigerant leak found") rather
    than "name: yes"; ``passes_on_yes`` says which answer passes (False: "no" is the good one,
    as for "Refrigerant leak?")."""

    __tablename__ = "checklist_checks"
    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_templates.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    names: Mapped[dict[str, Any]] = mapped_column(default=dict)  # locale → name
    type: Mapped[CheckType] = mapped_column(enum(CheckType))
    unit: Mapped[str] = mapped_column(String(32), default="")
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    pass_names: Mapped[dict[str, Any]] = mapped_column(default=dict)  # locale → phrase
    fail_names: Mapped[dict[str, Any]] = mapped_column(default=dict)  # locale → phrase
    passes_on_yes: Mapped[bool] = mapped_column(Boolean, default=True)


class TestResult(Base):
    """One measurement of one check on one job; a retest adds a row, the latest counts.
    ``skipped``: the engineer skipped this optional check on purpose (no value; neither passed
    nor failed), so a retest of the failed and missing does not ask it again."""

    __tablename__ = "test_results"
    __test__ = False  # not a pytest class
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checklist_checks.id"))
    engineer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    value_text: Mapped[str] = mapped_column(String(500), default="")
    value_number: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    measured_at: Mapped[datetime] = mapped_column(default=utcnow)


class Warehouse(Base):
    __tablename__ = "warehouses"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Part(Base):
    """A catalog part, named in English (``name``) and optionally in Russian and Bulgarian.
    ``min_stock`` is the total below which stock is low (``FIELDBOT_MIN_STOCK`` when unset);
    ``low_alerted`` says the managers were told it went below, until it is back above."""

    __tablename__ = "parts"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_ru: Mapped[str | None] = mapped_column(String(300))
    name_bg: Mapped[str | None] = mapped_column(String(300))
    min_stock: Mapped[int | None] = mapped_column(Integer)
    low_alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Any change moves it: the fuzzy catalog of every process sees it (bot/services/catalogs.py).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)


class Stock(Base):
    __tablename__ = "stock"
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, default=0)


class PartStatus(StrEnum):
    """requested → issued (from a warehouse) or ordered → issued on arrival, or rejected;
    an issued part is then used on the job or returned to its warehouse."""

    REQUESTED = "requested"
    ORDERED = "ordered"
    ISSUED = "issued"
    REJECTED = "rejected"
    USED = "used"
    RETURNED = "returned"


class PartRequest(Base):
    __tablename__ = "part_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[PartStatus] = mapped_column(enum(PartStatus), default=PartStatus.REQUESTED)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    expected_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)  # why it was rejected
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # the last manager
    ordered_at: Mapped[datetime | None] = mapped_column()
    issued_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()  # used, returned or rejected
    # the outbox row of the managers' live alert about it (edited as the request moves)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))


class MovementReason(StrEnum):
    ISSUED = "issued"
    RETURNED = "returned"
    ARRIVED = "arrived"  # an ordered part came in for its request (and is issued at once)
    IMPORT = "import"
    ADJUST = "adjust"


class StockMovement(Base):
    """The stock ledger: every change of a warehouse's quantity of a part, who made it and
    why. The sum of a part's deltas since its import is its stock."""

    __tablename__ = "stock_movements"
    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    delta: Mapped[int] = mapped_column(Integer)
    quantity_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[MovementReason] = mapped_column(enum(MovementReason))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("part_requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Feedback(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    # Failed transiently for too long (a poison message): no longer holds its chat; an
    # operator retries or drops it with `fieldbot outbox`.
    DEAD = "dead"


class OutboxMessage(Base):
    """A message the bot sends on its own initiative, written in the same transaction as the
    change that caused it and delivered by the dispatcher."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # The claim walks the pending rows in its order (id) and stops at its batch size.
        Index("ix_outbox_status_id", "status", "id"),
        Index("ix_outbox_chat_message", "chat_id", "message_id"),
        Index("ix_outbox_chat_order", "chat_id", "status", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    text: Mapped[str] = mapped_column(Text)
    markup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Telegram file ids to send ([{"kind": "photo", "file_id": ...}, ...]), ``text`` the caption.
    media: Mapped[list[Any] | None] = mapped_column(JSON)
    # An uploaded file (e.g. the digest chart PNG), sent as a document with ``text`` as caption.
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    document_name: Mapped[str | None] = mapped_column(String(100))
    # The uploaded file goes as a photo (shown in the chat) rather than as a document.
    upload_as_photo: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(32), default="")
    # The ticket the message is about: a Telegram reply to it is routed to that ticket.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # Set on an edit: the row whose delivered message gets this text and keyboard.
    edit_of: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    # Set on an edit of a message known by its Telegram id (a reply to a button press).
    edit_message_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[OutboxStatus] = mapped_column(enum(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    # The first transient failure of a row not yet delivered: the dead-letter clock.
    failing_since: Mapped[datetime | None] = mapped_column()


class LivePurpose(StrEnum):
    ALERT = "alert"  # the managers' alert about a ticket
    PUSH = "push"  # a new job offered to an engineer


class LiveMessage(Base):
    """A message about a ticket that is edited as the ticket changes, so nobody acts on a
    stale one: it points at the outbox row that sent it, and edits go out as outbox rows with
    ``edit_of`` set to that row."""

    __tablename__ = "live_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    purpose: Mapped[LivePurpose] = mapped_column(enum(LivePurpose))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Lease(Base):
    """A named, expiring claim shared by every process: whoever holds it may do the named work
    (the SQLite outbox claimer, for one) until ``expires_at``; then anyone may take it over."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column()


class JobRun(Base):
    """One period of one periodic job, claimed by inserting this row; the primary key is what
    stops two processes from running the same period twice."""

    __tablename__ = "job_runs"
    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    period_start: Mapped[datetime] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)


class Complaint(Base):
    """A customer's complaint, sent to the managers with the customer's recent history."""

    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AlertSent(Base):
    """An alert that must go out once: an SLA escalation of a ticket (``subject`` ``ticket:42``)
    or the digest of a day. The unique key makes concurrent runs send it once."""

    __tablename__ = "alerts_sent"
    __table_args__ = (UniqueConstraint("kind", "subject", name="uq_alerts_sent_kind_subject"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column()


class MaintenancePlan(Base):
    """A preventive maintenance due date of one piece of equipment, claimed once: the primary
    key stops two runs (or processes) from creating its job twice."""

    __tablename__ = "maintenance_plans"
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id"), primary_key=True)
    due_on: Mapped[date] = mapped_column(Date, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[datetime] = mapped_column()
    # What the job was planned under, kept as planned (the contract may change later).
    contract_number: Mapped[str | None] = mapped_column(String(64))
    interval_days: Mapped[int | None] = mapped_column(Integer)


class VisitState(StrEnum):
    PROPOSED = "proposed"  # offered to the customer, not answered yet
    AGREED = "agreed"  # the customer picked it: it is the ticket's ``visit_at``
    WITHDRAWN = "withdrawn"  # replaced by a newer proposal, or another slot was picked
    DECLINED = "declined"  # the customer asked for another time


class VisitSlot(Base):
    """A time offered for a visit to the customer; the one they pick becomes the ticket's
    ``visit_at``. ``proposed_by`` is None for the slots offered with a maintenance notice."""

    __tablename__ = "visit_slots"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column()
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[VisitState] = mapped_column(enum(VisitState), default=VisitState.PROPOSED)
    decided_at: Mapped[datetime | None] = mapped_column()


class Holiday(Base):
    """A company holiday: no business-hours clock runs, no visit is made, nothing is due."""

    __tablename__ = "holidays"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class ServiceReport(Base):
    """The service report (acceptance protocol) of a job its customer confirmed: the PDF as
    sent, in the customer's language, and its verification code (a hash of its content) that
    ``/verify`` looks up. ``passed``: no required acceptance check failed or is missing."""

    __tablename__ = "service_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    locale: Mapped[str] = mapped_column(String(8))
    passed: Mapped[bool] = mapped_column(Boolean)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column()
    pdf: Mapped[bytes] = mapped_column(LargeBinary)


class AuditEntry(Base):
    """Who changed whose role, linked whom to a customer, deactivated, imported, exported,
    backed up or restored: appended by :func:`bot.services.audit.record`, never changed.
    ``details`` holds ids, counts, periods and file names, never a person's name or phone,
    so forgetting a person leaves this trail as it is."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(32))
    # who did it: a person, or an operator on the server ("cli:<OS user>")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor: Mapped[str | None] = mapped_column(String(100))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # No foreign key: a customer merged into another in review is deleted, its trail stays.
    customer_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Throttle(Base):
    """A counter per key over a fixed window, shared by every process: inbound updates per
    person, failed invite redemptions, the one-time "write to me privately" answer per chat."""

    __tablename__ = "throttles"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[datetime] = mapped_column()
    hits: Mapped[int] = mapped_column(Integer)


class TrendDay(Base):
    """A UTC day whose /trends figures (:class:`TrendModelDay`, :class:`TrendEngineerDay`)
    are computed and current; a change that alters them deletes this row
    (storage/trend_marks.py), and the day is computed again when next read."""

    __tablename__ = "trend_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    computed_at: Mapped[datetime] = mapped_column()


class TrendModelDay(Base):
    """Breakdowns (not cancelled) opened on ``day`` on equipment of one model."""

    __tablename__ = "trend_model_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    model_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    breakdowns: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[int] = mapped_column(Integer)
    resolve_seconds: Mapped[float] = mapped_column(Float)


class TrendCustomerDay(Base):
    """Breakdowns (not cancelled) one customer opened on ``day``: the top customers of a
    period are sums of these."""

    __tablename__ = "trend_customer_days"
    __table_args__ = (Index("ix_trend_customer_days_customer", "customer_id", "day"),)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    breakdowns: Mapped[int] = mapped_column(Integer)


class TrendCustomerTop(Base):
    """The customers with most breakdowns over the whole days ``first``..``last`` (the top
    ``trend_days.KEPT_TOP``, ties by id), and under ``customer_id`` 0 the number of all their
    breakdowns: what ranking :class:`TrendCustomerDay` over a window finds, kept, since it
    reads every customer of the window. Computing a day forgets the ranges that hold it."""

    __tablename__ = "trend_customer_tops"
    first: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[date] = mapped_column(Date, primary_key=True)
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    breakdowns: Mapped[int] = mapped_column(Integer)


class TrendRepeatDay(Base):
    """A breakdown opened on ``day`` and the breakdown before it on the same equipment, when
    that one was opened at most ``trend_days.REPEAT_DAYS`` earlier (neither cancelled). A
    period's repeats are the pairs whose earlier breakdown falls in the period too."""

    __tablename__ = "trend_repeat_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    equipment_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column()
    previous_id: Mapped[int] = mapped_column(Integer)
    previous_at: Mapped[datetime] = mapped_column()


class TrendEngineerDay(Base):
    """One engineer's jobs closed on ``day``; the times to resolve are kept one by one (the
    median of a period cannot be made of daily medians)."""

    __tablename__ = "trend_engineer_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    engineer_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    closed: Mapped[int] = mapped_column(Integer)
    first_time: Mapped[int] = mapped_column(Integer)
    rating_sum: Mapped[int] = mapped_column(Integer)
    ratings: Mapped[int] = mapped_column(Integer)
    # an array on PostgreSQL, where the median is taken in SQL over its elements
    resolve_seconds: Mapped[list[float]] = mapped_column(
        JSON().with_variant(postgresql.ARRAY(Float), "postgresql")
    )
