"""The ``fieldbot`` command: run the bot, migrate the database, import data, look after the
outbox, back up and restore, manage staff, read the audit log, export or forget a person's data.

Only the standard library is imported up front: settings, the database, migrations and the
runtimes are imported by the command that needs them, so ``fieldbot --help`` (or a mistyped
command) answers at once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot import cli_access

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger("fieldbot")


async def _run(settings: Settings) -> int:
    import signal

    from bot.app import create_app
    from bot.runner import Webhook, run_bot
    from bot.runtimes.factory import create_runtime
    from storage.db import is_sqlite
    from storage.migrate import upgrade

    if settings.bot_token is None:
        print(
            "FIELDBOT_BOT_TOKEN is not set. Put the token from @BotFather in .env "
            "(see .env.example), or point FIELDBOT_API_BASE_URL at a local Bot API server.",
            file=sys.stderr,
        )
        return 2
    if is_sqlite(settings.database_url):
        await upgrade(settings.database_url)
    app = create_app(settings)
    runtime = create_runtime(
        settings.runtime,
        settings.bot_token.get_secret_value(),
        app.engine.handle,
        settings.api_base_url,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    log.info("fieldbot running on %s with %s", settings.runtime, _safe_url(settings))
    try:
        await run_bot(app, runtime, stop, webhook=Webhook.from_settings(settings))
    except Exception:
        log.exception("fieldbot stopped because a part of it failed")
        return 1
    finally:
        await runtime.close()
        await app.close()
    return 0


def _safe_url(settings: Settings) -> str:
    """The database URL without its password, for logs."""
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


async def _invite(settings: Settings, role: str, days: int) -> int:
    """Create a single-use invite and print the link to hand to the new engineer or manager."""
    from datetime import UTC, datetime, timedelta

    from bot.services import invites
    from storage.db import Database
    from storage.migrate import upgrade
    from storage.models import Role

    await upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            invite = await invites.create(
                session, Role(role), datetime.now(UTC), ttl=timedelta(days=days)
            )
    finally:
        await db.dispose()
    payload = invites.start_payload(invite)
    username = settings.bot_username or await _bot_username(settings)
    print(f"{role} invite, single use, valid for {days} days: {invite.code}")
    if username:
        print(f"https://t.me/{username.lstrip('@')}?start={payload}")
    else:
        print(f"the new {role} opens the bot and sends: /start {payload}")
    return 0


async def _bot_username(settings: Settings) -> str | None:
    """The bot's @username from the Bot API (getMe); None when there is no token or no answer."""
    if settings.bot_token is None:
        return None
    import aiohttp

    base = (settings.api_base_url or "https://api.telegram.org").rstrip("/")
    url = f"{base}/bot{settings.bot_token.get_secret_value()}/getMe"
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http,
            http.get(url) as response,
        ):
            body = await response.json()
        return str(body["result"]["username"]) if body.get("ok") else None
    except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as error:
        log.warning("could not ask Telegram for the bot's username: %s", error)
        return None


async def _outbox(settings: Settings, action: str, row_id: int | None) -> int:
    """List the dead letters, or send one again, or drop it."""
    from datetime import UTC, datetime

    from bot.ops import dead_letters
    from storage.db import Database
    from storage.migrate import upgrade

    await upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        if action == "list":
            dead, pending = await dead_letters.dead_letters(db)
            for row in dead:
                since = (
                    row.failing_since.isoformat(timespec="seconds") if row.failing_since else "?"
                )
                print(
                    f"#{row.id}\tchat {row.chat_id}\t{row.kind or '-'}\t{row.attempts} attempts"
                    f"\tfailing since {since}\t{row.error[:80]}\t{row.preview!r}"
                )
            print(f"{len(dead)} dead letter(s); {pending} message(s) waiting to be sent")
            return 0
        if row_id is None:
            print(f"fieldbot outbox {action} needs the message's number (see: outbox list)")
            return 2
        if action == "retry":
            done = await dead_letters.retry(db, row_id, datetime.now(UTC))
        else:
            done = await dead_letters.drop(db, row_id)
    finally:
        await db.dispose()
    if not done:
        print(f"no dead letter #{row_id} (see: fieldbot outbox list)", file=sys.stderr)
        return 1
    print(f"#{row_id} {'queued again' if action == 'retry' else 'dropped'}")
    return 0


async def _backup(settings: Settings, action: str, file: Path) -> int:
    from bot.ops.backup import RestoreRefused, backup, restore

    try:
        if action == "backup":
            summary = await backup(settings.database_url, file)
        else:
            summary = await restore(settings.database_url, file)
    except RestoreRefused as refusal:
        print(f"{action}: {refusal}", file=sys.stderr)
        return 1
    await _audit_backup(settings, action, file)
    verb = "written to" if action == "backup" else "restored from"
    print(
        f"{summary.total} rows in {len(summary.rows)} tables (schema {summary.revision}) "
        f"{verb} {file}"
    )
    return 0


async def _audit_backup(settings: Settings, action: str, file: Path) -> None:
    """Backups and restores go in the audit log (a restore's in the database it made)."""
    from datetime import UTC, datetime

    from bot.services.audit import Action, operator, record
    from storage.db import Database

    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            what = Action.BACKUP if action == "backup" else Action.RESTORE
            await record(session, what, datetime.now(UTC), by=operator(), file=file.name)
    finally:
        await db.dispose()


async def _inbox(settings: Settings, action: str, update_ids: list[int]) -> int:
    """List, retry or drop the updates the inbox gave up on (``dead``)."""
    from datetime import UTC, datetime

    from bot.inbox import InboxStore
    from storage.db import Database
    from storage.migrate import upgrade

    await upgrade(settings.database_url)
    db = Database(settings.database_url)
    store = InboxStore(db)
    try:
        if action == "list":
            dead = await store.dead()
            for row in dead:
                done = row.done_at.isoformat(timespec="seconds") if row.done_at else "—"
                print(f"{row.update_id}\tchat {row.chat_key}\t{row.attempts} tries\t{done}")
                print(f"\t{(row.error or '').splitlines()[0] if row.error else ''}")
            print(f"{len(dead)} dead update(s)")
            return 0
        if not update_ids:
            print(
                f"inbox {action}: name the update ids (see: fieldbot inbox list)", file=sys.stderr
            )
            return 2
        if action == "retry":
            changed = await store.retry(update_ids)
            print(f"{changed} update(s) queued again")
        else:
            changed = await store.drop(update_ids, datetime.now(UTC))
            print(f"{changed} update(s) dropped")
        return 0 if changed == len(set(update_ids)) else 1
    finally:
        await db.dispose()


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="fieldbot", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling, or a webhook when configured)")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="apply all migrations")
    imports = commands.add_parser(
        "import", help="import a CSV file (columns in README); checklists also from YAML"
    )
    imports.add_argument(
        "kind",
        choices=["customers", "equipment", "checklists", "parts", "contracts", "holidays"],
    )
    imports.add_argument("file", type=Path, help="CSV (any encoding and separator) or XLSX")
    imports.add_argument("--encoding", help="the CSV's encoding, when detection gets it wrong")
    imports.add_argument("--dry-run", action="store_true", help="report without writing")
    stickers = commands.add_parser("stickers", help="a PDF sheet of QR stickers for equipment")
    stickers.add_argument("--customer", help="the customer's ref (default: all equipment)")
    stickers.add_argument("--serial", nargs="+", default=[], help="only these serials")
    stickers.add_argument("-o", "--output", type=Path, required=True, help="the PDF to write")
    invite = commands.add_parser(
        "invite", help="make a single-use invite link for a new colleague"
    )
    invite.add_argument("role", choices=["engineer", "manager"])
    invite.add_argument("--days", type=int, default=3, help="how long the link works (default 3)")
    outbox = commands.add_parser(
        "outbox", help="messages the bot gave up sending (dead letters): list, retry, drop"
    )
    outbox.add_argument("action", choices=["list", "retry", "drop"])
    outbox.add_argument("id", type=int, nargs="?", help="the message's number, from list")
    backup = commands.add_parser(
        "backup", help="write the whole database to FILE (gzip'd JSON lines, any backend)"
    )
    backup.add_argument("file", type=Path)
    restore = commands.add_parser(
        "restore", help="load a backup into a new, empty database (SQLite or PostgreSQL)"
    )
    restore.add_argument("file", type=Path)
    cli_access.add_commands(commands)
    inbox = commands.add_parser(
        "inbox", help="updates whose handling kept crashing: list, retry or drop them"
    )
    inbox.add_argument("action", choices=["list", "retry", "drop"])
    inbox.add_argument("update_ids", type=int, nargs="*", metavar="UPDATE_ID")
    demo = commands.add_parser(
        "demo", help="everything offline: a sandbox Bot API, the bot with demo data, a web page"
    )
    demo.add_argument("--port", type=int, default=8765, help="the page's port (default 8765)")
    demo.add_argument("--runtime", choices=["aiogram", "ptb"], default="aiogram")
    demo.add_argument("--reset", action="store_true", help="start over with fresh demo data")
    demo.add_argument(
        "--db", type=Path, default=Path("fieldbot-demo.sqlite3"), help="the demo's SQLite file"
    )
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx (under python-telegram-bot) logs every request URL, and the URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Migrations are news for `db upgrade`; elsewhere they are routine.
    logging.getLogger("alembic").setLevel(
        logging.INFO if args.command == "db" else logging.WARNING
    )
    if args.command == "demo":  # its own settings: a .env never leaks into the demo
        from bot.demo.run import DemoOptions, serve

        options = DemoOptions(args.db, args.runtime, port=args.port, reset=args.reset)
        return asyncio.run(serve(options))
    from pydantic import ValidationError

    from bot.config import Settings

    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"])
            field = f"FIELDBOT_{where.upper()}: " if where else ""
            message = problem["msg"].removeprefix("Value error, ")
            print(f"configuration: {field}{message}", file=sys.stderr)
        return 2
    if args.command == "run":
        return asyncio.run(_run(settings))
    if args.command == "db":
        from storage.migrate import upgrade

        asyncio.run(upgrade(settings.database_url))
        print("database is up to date")
        return 0
    if args.command == "import":
        if not args.file.exists():
            print(f"no such file: {args.file}", file=sys.stderr)
            return 2
        from bot.import_command import run_import

        data = args.file.read_bytes()
        return asyncio.run(
            run_import(settings, args.kind, args.file, data, args.encoding, args.dry_run)
        )
    if args.command == "stickers":
        from bot.papers.sticker_command import run_stickers

        return run_stickers(settings, args.customer, args.serial, args.output)
    if args.command == "outbox":
        return asyncio.run(_outbox(settings, args.action, args.id))
    if args.command in ("backup", "restore"):
        if args.command == "restore" and not args.file.exists():
            print(f"no such file: {args.file}", file=sys.stderr)
            return 2
        return asyncio.run(_backup(settings, args.command, args.file))
    if args.command in cli_access.COMMANDS:
        return asyncio.run(cli_access.run(settings, args))
    if args.command == "inbox":
        return asyncio.run(_inbox(settings, args.action, args.update_ids))
    if args.command == "invite":
        if args.days < 1:
            print("--days must be at least 1", file=sys.stderr)
            return 2
        return asyncio.run(_invite(settings, args.role, args.days))
    return 2


if __name__ == "__main__":
    sys.exit(main())
