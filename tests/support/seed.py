"""A small, realistic customer base for tests: customers in Sofia and Moscow with equipment;
the example checklists and parts catalog; places near the customers' sites."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.services.importer import import_csv

CUSTOMERS = """ref,name,contact_name,phone,email,site,address,latitude,longitude
ACME,Acme Coffee Sofia,Мария Иванова,+359 88 812 3456,office@acme.bg,Vitosha blvd,"bul. Vitosha 15, Sofia",42.6935,23.3219
ACME,Acme Coffee Sofia,,,,Plovdiv shop,"ul. Glavna 3, Plovdiv",42.1466,24.7490
NORD,Nord Pharma,Иван Петров,+7 912 345-67-89;+7 495 111 22 33,it@nord.ru,Moscow lab,"Moscow, Leninsky pr. 30",55.7076,37.5853
"""

EQUIPMENT = """serial,model,manufacturer,category,customer_ref,site,installed_on,warranty_until,contract,contract_tier,contract_until
LM-PB-2231,Linea PB,La Marzocco,coffee,ACME,Vitosha blvd,2024-03-01,2027-03-01,C-100,gold,2027-12-31
DK-35-8812,FTXM35R,Daikin,hvac,ACME,Plovdiv shop,2022-05-10,2024-05-10,,,
CR-42-0117,42QHC,Carrier,hvac,NORD,Moscow lab,2023-01-15,2025-01-15,C-200,silver,2025-06-30
SM-XR-5500,Xray Vision 5500,Siemens,medical,NORD,Moscow lab,2025-09-01,2028-09-01,C-201,platinum,2028-09-01
"""

# A Russian repair's checklist and a part (tests/flows/test_service_report.py).
REPAIR_CHECKS = """template,kind,model,category,position,name_en,name_ru,name_bg,type,unit,min,max,required
AC repair,breakdown,,hvac,1,Refrigerant pressure,Давление хладагента,Налягане на хладилния агент,number,bar,8,12,yes
AC repair,breakdown,,hvac,2,Outlet air temperature,Температура воздуха на выходе,Температура на изходящия въздух,number,°C,6,14,yes
AC repair,breakdown,,hvac,3,Drain is clear,Дренаж чист,Дренажът е чист,yesno,,,,yes
"""
NORD_PARTS = """number,name,name_ru,warehouse,quantity
CR-CAP-45,Run capacitor,Пусковой конденсатор,Москва,4
"""

ACME_PHONE = "+359888123456"
NORD_PHONE = "79123456789"
SOFIA_CENTRE = (42.6977, 23.3219)  # about 0.5 km from Acme's Vitosha blvd site
PLOVDIV_CENTRE = (42.1354, 24.7453)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


async def seed(session: AsyncSession) -> None:
    for kind, text in (("customers", CUSTOMERS), ("equipment", EQUIPMENT)):
        report = await import_csv(session, kind, text)
        assert not report.errors, report.errors


async def seed_app(app: App) -> None:
    async with app.db.transaction() as session:
        await seed(session)


async def import_examples(app: App, *kinds: str) -> None:
    """The example ``checklists`` and ``parts`` catalog (both unless ``kinds`` names some)."""
    async with app.db.transaction() as session:
        for kind in kinds or ("checklists", "parts"):
            text = (EXAMPLES / f"{kind}.csv").read_text(encoding="utf-8")
            report = await import_csv(session, kind, text)
            assert not report.errors, report.errors
