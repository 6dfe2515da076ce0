"""Starting and stopping the demo: sandbox, database, bot and page, in that order and back.

:func:`running_demo` is what ``fieldbot demo`` and the tests use; it yields a :class:`Demo`
whose URLs and parts the caller may print or drive.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.app import App, create_app
from bot.config import Settings
from bot.demo import data
from bot.demo.web import DemoPage
from bot.runner import running_bot
from bot.runtimes.factory import create_runtime
from bot.sandbox import SandboxServer
from storage.migrate import upgrade

log = logging.getLogger(__name__)

DEFAULT_DATABASE = Path("fieldbot-demo.sqlite3")
DEFAULT_PORT = 8765
BOT_ID = 777000111
BOT_USERNAME = "fieldbot_demo_bot"
TIMEZONE = "Europe/Sofia"


@dataclass(frozen=True)
class DemoOptions:
    database: Path = DEFAULT_DATABASE
    runtime: str = "aiogram"
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT  # the page; 0 picks a free port
    reset: bool = False


@dataclass
class Demo:
    """A running demo: where to look, and its parts for tests."""

    options: DemoOptions
    sandbox: SandboxServer
    app: App
    page: DemoPage
    database: Path
    loaded_now: bool  # the demo data was loaded by this start (a new or reset database)
    warnings: list[str] = field(default_factory=list)

    @property
    def page_url(self) -> str:
        return self.page.url

    @property
    def sandbox_url(self) -> str:
        return self.sandbox.base_url


def database_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.resolve()}"


def remove_database(path: Path) -> None:
    """Delete the SQLite file and its WAL companions, for ``--reset``."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def demo_settings(path: Path, runtime: str, token: str, api_base_url: str) -> Settings:
    """Settings of the demo alone: a user's ``.env`` (a real token, a production database)
    must never leak into it."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url(path),
        bot_token=token,  # type: ignore[arg-type]
        runtime=runtime,
        api_base_url=api_base_url,
        bot_username=BOT_USERNAME,
        company_name=data.COMPANY["name"],
        company_address=data.COMPANY["address"],
        company_phone=data.COMPANY["phone"],
        admins=frozenset({data.MANAGER.user_id}),
        manager_chat_id=data.GROUP.chat_id,
        timezone=TIMEZONE,
        default_locale="en",
        webhook_url=None,
        outbox_poll_seconds=0.3,
    )


async def load_once(app: App) -> tuple[bool, list[str]]:
    """Load the demo company unless the database has it already (a second run continues)."""
    async with app.db.transaction() as session:
        if await data.is_loaded(session):
            return False, []
        report = await data.load(session, app.settings, datetime.now(UTC))
    return True, report.warnings


def populate_sandbox(sandbox: SandboxServer, token: str) -> None:
    """The demo's Telegram accounts and the managers' group, known to the sandbox; everyone
    has started the bot before, so it may write to them first."""
    bot_id = sandbox.bot(token, BOT_USERNAME)
    for person in data.PEOPLE:
        sandbox.user(person.user_id, first_name=person.first_name, language_code=person.language)
        sandbox.state.bot(bot_id).started.add(person.user_id)
    sandbox.group(data.GROUP.chat_id, data.GROUP.title)


@asynccontextmanager
async def running_demo(options: DemoOptions) -> AsyncIterator[Demo]:
    """Start everything; on leaving the block stop the bot first (it polls the sandbox), then
    release the page's long polls and close the servers."""
    if options.reset:
        remove_database(options.database)
    await upgrade(database_url(options.database))
    sandbox = SandboxServer(bot_username=BOT_USERNAME)
    await sandbox.start(options.host)
    token = sandbox.make_token(BOT_ID)
    settings = demo_settings(options.database, options.runtime, token, sandbox.base_url)
    app = create_app(settings)
    page: DemoPage | None = None
    try:
        loaded_now, warnings = await load_once(app)
        populate_sandbox(sandbox, token)
        runtime = create_runtime(options.runtime, token, app.engine.handle, sandbox.base_url)
        page = DemoPage(sandbox, token, app)
        await page.start(options.host, options.port)
        demo = Demo(options, sandbox, app, page, options.database.resolve(), loaded_now, warnings)
        async with running_bot(app, runtime):
            yield demo
    finally:
        sandbox.state.close()  # ends the page's long polls at once
        if page is not None:
            await page.stop()
        await sandbox.stop()
        await app.close()


def banner(demo: Demo) -> str:
    """What was started and how to stop it, for the terminal."""
    state = "loaded now" if demo.loaded_now else "from the last run; --reset starts over"
    lines = [
        "",
        "fieldbot demo is running — everything stays on this machine.",
        f"  open the page:     {demo.page_url}",
        f"  sandbox Bot API:   {demo.sandbox_url}",
        f"  bot runtime:       {demo.options.runtime}",
        f"  database:          {demo.database} (demo data {state})",
        *(f"  note: {warning}" for warning in demo.warnings),
        "Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


async def serve(options: DemoOptions) -> int:
    """``fieldbot demo``: run until Ctrl-C or SIGTERM, then stop everything cleanly."""
    logging.getLogger().setLevel(logging.WARNING)  # the banner, then only what goes wrong
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with running_demo(options) as demo:
            print(banner(demo), flush=True)
            await stop.wait()
            print("stopping the demo…", flush=True)
    except OSError as error:  # most likely the page's port is taken
        print(f"fieldbot demo could not start: {error} (try --port)", file=sys.stderr)
        return 1
    print("demo stopped; the database stays for the next run.", flush=True)
    return 0
