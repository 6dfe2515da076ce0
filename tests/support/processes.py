"""``fieldbot run`` as real processes against the sandbox Bot API: start, SIGKILL, restart; and
people who write to the bot, through its webhook or through getUpdates."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bot.runtimes.webhook import SECRET_HEADER
from bot.sandbox import SandboxServer
from storage.db import Database
from storage.models import InboxStatus, InboxUpdate, OutboxMessage, OutboxStatus

BOT_TOKEN = SandboxServer.make_token(424242)
WEBHOOK_SECRET = "kill-test-secret"
WEBHOOK_PATH = "/tg/hook"
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_env(
    sandbox: SandboxServer, database_url: str, runtime: str, **settings: object
) -> dict[str, str]:
    """The environment of a ``fieldbot run`` on the sandbox: short leases so a killed process's
    claims come back within seconds, and roomy flood limits (the sandbox enforces none)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FIELDBOT_")}
    values: dict[str, object] = {
        "bot_token": BOT_TOKEN,
        "api_base_url": sandbox.base_url,
        "database_url": database_url,
        "runtime": runtime,
        "workers": 4,
        "inbox_lease_seconds": 3,
        "inbox_poll_seconds": 0.2,
        "outbox_claim_seconds": 10,
        "outbox_poll_seconds": 0.2,
        "flood_per_private_chat_per_second": 20,
        "flood_per_bot_per_second": 300,
        "scheduler_tick_seconds": 3600,
        **settings,
    }
    env.update({f"FIELDBOT_{key.upper()}": str(value) for key, value in values.items()})
    env["PYTHONPATH"] = str(REPO)
    return env


def webhook_settings(port: int) -> dict[str, object]:
    return {
        "webhook_url": f"https://bot.example.com{WEBHOOK_PATH}",
        "webhook_secret": WEBHOOK_SECRET,
        "webhook_host": "127.0.0.1",
        "webhook_port": port,
    }


@dataclass
class BotProcess:
    """One ``fieldbot run``; its output goes to ``log``."""

    env: dict[str, str]
    log: Path
    proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "run",
                env=self.env,
                cwd=self.log.parent,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )

    async def kill(self) -> None:
        """SIGKILL: no cleanup of any kind, as in an OOM kill or a pulled plug."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self, timeout: float = 20) -> int | None:  # noqa: ASYNC109
        proc = self.proc
        if proc is None or proc.returncode is not None:
            return None if proc is None else proc.returncode
        proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            proc.kill()
            return await proc.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Counts:
    """Where the updates and replies stand, from the database."""

    inbox: dict[str, int]
    outbox: dict[str, int]
    attempts_over_one: int

    @property
    def done(self) -> int:
        return self.inbox.get(InboxStatus.DONE.value, 0)


async def counts(url: str) -> Counts:
    db = Database(url)
    try:
        async with db.transaction() as session:
            inbox = await session.execute(
                select(InboxUpdate.status, func.count()).group_by(InboxUpdate.status)
            )
            outbox = await session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            )
            retried = await session.scalar(
                select(func.count()).select_from(InboxUpdate).where(InboxUpdate.attempts > 1)
            )
            return Counts(
                {str(status): n for status, n in inbox},
                {str(status): n for status, n in outbox},
                int(retried or 0),
            )
    finally:
        await db.dispose()


async def handling_order(url: str) -> dict[int, list[int]]:
    """Each chat's update ids in the order they were handled (by ``done_at``)."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            rows = await session.execute(
                select(InboxUpdate.chat_key, InboxUpdate.update_id)
                .where(InboxUpdate.status == InboxStatus.DONE)
                .order_by(InboxUpdate.done_at, InboxUpdate.update_id)
            )
            order: dict[int, list[int]] = {}
            for chat, update_id in rows:
                order.setdefault(chat, []).append(update_id)
            return order
    finally:
        await db.dispose()


async def wait_until(check: Any, timeout: float, what: Any) -> None:  # noqa: ASYNC109
    """Poll the async ``check`` until it is true; ``what()`` says what failed to happen."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"gave up waiting for {what()}")
        await asyncio.sleep(0.2)


async def all_settled(url: str, expected: int) -> bool:
    now = await counts(url)
    return now.done == expected and now.outbox.get(OutboxStatus.PENDING.value, 0) == 0


# -- the people's side ------------------------------------------------------------------------

# What each person sends, in turn, and how the bot's answers to it start: an unregistered
# person's /start is greeted and asked for the phone, /help lists commands, anything else is
# asked for the phone. Mixed per chat, a reordered update or reply shows in the chat.
SAYINGS: dict[str, tuple[str, ...]] = {
    "/start": ("Hello, ", "To find your company"),
    "/help": ("HELP",),
    "hello": ("To find your company",),
}


def script(chat_index: int, count: int) -> list[str]:
    """What person ``chat_index`` sends: a fixed, varied sequence of :data:`SAYINGS`."""
    kinds = list(SAYINGS)
    return [kinds[(chat_index * 7 + n * (n + chat_index)) % len(kinds)] for n in range(count)]


@dataclass
class People:
    """``chats`` people (user ids ``first_user`` …) who each send ``per_chat`` messages."""

    sandbox: SandboxServer
    chats: int
    per_chat: int
    first_user: int = 5_000_001
    scripts: dict[int, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.scripts = {
            self.first_user + index: script(index, self.per_chat) for index in range(self.chats)
        }

    @property
    def total(self) -> int:
        return self.chats * self.per_chat

    def users(self) -> Iterator[tuple[int, list[str]]]:
        return iter(self.scripts.items())

    def send_all(self) -> None:
        """Queue every message for getUpdates, round-robin over the chats."""
        users = {uid: self.sandbox.user(uid, f"P{uid}", "en") for uid in self.scripts}
        for n in range(self.per_chat):
            for uid, lines in self.scripts.items():
                self._say(users[uid], lines[n])

    def webhook_updates(self) -> dict[int, list[dict[str, Any]]]:
        """Each chat's updates for posting to a webhook, update ids rising in each chat."""
        updates: dict[int, list[dict[str, Any]]] = {uid: [] for uid in self.scripts}
        users = {uid: self.sandbox.user(uid, f"P{uid}", "en") for uid in self.scripts}
        update_ids = itertools.count(1)
        for n in range(self.per_chat):
            for uid, lines in self.scripts.items():
                message = self._say(users[uid], lines[n])
                updates[uid].append({"update_id": next(update_ids), "message": message.to_api()})
        # Nobody polls in webhook mode: what the sandbox queued for getUpdates is not used.
        self.sandbox.state.resolve_bot(BOT_TOKEN).updates.drop_pending()
        return updates

    @staticmethod
    def _say(user: Any, line: str) -> Any:
        if line.startswith("/"):
            return user.send_command(line)
        return user.send_text(line)

    def expected(self, uid: int) -> list[str]:
        return [start for line in self.scripts[uid] for start in SAYINGS[line]]

    def problems(self) -> tuple[list[str], int]:
        """Every chat whose bot messages are not the expected answers in order, and how many
        answers came twice in a row (a send Telegram performed just before a SIGKILL, which
        the dead process could not record, goes out again: no Bot API call is idempotent)."""
        wrong, repeats = [], 0
        for uid in self.scripts:
            got = [message.text or "" for message in self.sandbox.chat(uid).messages]
            expected = self.expected(uid)
            at = 0
            for index, text in enumerate(got):
                if at < len(expected) and _starts(text, expected[at]):
                    at += 1
                elif index and text == got[index - 1]:
                    repeats += 1
                else:
                    break
            else:
                if at == len(expected):
                    continue
            wrong.append(f"chat {uid}: expected {expected}, got {[t[:20] for t in got]}")
        return wrong, repeats

    def unanswered_and_extra(self) -> tuple[list[str], int]:
        """Chats with an answer missing (in any order), and how many answers came on top."""
        missing, extra = [], 0
        for uid in self.scripts:
            got = Counter(_kind(message.text or "") for message in self.sandbox.chat(uid).messages)
            expected = Counter(self.expected(uid))
            if expected - got:
                missing.append(f"chat {uid}: missing {dict(expected - got)}")
            extra += (got - expected).total()
        return missing, extra

    def replies(self) -> int:
        return sum(len(self.sandbox.chat(uid).messages) for uid in self.scripts)


def _kind(text: str) -> str:
    return next(
        (start for start in ("Hello, ", "To find your company") if text.startswith(start)), "HELP"
    )


def _starts(text: str, start: str) -> bool:
    if start == "HELP":
        return not text.startswith(("Hello, ", "To find your company"))
    return text.startswith(start)


async def post_all(
    updates: dict[int, list[dict[str, Any]]], ports: Sequence[int], connections: int = 20
) -> int:
    """Post each chat's updates in order (the next only after the last was acknowledged),
    chats side by side, spread over ``ports`` like a load balancer; a refused or failed post
    goes to the next port after a moment, as Telegram retries. Returns the failed posts."""
    failures = 0
    turn = itertools.count()
    connector = aiohttp.TCPConnector(limit=connections)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:

        async def chat(payloads: list[dict[str, Any]]) -> None:
            nonlocal failures
            for payload in payloads:
                while True:
                    port = ports[next(turn) % len(ports)]
                    url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
                    try:
                        headers = {SECRET_HEADER: WEBHOOK_SECRET}
                        async with http.post(url, json=payload, headers=headers) as response:
                            if response.status == 200:
                                break
                    except (aiohttp.ClientError, TimeoutError):
                        pass
                    failures += 1
                    await asyncio.sleep(0.25)

        await asyncio.gather(*(chat(payloads) for payloads in updates.values()))
    return failures
