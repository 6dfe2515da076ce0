"""The demo company: customers in Sofia, Plovdiv and Moscow, their equipment, a checklist and
parts catalog, two engineers, a manager and the managers' group.

Everything is loaded through the same importers and services that production uses, so the
demo shows real behaviour, not a mock. Dates are relative to the day of loading, so warranties
and contracts are valid, expired or missing whenever someone tries the demo.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.events import EventKind, Incoming
from bot.services import invites, jobs, people, tickets
from bot.services.importer import import_csv
from storage.models import Customer, Equipment, Person, Priority, Role

log = logging.getLogger(__name__)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MARKER_REF = "CAFE-VITOSHA"
# The service company itself, as its service reports and sticker sheets print it.
COMPANY = {
    "name": "Vitosha Field Service Ltd",
    "address": "bul. Bulgaria 102, Sofia",
    "phone": "+359 2 900 1000",
}  # the first demo customer: present means the data is loaded


@dataclass(frozen=True)
class DemoPerson:
    """A simulated Telegram account and what the demo makes of it."""

    user_id: int
    first_name: str
    role: Role
    language: str = "en"
    phone: str | None = None  # a client is matched to a customer by it
    skills: tuple[str, ...] = ()
    location: tuple[float, float] | None = None  # where their phone says they are
    on_duty: bool = False


@dataclass(frozen=True)
class DemoGroup:
    chat_id: int
    title: str


CUSTOMER = DemoPerson(
    5001, "Maria", Role.CLIENT, phone="+359 88 812 3456", location=(42.6935, 23.3219)
)
ENGINEER = DemoPerson(
    5002,
    "Petar",
    Role.ENGINEER,
    phone="+359 87 700 1122",
    skills=("coffee", "hvac"),
    location=(42.6977, 23.3219),
    on_duty=True,
)
MANAGER = DemoPerson(5003, "Elena", Role.MANAGER, phone="+359 89 900 3344")
OTHERS = (
    DemoPerson(
        5004,
        "Alexei",
        Role.ENGINEER,
        language="ru",
        skills=("hvac", "medical"),
        location=(55.7558, 37.6173),
        on_duty=True,
    ),
    DemoPerson(5005, "Ivan", Role.CLIENT, language="ru", phone="+7 912 345-67-89"),
)
PEOPLE = (CUSTOMER, ENGINEER, MANAGER, *OTHERS)
GROUP = DemoGroup(-1001000005000, "Service managers")

CUSTOMERS_CSV = """ref,name,contact_name,phone,email,site,address,latitude,longitude
CAFE-VITOSHA,Café Vitosha Ltd,Мария Иванова,+359 88 812 3456,office@cafe-vitosha.bg,Vitosha blvd,"bul. Vitosha 15, 1000 Sofia",42.6935,23.3219
CAFE-VITOSHA,Café Vitosha Ltd,,,,Mall of Sofia,"bul. Aleksandar Stamboliyski 101, 1303 Sofia",42.6983,23.3078
CAFE-VITOSHA,Café Vitosha Ltd,,,,Plovdiv Old Town,"ul. Saborna 22, 4000 Plovdiv",42.1488,24.7523
TRAKIA-MED,Trakia Medical Centre,Георги Петров,+359 87 654 3210,it@trakiamed.bg,Main building,"bul. Ruski 15, 4000 Plovdiv",42.1421,24.7436
NORD-PHARMA,Nord Pharma,Иван Петров,+7 912 345-67-89;+7 495 111 22 33,it@nordpharma.ru,Leninsky lab,"Leninsky prospekt 30, Moscow 119334",55.7076,37.5853
NORD-PHARMA,Nord Pharma,,,,Tverskaya office,"Tverskaya ul. 7, Moscow 125009",55.7579,37.6129
"""

EQUIPMENT_COLUMNS = (
    "serial,model,manufacturer,category,customer_ref,site,installed_on,warranty_until,"
    "contract,contract_tier,contract_until"
)
# serial, model, manufacturer, category, customer, site, installed (days ago),
# warranty (days from today; None: none), contract, tier, contract end (days from today)
EQUIPMENT: tuple[tuple[str, str, str, str, str, str, int, int | None, str, str, int], ...] = (
    ("LM-PB-2231", "Linea PB", "La Marzocco", "coffee", "CAFE-VITOSHA", "Vitosha blvd",
     420, 310, "SC-2024-017", "gold", 400),
    ("LM-PB-3307", "Linea PB", "La Marzocco", "coffee", "CAFE-VITOSHA", "Mall of Sofia",
     1100, -370, "SC-2024-017", "gold", 400),
    ("MZ-SJ-0912", "Super Jolly", "Mazzer", "coffee", "CAFE-VITOSHA", "Mall of Sofia",
     1500, -770, "", "", 0),
    ("DK-35-8812", "FTXM35R", "Daikin", "hvac", "CAFE-VITOSHA", "Plovdiv Old Town",
     1300, -570, "SC-2022-004", "standard", -60),
    ("SM-XR-5500", "Xray Vision 5500", "Siemens", "medical", "TRAKIA-MED", "Main building",
     200, 900, "SC-2025-031", "platinum", 900),
    ("MT-SRK-71", "SRK71ZR", "Mitsubishi Heavy", "hvac", "TRAKIA-MED", "Main building",
     800, None, "", "", 0),
    ("CR-42-0117", "42QHC", "Carrier", "hvac", "NORD-PHARMA", "Leninsky lab",
     1000, -270, "SC-2023-112", "silver", 180),
    ("LH-LKPV-1420", "LKPv 1420 MediLine", "Liebherr", "medical", "NORD-PHARMA", "Leninsky lab",
     300, 430, "", "", 0),
    ("CR-42-0118", "42QHC", "Carrier", "hvac", "NORD-PHARMA", "Tverskaya office",
     1000, -270, "", "", 0),
)  # fmt: skip


@dataclass
class LoadReport:
    """What was loaded, for the start-up message."""

    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def equipment_csv(today: date) -> str:
    """The equipment table with dates relative to ``today``."""

    def day(offset: int | None) -> str:
        return "" if offset is None else (today + timedelta(days=offset)).isoformat()

    lines = [EQUIPMENT_COLUMNS]
    for (
        serial,
        model,
        maker,
        category,
        ref,
        site,
        age,
        warranty,
        contract,
        tier,
        until,
    ) in EQUIPMENT:
        lines.append(
            ",".join(
                (
                    serial,
                    model,
                    maker,
                    category,
                    ref,
                    site,
                    day(-age),
                    day(warranty),
                    contract,
                    tier,
                    day(until) if contract else "",
                )
            )
        )
    return "\n".join(lines) + "\n"


async def is_loaded(session: AsyncSession) -> bool:
    found = await session.scalar(select(Customer.id).where(Customer.external_ref == MARKER_REF))
    return found is not None


async def load(session: AsyncSession, settings: Settings, now: datetime) -> LoadReport:
    """Fill an empty, migrated database with the demo company (the caller commits)."""
    report = LoadReport()
    tables = [("customers", CUSTOMERS_CSV), ("equipment", equipment_csv(now.date()))]
    for kind, name in (("checklists", "checklists.csv"), ("parts", "parts.csv")):
        path = EXAMPLES / name
        if path.exists():
            tables.append((kind, path.read_text(encoding="utf-8-sig")))
        else:
            report.warnings.append(f"{path} not found: no {kind} in the demo")
    for kind, text in tables:
        imported = await import_csv(session, kind, text)
        if imported.errors:
            raise RuntimeError(f"demo {kind} did not import: {imported.errors}")
        report.counts[kind] = imported.imported
    for demo_person in PEOPLE:
        await register(session, settings, demo_person, now)
    await open_ticket(session, settings, now)
    report.counts["people"] = len(PEOPLE)
    return report


async def register(
    session: AsyncSession, settings: Settings, demo: DemoPerson, now: datetime
) -> Person:
    """Create the person as their first message would, then give them their role and profile
    the way the product does: phone matching for clients, an invite for engineers."""
    first_contact = Incoming(
        update_id=0,
        kind=EventKind.OTHER,
        chat_id=demo.user_id,
        user_id=demo.user_id,
        user_name=demo.first_name,
        language_code=demo.language,
    )
    person = await people.identify(session, first_contact, settings)
    if demo.phone is not None and demo.role is Role.CLIENT:
        await people.link_phone(session, person, demo.phone, now)
    if demo.role is Role.ENGINEER:
        invite = await invites.create(session, Role.ENGINEER, now)
        await invites.redeem(session, invite.code, person, now)
        await jobs.set_profile(session, person, skills=list(demo.skills))
        await jobs.set_duty(session, person, demo.on_duty)
        if demo.location is not None:
            await jobs.record_location(session, person, *demo.location, now)
    return person


async def open_ticket(session: AsyncSession, settings: Settings, now: datetime) -> None:
    """One job already waiting in Moscow, so the board and the managers have something."""
    reporter = await session.scalar(select(Person).where(Person.tg_user_id == OTHERS[1].user_id))
    equipment = await session.scalar(select(Equipment).where(Equipment.serial == "CR-42-0117"))
    assert reporter is not None and reporter.customer_id is not None and equipment is not None
    new = tickets.NewTicket(
        customer_id=reporter.customer_id,
        equipment_id=equipment.id,
        description="Кондиционер в лаборатории не охлаждает, на пульте ошибка E5.",
        priority=Priority.URGENT,
    )
    await tickets.create(session, reporter, new, now - timedelta(hours=2), settings)


async def counts(session: AsyncSession) -> dict[str, int]:
    """How much demo data there is, for the start-up message and tests."""

    async def count(model: type[Customer] | type[Equipment] | type[Person]) -> int:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    engineers = await session.scalar(
        select(func.count()).select_from(Person).where(Person.role == Role.ENGINEER)
    )
    return {
        "customers": await count(Customer),
        "equipment": await count(Equipment),
        "people": await count(Person),
        "engineers": int(engineers or 0),
    }
