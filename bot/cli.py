"""The ``fieldbot`` command: run the bot, migrate the database, import data."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from bot.config import Settings
from storage.db import is_sqlite
from storage.migrate import upgrade

log = logging.getLogger("fieldbot")


async def _run(settings: Settings) -> int:
    from bot.app import create_app
    from bot.runtimes.factory import create_runtime

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
        if settings.webhook_url:
            from bot.runtimes.webhook import serve_webhook

            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
            await runtime.set_webhook(settings.webhook_url, secret)  # type: ignore[attr-defined]
            await serve_webhook(
                runtime, settings.webhook_host, settings.webhook_port, "/webhook", secret, stop
            )
        else:
            await runtime.run(stop)
    finally:
        await runtime.close()
        await app.close()
    return 0


def _safe_url(settings: Settings) -> str:
    """The database URL without its password, for logs."""
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


async def _import(settings: Settings, kind: str, text: str, name: str) -> int:
    from bot.services.importer import import_csv
    from storage.db import Database

    await upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            report = await import_csv(session, kind, text)
    finally:
        await db.dispose()
    for line, message in report.errors:
        print(f"{name}:{line}: {message}", file=sys.stderr)
    print(f"{kind}: {report.imported} rows imported, {len(report.errors)} rejected")
    return 1 if report.errors else 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="fieldbot", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling, or a webhook when configured)")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="apply all migrations")
    imports = commands.add_parser("import", help="import a CSV file (columns in README)")
    imports.add_argument("kind", choices=["customers", "equipment"])
    imports.add_argument("file", type=Path)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = Settings()
    if args.command == "run":
        return asyncio.run(_run(settings))
    if args.command == "db":
        asyncio.run(upgrade(settings.database_url))
        print("database is up to date")
        return 0
    if args.command == "import":
        if not args.file.exists():
            print(f"no such file: {args.file}", file=sys.stderr)
            return 2
        text = args.file.read_text(encoding="utf-8-sig")
        return asyncio.run(_import(settings, args.kind, text, str(args.file)))
    return 2


if __name__ == "__main__":
    sys.exit(main())
