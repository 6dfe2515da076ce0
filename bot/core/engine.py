"""Handles one update as one unit of work: dedupe, rate-limit, identify, route, commit, then
reply.

Replies are returned only after the transaction committed, so a person is never told
something happened that the database does not hold. A redelivered update (same
``update_id``) finds its row in ``processed_updates`` and produces nothing.

Updates from the inbox (:mod:`bot.inbox`) bring a :class:`UnitOfWork` instead: it marks the
inbox row done and records the replies (as outbox rows) in the same transaction, so neither
the update nor its answer can be lost to a crash after commit; a crash while handling is
raised for the inbox to retry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core import dialogs, inbound
from bot.core.clock import Clock, SystemClock
from bot.core.context import Context
from bot.core.events import EventKind, Incoming, without_control_characters
from bot.core.i18n import Catalogs, Translator, pick_locale
from bot.core.refusals import Refusal
from bot.core.replies import AnswerCallback, Reply, Send
from bot.core.router import Router
from bot.ops import metrics
from storage.db import Database
from storage.models import Person, ProcessedUpdate

log = logging.getLogger(__name__)

Identify = Callable[[AsyncSession, Incoming, Settings], Awaitable[Person]]


class DuplicateUpdate(Exception):
    """This update_id was handled already."""


class UnitOfWork(Protocol):
    """What the inbox adds to an update's transaction."""

    async def claim(self, session: AsyncSession) -> None:
        """Take the update in this transaction; raise :class:`DuplicateUpdate` if not ours."""
        ...

    async def keep(self, session: AsyncSession, replies: Sequence[Reply]) -> list[Reply]:
        """Record the replies in this transaction; return those to perform directly."""
        ...


class Engine:
    def __init__(
        self,
        db: Database,
        router: Router,
        identify: Identify,
        settings: Settings,
        catalogs: Catalogs,
        clock: Clock | None = None,
    ) -> None:
        self.db = db
        self.router = router
        self.identify = identify
        self.settings = settings
        self.catalogs = catalogs
        self.clock = clock or SystemClock()

    async def handle(self, event: Incoming, unit: UnitOfWork | None = None) -> list[Reply]:
        event = without_control_characters(event)
        kind = event.kind.value
        started = time.perf_counter()
        try:
            async with self.db.transaction() as session:
                if unit is None:
                    await self._claim(session, event.update_id)
                else:
                    await unit.claim(session)
                verdict = await inbound.admit(session, event, self.settings, self.clock.now())
                if verdict is inbound.Verdict.ADMIT:
                    ctx = await self._context(session, event)
                    await self._route(ctx)
                    ctx.answer()
                    replies = ctx.replies
                else:
                    replies = self._slow_down(event, verdict)
                if unit is not None:
                    replies = await unit.keep(session, replies)
            metrics.UPDATES.labels(kind, "ok").inc()
            return replies
        except DuplicateUpdate:
            log.info("update %s was already handled; skipped", event.update_id)
            metrics.UPDATES.labels(kind, "duplicate").inc()
            return []
        except Exception:
            metrics.UPDATES.labels(kind, "failed").inc()
            if unit is not None:
                raise  # the inbox retries it, and apologises when it gives up
            log.exception("update %s failed; rolled back", event.update_id)
            return self.apology(event)
        finally:
            metrics.HANDLING_SECONDS.labels(kind).observe(time.perf_counter() - started)

    async def _route(self, ctx: Context) -> None:
        """Dispatch inside a savepoint: a :class:`Refusal` undoes what the handler did (and
        the replies it had prepared) but keeps the update's claim, then is answered."""
        replies, answered = list(ctx.replies), ctx.answered
        try:
            async with ctx.session.begin_nested():
                await self.router.dispatch(ctx)
        except Refusal as refusal:
            log.info("update %s refused: %s", ctx.event.update_id, refusal)
            ctx.replies[:], ctx.answered = replies, answered
            if inspect(ctx.person).expired_attributes:  # changed, then rolled back with the rest
                await ctx.session.refresh(ctx.person)
            if refusal.ends_dialog:
                await dialogs.end(ctx)
            await self.router.refuse(ctx, refusal)

    async def _claim(self, session: AsyncSession, update_id: int) -> None:
        session.add(ProcessedUpdate(update_id=update_id, processed_at=self.clock.now()))
        try:
            await session.flush()
        except IntegrityError as error:
            raise DuplicateUpdate from error

    async def _context(self, session: AsyncSession, event: Incoming) -> Context:
        person = await self.identify(session, event, self.settings)
        ctx = Context(
            event=event,
            session=session,
            person=person,
            settings=self.settings,
            catalogs=self.catalogs,
            clock=self.clock,
            t=self.catalogs.get(self._reader_locale(event, person)),
            router=self.router,
        )
        await dialogs.load(ctx)
        return ctx

    def _reader_locale(self, event: Incoming, person: Person) -> str:
        """Replies in the managers' shared chat speak that chat's language, whoever wrote."""
        settings = self.settings
        if event.chat_id == settings.manager_chat_id and settings.manager_locale:
            return settings.manager_locale
        return person.locale

    def apology(self, event: Incoming) -> list[Reply]:
        t = self._sender_translator(event)
        return self._notice(
            event,
            t._(
                "Sorry, something went wrong on our side. Nothing you saved earlier was lost; "
                "please try again in a moment."
            ),
        )

    def _slow_down(self, event: Incoming, verdict: inbound.Verdict) -> list[Reply]:
        """Over the inbound limit: said once per window (in the sender's app language, before
        we know who they are), then nothing."""
        if verdict is inbound.Verdict.IGNORE:
            return []
        t = self._sender_translator(event)
        return self._notice(
            event,
            t._(
                "You are sending messages faster than we can read them. Please slow down; we "
                "will answer again shortly."
            ),
        )

    def _sender_translator(self, event: Incoming) -> Translator:
        """The sender's app language: these answers come before we know who they are."""
        return self.catalogs.get(pick_locale(event.language_code, self.settings.default_locale))

    @staticmethod
    def _notice(event: Incoming, text: str) -> list[Reply]:
        """An alert on the pressed button, or a message in the chat."""
        if event.kind is EventKind.CALLBACK and event.callback_id:
            return [AnswerCallback(event.callback_id, text, alert=True)]
        return [Send(event.chat_id, text)]
