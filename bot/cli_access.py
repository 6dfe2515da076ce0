"""``fieldbot staff``, ``fieldbot audit`` and ``fieldbot person``: who may do what, the audit
trail and a person's data on request, from the server. Each is one transaction, and what
changes something is recorded in the audit log as done by the OS user (``cli:<user>``)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the parser is built for `fieldbot --help` without these
    from bot.config import Settings
    from storage.db import Database


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = commands.add_parser("staff", help="list engineers and managers, or deactivate one")
    staff.add_argument("action", choices=["list", "deactivate"])
    staff.add_argument("id", type=int, nargs="?", help="the person's id (from staff list)")
    audit = commands.add_parser("audit", help="the audit log, newest first")
    audit.add_argument("--limit", type=int, default=50, help="how many entries (default 50)")
    person = commands.add_parser(
        "person", help="a person's data on request: export it as JSON, or forget it"
    )
    person.add_argument("action", choices=["export", "forget"])
    person.add_argument("id", type=int, help="the person's id (from staff list or audit)")


COMMANDS = ("staff", "audit", "person")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.services.errors import ServiceError
    from storage.db import Database
    from storage.migrate import upgrade

    await upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        if args.command == "staff":
            return await _staff(db, settings, args.action, args.id)
        if args.command == "audit":
            return await _audit(db, args.limit)
        return await _person(db, settings, args.action, args.id)
    except ServiceError as refused:
        print(refused.message.format(**refused.values), file=sys.stderr)
        return 1
    finally:
        await db.dispose()


async def _staff(db: Database, settings: Settings, action: str, person_id: int | None) -> int:
    from bot.core.i18n import Catalogs
    from bot.services import audit, staff
    from handlers import notices
    from handlers.notices.outbox import Background

    now = datetime.now(UTC)
    async with db.transaction() as session:
        if action == "list":
            people, _ = await staff.page(session, 0, size=10_000)
            for person in people:
                source = person.role_source or "-"
                duty = " on duty" if person.on_duty else ""
                print(f"{person.id}\t{person.role.value}\t{source}\t{person.name}{duty}")
            return 0
        if person_id is None:
            print("staff deactivate needs the person's id (see: fieldbot staff list)")
            return 2
        catalogs = Catalogs(settings.tz, settings.default_locale)
        reason = catalogs.get(settings.default_locale)._("Deactivated by a manager.")
        done = await staff.deactivate(
            session, person_id, now, settings, by=audit.operator(), reason=reason
        )
        speaker = Background(session, settings, catalogs, now)
        for moved in done.moved:
            await notices.job_moved(speaker, moved)
    jobs = ", ".join(f"#{event.ticket.id}" for event in done.moved) or "none"
    print(f"{done.person.name} is no longer {done.was.value}; jobs back on the board: {jobs}")
    return 0


async def _audit(db: Database, limit: int) -> int:
    from bot.services import audit

    async with db.transaction() as session:
        for entry in await audit.page(session, 0, size=limit):
            actor = entry.actor or (f"person {entry.actor_id}" if entry.actor_id else "-")
            about = f"person {entry.person_id}" if entry.person_id else "-"
            details = json.dumps(entry.details, ensure_ascii=False, sort_keys=True)
            print(f"{entry.at.isoformat()}\t{actor}\t{entry.action}\t{about}\t{details}")
    return 0


async def _person(db: Database, settings: Settings, action: str, person_id: int) -> int:
    from bot.core.i18n import Catalogs
    from bot.papers import report_pdf
    from bot.services import audit, personal_data, service_reports

    now = datetime.now(UTC)
    async with db.transaction() as session:
        if action == "export":
            data = await personal_data.export(session, person_id, now, by=audit.operator())
            print(json.dumps(data, ensure_ascii=False, indent=2))
            return 0
        person = await personal_data.forget(session, person_id, now, by=audit.operator())
        catalogs = Catalogs(settings.tz, settings.default_locale)

        def render(content: service_reports.ReportContent, code: str, locale: str) -> bytes:
            return report_pdf.render(content, code, catalogs.get(locale), settings.bot_username)

        reports = await service_reports.reissue_naming(session, person, settings, render)
    print(
        f"person {person_id} forgotten: personal data erased, tickets and figures kept, "
        f"{reports} service reports re-rendered without them"
    )
    return 0
