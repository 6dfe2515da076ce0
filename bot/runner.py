"""Runs the whole bot: updates in (polling or webhook) to the inbox, the inbox workers, the
outbox out, periodic jobs.

They run side by side until ``stop`` is set. If one of them ends on its own (a crash, a
rejected token) the others are stopped too and the error is logged and raised, so a process
supervisor sees the failure instead of a bot that silently stopped sending or receiving.
End-to-end tests start the very same assembly with :func:`running_bot`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

from bot.app import App
from bot.config import Settings
from bot.delivery import DeliverySettings, Dispatcher
from bot.delivery.budget import flood_budget
from bot.inbox import InboxWorkers
from bot.inbox.workers import InboxSettings
from bot.runtimes.base import DeliveryError, Rejected, Runtime, Unreachable
from bot.services import staff
from bot.services.scheduler import Job, Scheduler, default_jobs
from handlers.common.commands import startup_menus
from handlers.notices.dead_letters import dead_letter_alerts
from handlers.notices.dead_updates import dead_update
from handlers.notices.outbox import nobody_hears_managers
from handlers.notices.periodic import periodic_jobs

log = logging.getLogger(__name__)

# How long stopping waits for each part (the runtime finishes the update in hand) before
# cancelling it.
SHUTDOWN_TIMEOUT = 40.0


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where Telegram posts updates (``url``) and where we listen for them."""

    url: str
    secret: str
    host: str = "0.0.0.0"
    port: int = 8080
    path: str = "/webhook"

    @classmethod
    def from_settings(cls, settings: Settings) -> Webhook | None:
        """Listens on ``FIELDBOT_WEBHOOK_PATH``, else on the path of the public URL."""
        if not settings.webhook_url:
            return None
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        path = settings.webhook_path or urlsplit(settings.webhook_url).path or "/webhook"
        return cls(
            settings.webhook_url,
            secret,
            settings.webhook_host,
            settings.webhook_port,
            "/" + path.lstrip("/"),
        )


class BotStopped(RuntimeError):
    """A part of the bot ended on its own before it was asked to stop."""


def build_dispatcher(
    app: App, runtime: Runtime, settings: DeliverySettings | None = None
) -> Dispatcher:
    """The outbox dispatcher sending through ``runtime``, on the flood budget shared through
    Redis when ``FIELDBOT_REDIS_URL`` is set. It keeps real time, not the app's clock:
    Telegram's "retry after" is in real seconds."""
    delivery = settings or DeliverySettings.from_settings(app.settings)
    budget = flood_budget(
        app.settings.redis_url,
        f"{app.settings.redis_prefix}flood:",
        delivery.per_bot,
        delivery.per_private_chat,
        delivery.per_group,
    )
    on_dead = dead_letter_alerts(app.settings, app.catalogs)
    return Dispatcher(app.db, runtime.execute, delivery, budget=budget, on_dead=on_dead)


def build_inbox(
    app: App, runtime: Runtime, dispatcher: Dispatcher, settings: InboxSettings | None = None
) -> InboxWorkers:
    """The workers that handle stored updates and send their replies through ``dispatcher``.
    On SQLite one: it has a single writer, and more workers would only queue for the lock."""
    config = app.settings
    return InboxWorkers(
        app.engine,
        dispatcher,
        runtime.execute,
        settings
        or InboxSettings(
            workers=1 if app.db.is_sqlite else config.workers,
            lease_seconds=config.inbox_lease_seconds,
            poll_seconds=config.inbox_poll_seconds,
            max_attempts=config.inbox_max_attempts,
        ),
        bot_username=lambda: app.settings.bot_username,
        on_dead=dead_update(app.settings, app.catalogs),
    )


def build_scheduler(app: App, jobs: Sequence[Job] | None = None) -> Scheduler:
    """The periodic jobs, on the app's clock so tests can move time."""
    return Scheduler(
        app.db,
        [*default_jobs(app.settings), *periodic_jobs(app.settings, app.catalogs)]
        if jobs is None
        else jobs,
        clock=app.engine.clock,
        tick_seconds=app.settings.scheduler_tick_seconds,
    )


async def run_bot(
    app: App,
    runtime: Runtime,
    stop: asyncio.Event,
    *,
    webhook: Webhook | None = None,
    dispatcher: Dispatcher | None = None,
    scheduler: Scheduler | None = None,
    inbox: InboxWorkers | None = None,
) -> None:
    """Receive updates, deliver the outbox and run periodic jobs until ``stop`` is set.

    Raises :class:`BotStopped` (or the part's own error) when a part ended by itself.
    """
    await _learn_username(app, runtime)
    await sync_staff(app)
    await warn_if_managers_unheard(app)
    # Beside receiving, not before it: with many staff chats the lists take a while, and
    # nobody's update should wait for them.
    menus = asyncio.create_task(publish_command_menus(app, runtime), name="fieldbot-menus")
    dispatcher = dispatcher or build_dispatcher(app, runtime)
    inbox = inbox or build_inbox(app, runtime, dispatcher)
    parts: dict[str, Coroutine[Any, Any, None]] = {
        "updates": _receive(app, runtime, inbox, stop, webhook),
        "inbox": inbox.run(stop),
        "outbox": dispatcher.run(stop),
        "scheduler": (scheduler or build_scheduler(app)).run(stop),
    }
    if webhook is None and app.settings.metrics_port:
        from bot.ops.http import serve_ops  # aiohttp's server: only when it serves

        parts["metrics"] = serve_ops(app.db, "0.0.0.0", app.settings.metrics_port, stop)
    tasks = {
        asyncio.create_task(coro, name=f"fieldbot-{name}"): name for name, coro in parts.items()
    }
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({*tasks, stopper}, return_when=asyncio.FIRST_COMPLETED)
        # Parts that ended although nobody asked them to.
        early = [] if stop.is_set() else [tasks[task] for task in tasks if task.done()]
        if early:
            log.error("%s stopped on its own; stopping the bot", ", ".join(early))
            stop.set()
        _, slow = await asyncio.wait(tasks, timeout=SHUTDOWN_TIMEOUT)
        for task in slow:
            log.error("%s did not stop within %ss; cancelling", tasks[task], SHUTDOWN_TIMEOUT)
            task.cancel()
        await asyncio.gather(*slow, return_exceptions=True)
    finally:
        stopper.cancel()
        menus.cancel()
        for task in tasks:  # only left running if we were cancelled ourselves
            task.cancel()
        await asyncio.gather(stopper, menus, *tasks, return_exceptions=True)
        # The runtime closes itself when it stops receiving, but the dispatcher may have
        # reopened its HTTP session for a last send after that.
        await runtime.close()
    _raise_first_failure(tasks, early)


async def warn_if_managers_unheard(app: App) -> bool:
    """One clear warning at start-up when the managers' alerts would reach nobody: no manager
    chat, no ``FIELDBOT_ADMINS`` and no invited manager. True when it warned."""
    async with app.db.transaction() as session:
        unheard = await nobody_hears_managers(session, app.settings)
    if unheard:
        log.warning(
            "nobody will receive the managers' alerts (new requests, escalations, complaints, "
            "the digest): set FIELDBOT_MANAGER_CHAT_ID to a group, or FIELDBOT_ADMINS to the "
            "managers' Telegram user ids (they get the alerts privately)"
        )
    return unheard


async def _learn_username(app: App, runtime: Runtime) -> None:
    """Invite links need the bot's @username; ask Telegram when it is not configured."""
    if app.settings.bot_username:
        return
    try:
        app.settings.bot_username = await runtime.bot_username()
    except DeliveryError as error:  # Telegram unreachable now: links fall back to /start text
        log.warning("could not learn the bot's username: %s", error)


async def sync_staff(app: App) -> None:
    """``FIELDBOT_ADMINS`` is the source of truth for configured managers: a manager whose id
    left it is a client again from this start (:func:`bot.services.staff.sync_configured`)."""
    async with app.db.transaction() as session:
        await staff.sync_configured(session, app.settings, app.engine.clock.now())


async def publish_command_menus(app: App, runtime: Runtime) -> None:
    """Telegram's "/" menus for every role and language, set before the first update. One
    refused list (a person who never opened the chat, or blocked the bot) does not keep the
    others back; Telegram out of reach: logged, the lists it has stay until the next start."""
    async with app.db.transaction() as session:
        menus = await startup_menus(session, app.engine.router, app.catalogs, app.settings)
    for menu in menus:
        try:
            await runtime.execute(menu)
        except (Rejected, Unreachable) as error:
            log.info("Telegram refused the command list for chat %s: %s", menu.chat_id, error)
        except DeliveryError as error:
            log.warning("could not set the command lists now: %s", error)
            return


async def _receive(
    app: App,
    runtime: Runtime,
    inbox: InboxWorkers,
    stop: asyncio.Event,
    webhook: Webhook | None,
) -> None:
    if webhook is None:
        await runtime.poll(stop, inbox.receive)
        return
    from bot.ops.http import add_ops_routes
    from bot.runtimes.webhook import serve_webhook

    await runtime.set_webhook(webhook.url, webhook.secret)
    await serve_webhook(
        runtime,
        inbox.receive,
        webhook.host,
        webhook.port,
        webhook.path,
        webhook.secret,
        stop=stop,
        extend=lambda web_app: add_ops_routes(web_app, app.db),
    )


def _raise_first_failure(tasks: dict[asyncio.Task[None], str], early: list[str]) -> None:
    failures = [
        (name, task.exception())
        for task, name in tasks.items()
        if not task.cancelled() and task.exception() is not None
    ]
    for name, exc in failures:
        log.error("%s crashed", name, exc_info=exc)
    if failures:
        raise cast(BaseException, failures[0][1])
    if early:
        raise BotStopped(f"{', '.join(early)} stopped before the bot was asked to stop")


@dataclass(slots=True)
class RunningBot:
    """A bot started by :func:`running_bot`: its parts, for tests to look at."""

    app: App
    runtime: Runtime
    dispatcher: Dispatcher
    scheduler: Scheduler
    inbox: InboxWorkers
    stop: asyncio.Event
    task: asyncio.Task[None]

    async def outbox_settled(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every stored update was handled and the dispatcher has left no message
        pending."""
        async with asyncio.timeout(timeout):
            while (
                await self.inbox.store.open_count() or await self.dispatcher.queue.pending_count()
            ):
                if self.task.done():
                    self.task.result()  # surfaces the crash that stopped delivery
                await asyncio.sleep(0.05)


@asynccontextmanager
async def running_bot(
    app: App,
    runtime: Runtime,
    *,
    webhook: Webhook | None = None,
    delivery: DeliverySettings | None = None,
    jobs: Sequence[Job] | None = None,
) -> AsyncIterator[RunningBot]:
    """``async with running_bot(app, runtime) as bot: ...`` runs everything for the block, then
    stops it cleanly; a part that crashed meanwhile fails the block."""
    stop = asyncio.Event()
    dispatcher = build_dispatcher(app, runtime, delivery)
    scheduler = build_scheduler(app, jobs)
    inbox = build_inbox(app, runtime, dispatcher)
    task = asyncio.create_task(
        run_bot(
            app,
            runtime,
            stop,
            webhook=webhook,
            dispatcher=dispatcher,
            scheduler=scheduler,
            inbox=inbox,
        )
    )
    bot = RunningBot(app, runtime, dispatcher, scheduler, inbox, stop, task)
    try:
        yield bot
    finally:
        stop.set()
        with suppress(asyncio.CancelledError):
            await task
