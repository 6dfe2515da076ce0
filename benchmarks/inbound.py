"""Updates per second: fieldbot against a bare echo bot on the same framework.

In one run this process hosts the sandbox Bot API and starts, one after the other, the echo
bot (``benchmarks/echo_bot.py``) and ``fieldbot run``, each a real subprocess long-polling the
sandbox. For each case it queues updates from ``--people`` people (``--per-person`` each) at
once and times from the first queued to the last answered:

- ``status``: registered clients send ``/status``;
- ``unknown``: registered clients send text the bot does not know (it answers with the menu);
- ``confirm``: clients at the summary of a breakdown report press Send, which creates a
  ticket. A person has one draft at a time, so the presses go in ``--per-person`` rounds of
  one a person; between rounds (not timed) the drafts are put back as they were.

A message counts as answered by the messages the bot sent into the person's chat (as many as
it sent per update in an untimed warm-up); a press by its callback answer. It also prints
the resident memory a second after the first ``getUpdates`` and the time from spawn to that
first ``getUpdates``, each as a ratio to the echo bot's.

``--two-processes`` (PostgreSQL) then scales out as in production, by webhook: the polling
process stops, and ``fieldbot run`` starts with ``FIELDBOT_WEBHOOK_URL`` (https, a secret, its
own ``FIELDBOT_WEBHOOK_PORT`` on 127.0.0.1); this process plays Telegram and the load balancer
(:class:`Telegram`: the sandbox's queued updates POSTed round-robin to the processes, at most
40 in flight, one per chat), and the replies still go to the sandbox. ``/status`` is timed as
above with one such process and with two (the order alternating from run to run), and it
prints two ÷ one, one webhook process ÷ the polling one, and for each stretch the cores each
part used (each fieldbot process, this process, PostgreSQL, the machine as a whole), how long
each process was ready to run without a core (``/proc/PID/schedstat``), and what PostgreSQL's
sessions were doing (``pg_stat_activity`` sampled: running, lock waits, idle in transaction).
Run:

    .venv/bin/python benchmarks/inbound.py [--runs 3] [--runtimes aiogram,ptb]
        [--databases sqlite,postgres] [--database-url postgresql+asyncpg://…/fb_bench]
        [--cases status,unknown,confirm] [--people 200] [--per-person 10] [--two-processes]
        [--sqlite-synchronous full|normal]

PostgreSQL's database is emptied (its schema dropped) at each run. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, insert, select, text

from bot.inbox.store import OPEN as OPEN_UPDATES
from bot.inbox.store import chat_key
from bot.runtimes.webhook import SECRET_HEADER
from bot.sandbox import SandboxServer
from bot.sandbox.actions import callback_data, press
from storage.db import Database
from storage.models import Dialog, InboxUpdate, OutboxMessage, OutboxStatus
from tests.support import databases
from tests.support.processes import (
    BOT_TOKEN,
    WEBHOOK_PATH,
    WEBHOOK_SECRET,
    bot_env,
    free_port,
    webhook_settings,
)
from tests.support.seed import ACME_PHONE

ECHO_TOKEN = SandboxServer.make_token(111111)
ECHO = Path(__file__).with_name("echo_bot.py")
COUNTED = Path(__file__).with_name("counted_run.py")
REPO = Path(__file__).resolve().parent.parent
FIRST_USER = 10_000
PING_USER = 9_999  # writes before each bot starts
CASES = ("status", "unknown", "confirm")
SETTLE_TIMEOUT = 600.0
MESSAGE_METHODS = ("sendMessage", "editMessageText")


@dataclass
class Bot:
    """One subprocess polling the sandbox, and what it cost to start."""

    proc: asyncio.subprocess.Process
    startup: float = 0.0
    rss_mb: float = 0.0

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


@dataclass
class Figures:
    """Rates (updates/s) and start-up figures of one bot over the runs."""

    rates: dict[str, list[float]] = field(default_factory=dict)
    startup: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)
    # --two-processes: /status through webhooks by one process and by two ("one", "two"),
    # and what each part of the machine used meanwhile
    webhook: dict[str, list[float]] = field(default_factory=dict)
    usage: dict[str, list[Usage]] = field(default_factory=dict)

    def started(self, bot: Bot) -> None:
        self.startup.append(bot.startup)
        self.rss_mb.append(bot.rss_mb)

    def probe(self, pid: int, counter: Path | None = None, py_spy: Path | None = None) -> Probe:
        probe = Probe(pid, counter, py_spy)
        self.probes.append(probe)
        return probe

    def per_update(self, case: str, what: str) -> list[float]:
        return [v for probe in self.probes for v in getattr(probe, what).get(case, [])]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def spawn(
    sandbox: SandboxServer,
    token: str,
    argv: Sequence[str],
    env: dict[str, str],
    log: Path,
    ready: str = "getUpdates",
) -> Bot:
    """Start a bot; return once it has answered a message queued before its start, with the
    time to its first ``getUpdates`` (which returns that message at once; the sandbox logs a
    call when it returns), or to its ``setWebhook`` in webhook mode, and its resident memory
    once idle."""
    bot_id = sandbox.bot(token)
    sandbox.user(PING_USER, "Ping", "en", bot_token=token).send_text("/start")
    seen = len(sandbox.calls)
    started = time.monotonic()
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, *argv, env=env, stdout=out, stderr=asyncio.subprocess.STDOUT
        )
    bot = Bot(proc)
    while not bot.startup:
        calls = sandbox.calls[seen:]
        polled = [c.time for c in calls if c.bot_id == bot_id and c.method == ready]
        if polled:
            bot.startup = polled[0] - started
        elif proc.returncode is not None:
            raise RuntimeError(f"{argv} ended early:\n{tail(log)}")
        await asyncio.sleep(0.005)
    await idle(sandbox, token, PING_USER)
    bot.rss_mb = rss_mb(proc.pid)
    return bot


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Probe:
    """CPU seconds and (under ``counted_run.py``) SQL statements of one bot process, read
    before and after a timed stretch; per update when ``done`` is called."""

    pid: int
    statements_file: Path | None = None
    py_spy: Path | None = None  # a folder for a py-spy profile of each timed stretch
    cpu: dict[str, list[float]] = field(default_factory=dict)
    statements: dict[str, list[float]] = field(default_factory=dict)
    _start: tuple[float, int] = (0.0, 0)
    _kinds: dict[str, int] = field(default_factory=dict)
    _profiler: asyncio.subprocess.Process | None = None

    async def read(self) -> tuple[float, int]:
        executed = 0
        if self.statements_file is not None:
            self.statements_file.unlink(missing_ok=True)
            os.kill(self.pid, signal.SIGUSR1)
            while not self.statements_file.exists():  # noqa: ASYNC110 (another process writes it)
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.01)
            executed = int(self.statements_file.read_text() or 0)
        return cpu_seconds(self.pid), executed

    def statement_kinds(self) -> dict[str, int]:
        """The counts by statement kind that ``counted_run.py`` wrote beside the total."""
        assert self.statements_file is not None
        lines = self.statements_file.with_suffix(".kinds").read_text().splitlines()
        return {kind: int(n) for n, _, kind in (line.partition(" ") for line in lines)}

    async def begin(self, case: str) -> None:
        if self.py_spy is not None:
            self.py_spy.mkdir(parents=True, exist_ok=True)
            out = self.py_spy / f"{case}-{self.pid}-{time.time_ns()}.txt"
            self._profiler = await asyncio.create_subprocess_exec(
                str(Path(sys.executable).with_name("py-spy")),
                "record",
                "--pid",
                str(self.pid),
                "--format",
                "raw",
                "--rate",
                "200",
                "-o",
                str(out),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            await asyncio.sleep(1.0)  # py-spy attaches
        self._start = await self.read()
        if self.statements_file is not None:
            self._kinds = self.statement_kinds()

    async def done(self, case: str, updates: int) -> None:
        cpu, executed = await self.read()
        if self._profiler is not None:
            self._profiler.send_signal(signal.SIGINT)
            await self._profiler.wait()
            self._profiler = None
        self.cpu.setdefault(case, []).append((cpu - self._start[0]) / updates)
        if self.statements_file is not None:
            per_update = (executed - self._start[1]) / updates
            self.statements.setdefault(case, []).append(per_update)
            if self.py_spy is not None:  # which statements, beside the profiles
                kinds = self.statement_kinds()
                lines = [
                    f"{(n - self._kinds.get(kind, 0)) / updates:6.2f} {kind}"
                    for kind, n in kinds.items()
                    if n > self._kinds.get(kind, 0)
                ]
                out = self.py_spy / f"{case}-{self.pid}-{time.time_ns()}.statements"
                out.write_text("\n".join(sorted(lines, reverse=True)) + "\n")


class Answers:
    """Counts, from the sandbox's call log, the messages a bot sent into the people's chats."""

    def __init__(self, sandbox: SandboxServer, token: str, people: set[int]) -> None:
        self.sandbox, self.people = sandbox, people
        self.bot_id = sandbox.bot(token)
        self.read = len(sandbox.calls)
        self.count = 0

    def now(self) -> int:
        calls = self.sandbox.calls
        for call in calls[self.read :]:
            if (
                call.bot_id == self.bot_id
                and call.status == 200
                and call.method in MESSAGE_METHODS
                and call.chat_id in self.people
            ):
                self.count += 1
        self.read = len(calls)
        return self.count

    async def settle(self, quiet: float = 1.0) -> int:
        """Wait until no message arrived for ``quiet`` seconds (what an earlier step still
        had queued: the flood limits spread its answers over seconds); the count then."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        last, since = self.now(), time.monotonic()
        while time.monotonic() - since < quiet:
            if time.monotonic() > deadline:
                raise TimeoutError(f"still answering after {SETTLE_TIMEOUT:.0f} s")
            await asyncio.sleep(0.05)
            if self.now() != last:
                last, since = self.count, time.monotonic()
        return last

    async def reach(self, target: int, what: str) -> float:
        """Wait until ``target`` messages were counted; the monotonic time then."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while self.now() < target:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what}: {self.count} of {target} answers")
            await asyncio.sleep(0.01)
        return time.monotonic()


class Telegram:
    """Telegram in webhook mode and a load balancer in front of the processes: takes the
    updates the sandbox queued for the bot (the same queue ``getUpdates`` reads) and POSTs each,
    with the secret, to the processes' webhooks in turn (round-robin over ``ports``, which may
    change while it runs), at most ``connections`` at once in total (Telegram's default
    ``max_connections``) and one at a time per chat (the next once the last was answered 200,
    so a chat's updates reach the inbox in order). A refused or failed post goes to the next
    process after a moment, as Telegram retries."""

    def __init__(self, sandbox: SandboxServer, token: str, connections: int = 40) -> None:
        self.queue = sandbox.state.resolve_bot(token).updates
        self.ports: list[int] = []
        self.connections = connections
        self.backlog: list[tuple[int, dict[str, Any]]] = []  # (chat key, update), in order
        self.busy: set[int] = set()  # chats with a post in flight
        self.turn = itertools.count()
        self.posted: dict[int, int] = {}
        self.failures: dict[str, int] = {}  # by HTTP status or error
        self._changed = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Telegram:
        self._http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.connections),
            timeout=aiohttp.ClientTimeout(total=30),
        )
        self._tasks = [asyncio.create_task(self._fetch())]
        self._tasks += [asyncio.create_task(self._send()) for _ in range(self.connections)]
        return self

    async def __aexit__(self, *_: object) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.close()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _fetch(self) -> None:
        """Take from the queue only what is about to be posted, so that the sandbox's count of
        undelivered updates (what ``idle`` waits on) stays true."""
        offset: int | None = None
        while True:
            room = 2 * self.connections - len(self.backlog)
            if room <= 0:
                await self._changed.wait()
                continue
            updates = await self.queue.get(offset, min(room, 100), 1.0, None)
            if updates:
                offset = int(updates[-1]["update_id"]) + 1  # confirmed with the next call
                self.backlog += [(chat_key(update), update) for update in updates]
                self._notify()

    def _take(self) -> tuple[int, dict[str, Any]] | None:
        for index, (chat, update) in enumerate(self.backlog):
            if chat not in self.busy:
                del self.backlog[index]
                self.busy.add(chat)
                self._notify()
                return chat, update
        return None

    async def _send(self) -> None:
        while True:
            taken = self._take()
            if taken is None or not self.ports:
                if taken is not None:  # nobody to post to yet
                    self.backlog.insert(0, taken)
                    self.busy.discard(taken[0])
                    await asyncio.sleep(0.05)
                    continue
                await self._changed.wait()
                continue
            chat, update = taken
            try:
                await self._post(update)
            finally:
                self.busy.discard(chat)
                self._notify()

    async def _post(self, update: dict[str, Any]) -> None:
        assert self._http is not None
        headers = {SECRET_HEADER: WEBHOOK_SECRET}
        while True:
            port = self.ports[next(self.turn) % len(self.ports)]
            url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
            try:
                async with self._http.post(url, json=update, headers=headers) as response:
                    if response.status == 200:
                        self.posted[port] = self.posted.get(port, 0) + 1
                        return
                    failure = str(response.status)
            except (aiohttp.ClientError, TimeoutError) as error:
                failure = type(error).__name__
            self.failures[failure] = self.failures.get(failure, 0) + 1
            await asyncio.sleep(0.1)


def runqueue_seconds(pid: int) -> float:
    """Seconds the process's main thread was ready to run but waited for a core
    (``/proc/PID/schedstat``): high when the machine, not the program, is the limit."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9


def machine_busy() -> float:
    """CPU seconds all cores together were busy since boot (``/proc/stat``)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle_ticks = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks) - idle_ticks) / os.sysconf("SC_CLK_TCK")


def cpu_seconds_or_none(pid: int) -> float | None:
    try:
        return cpu_seconds(pid)
    except OSError:  # ended
        return None


# The sessions of the benchmark's database (other work on the machine may use the same
# server), and what each is doing: running (no wait), waiting on a lock (and which kind), on
# I/O, idle in a transaction (waiting for its Python process), or idle.
ACTIVITY = text(
    "SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND backend_type = 'client backend'"
)


@dataclass
class Usage:
    """Cores each part used over a timed stretch (CPU seconds ÷ wall seconds, from ``/proc``):
    each fieldbot process, this process (the sandbox Bot API and the benchmark's Telegram),
    PostgreSQL's backends serving the database, and the whole machine (with whatever else runs
    on it); and, sampled every ``every`` seconds, what those backends were doing."""

    pids: dict[str, int]
    url: str
    py_spy: Path | None = None
    counters: dict[str, Path] = field(default_factory=dict)  # processes under counted_run.py
    every: float = 0.1
    cores: dict[str, float] = field(default_factory=dict)
    waited: dict[str, float] = field(default_factory=dict)  # ready but without a core
    sessions: dict[str, float] = field(default_factory=dict)  # mean sessions in each state
    probes: list[Probe] = field(default_factory=list)
    _start: dict[str, float] = field(default_factory=dict)
    _sampler: asyncio.Task[None] | None = None
    _seen: dict[str, int] = field(default_factory=dict)
    _samples: int = 0
    _backends: dict[int, float] = field(default_factory=dict)  # pid: CPU seconds at the start
    _seen_pids: set[int] = field(default_factory=set)  # the database's backends meanwhile

    def _read(self) -> dict[str, float]:
        pids = self.pids | {"sandbox + benchmark": os.getpid()}
        now = {name: cpu_seconds(pid) for name, pid in pids.items()}
        now |= {f"waited {name}": runqueue_seconds(pid) for name, pid in pids.items()}
        now |= {
            "machine busy": machine_busy(),
            "wall": time.monotonic(),
        }
        return now

    async def begin(self, case: str) -> None:
        self.probes = [
            Probe(pid, self.counters.get(name), self.py_spy) for name, pid in self.pids.items()
        ]
        for probe in self.probes:
            await probe.begin(case)
        db = Database(self.url)
        try:
            async with db.transaction() as session:
                pids = (await session.scalars(text("SELECT pid FROM pg_stat_activity"))).all()
        finally:
            await db.dispose()
        self._backends = {}
        self._start = self._read()
        for pid in pids:
            if (seconds := cpu_seconds_or_none(pid)) is not None:
                self._backends[pid] = seconds
        self._sampler = asyncio.create_task(self._sample())

    async def done(self, case: str, updates: int) -> None:
        end = self._read()
        postgres = 0.0
        for pid in self._seen_pids:  # a backend that started meanwhile counts from zero
            if (seconds := cpu_seconds_or_none(pid)) is not None:
                postgres += seconds - self._backends.get(pid, 0.0)
        if self._sampler is not None:
            self._sampler.cancel()
            await asyncio.gather(self._sampler, return_exceptions=True)
        for probe in self.probes:
            await probe.done(case, updates)
        wall = end["wall"] - self._start["wall"]
        used = {name: (end[name] - self._start[name]) / wall for name in end if name != "wall"}
        used["postgres"] = postgres / wall
        self.waited = {k.removeprefix("waited "): used.pop(k) for k in list(used) if "waited" in k}
        ours = sum(v for k, v in used.items() if k != "machine busy")
        used["anything else"] = max(0.0, used["machine busy"] - ours)
        self.cores = used
        self.sessions = {k: n / max(1, self._samples) for k, n in self._seen.items()}

    async def _sample(self) -> None:
        db = Database(self.url)
        try:
            while True:
                async with db.transaction() as session:
                    rows = (await session.execute(ACTIVITY)).all()
                self._samples += 1
                for pid, state, kind, event in rows:
                    self._seen_pids.add(pid)
                    if state == "idle":
                        continue
                    if state == "active":
                        label = f"{kind}:{event}" if kind else "running"
                    else:
                        label = str(state)
                    self._seen[label] = self._seen.get(label, 0) + 1
                await asyncio.sleep(self.every)
        finally:
            await db.dispose()

    def fieldbot_cores(self) -> float:
        return sum(self.cores.get(name, 0.0) for name in self.pids)

    def statements(self) -> float | None:
        """SQL statements per update, all the processes together (when counted)."""
        counted = [probe.statements["status"][-1] for probe in self.probes if probe.statements]
        return sum(counted) if counted else None

    def line(self) -> str:
        counted = self.statements()
        cores = ", ".join(
            f"{name} {value:.2f}"
            + (f" (+{self.waited[name]:.2f} ready, no core)" if name in self.waited else "")
            for name, value in self.cores.items()
        )
        busiest = sorted(self.sessions.items(), key=lambda kv: -kv[1])[:6]
        sessions = ", ".join(f"{name} {value:.2f}" for name, value in busiest)
        line = f"cores: {cores}; PostgreSQL sessions (mean): {sessions or 'none'}"
        return line if counted is None else f"{line}; SQL statements per update {counted:.1f}"


async def idle(sandbox: SandboxServer, token: str, user_id: int, quiet: float = 1.0) -> None:
    """Until the bot has fetched every update and sent nothing for ``quiet`` seconds."""
    await sandbox.user(user_id, bot_token=token).wait_idle(quiet=quiet, timeout=SETTLE_TIMEOUT)


async def message_rate(
    sandbox: SandboxServer,
    token: str,
    people: list[int],
    per_person: int,
    text: str,
    probe: Probe | Usage,
    case: str,
) -> float:
    """Updates/s for ``text`` sent ``per_person`` times by everyone, all queued at once."""
    users = [sandbox.user(uid, f"P{uid}", "en", bot_token=token) for uid in people]
    answers = Answers(sandbox, token, set(people))
    before = await answers.settle()  # not a late answer of an earlier step counted as ours
    for user in users:  # warm-up: how many messages one such update gets
        user.send_text(text)
    await idle(sandbox, token, people[0])
    per_update = max(1, round((await answers.settle() - before) / len(people)))
    target = answers.count + per_update * per_person * len(people)
    await probe.begin(case)
    started = time.monotonic()
    for _ in range(per_person):
        for user in users:
            user.send_text(text)
    finished = await answers.reach(target, text)
    await probe.done(case, per_person * len(people))
    await idle(sandbox, token, people[0], quiet=0.3)
    return per_person * len(people) / (finished - started)


async def press_rounds(
    sandbox: SandboxServer,
    token: str,
    people: list[int],
    rounds: int,
    targets: dict[int, tuple[int, str]],
    between: Callable[[], Any] | None,
    probe: Probe,
) -> float:
    """Updates/s for one press a person per round on ``targets`` (message id, data), rounds
    timed from queueing to the last callback answered; ``between`` resets (untimed)."""
    bot_id = sandbox.bot(token)
    bot = sandbox.state.bots[bot_id]
    timed = 0.0
    for number in range(rounds):
        if number and between is not None:
            await between()
        await probe.begin("confirm")
        started = time.monotonic()
        queries = []
        for uid in people:
            message_id, data = targets[uid]
            message = bot.message(uid, message_id)
            assert message is not None
            queries.append(press(bot, sandbox.state.people[uid], message, data))
        deadline = started + SETTLE_TIMEOUT
        while not all(bot.callbacks[q].answered for q in queries):
            if time.monotonic() > deadline:
                raise TimeoutError("presses not answered")
            await asyncio.sleep(0.01)
        timed += time.monotonic() - started
        await probe.done("confirm", len(people))
        await idle(sandbox, token, people[0], quiet=0.3)
    return rounds * len(people) / timed


async def echo_confirm(
    sandbox: SandboxServer, people: list[int], rounds: int, probe: Probe
) -> float:
    """The echo bot's presses: on its answer to a message, with data of a Send button."""
    answers = Answers(sandbox, ECHO_TOKEN, set(people))
    for uid in people:
        sandbox.user(uid, f"P{uid}", "en", bot_token=ECHO_TOKEN).send_text("hi")
    await answers.reach(len(people), "echo hi")
    bot = sandbox.state.bots[sandbox.bot(ECHO_TOKEN)]
    targets = {uid: (bot.chat_messages(uid)[-1].message_id, "rp:send") for uid in people}
    return await press_rounds(sandbox, ECHO_TOKEN, people, rounds, targets, None, probe)


async def report_drafts(sandbox: SandboxServer, people: list[int]) -> dict[int, tuple[int, str]]:
    """Every person fills in a breakdown report up to its summary (through the bot, untimed);
    the Send button of each summary."""

    async def one(uid: int) -> tuple[int, str]:
        user = sandbox.user(uid, bot_token=BOT_TOKEN)

        async def step(action: Callable[[], Any], expect: str) -> None:
            action()
            await user.wait_for(
                lambda m: expect in str(m.buttons) or expect in (m.text or ""),
                timeout=SETTLE_TIMEOUT,
            )

        def button(label: str) -> tuple[int, str]:
            for message in reversed(user.bot.chat_messages(uid)):
                for found in message.buttons if message.from_bot else ():
                    if label in found.get("text", ""):
                        return message.message_id, callback_data(message, found)
            raise LookupError(f"no button {label!r} in chat {uid}")

        def tap(label: str) -> None:
            message_id, data = button(label)
            user.press_data(data, message_id)

        user.skip()
        await step(lambda: user.send_command("/report"), "Linea PB")
        await step(lambda: tap("Linea PB"), "Describe the problem")
        await step(lambda: user.send_text("Steam wand leaks, pressure drops to 0.5 bar"), "Done")
        await step(lambda: tap("Done"), "Urgent")
        await step(lambda: tap("Urgent"), "Send")
        return button("Send")

    found = await asyncio.gather(*(one(uid) for uid in people))
    return dict(zip(people, found, strict=True))


async def fieldbot_confirm(
    sandbox: SandboxServer, url: str, people: list[int], rounds: int, probe: Probe
) -> float:
    targets = await report_drafts(sandbox, people)
    await idle(sandbox, BOT_TOKEN, people[0])
    db = Database(url)
    async with db.transaction() as session:
        drafts = [
            {c: getattr(d, c) for c in ("person_id", "chat_id", "name", "step", "data")}
            for d in (await session.scalars(select(Dialog))).all()
        ]

    async def restore() -> None:
        async with db.transaction() as session:
            await session.execute(delete(Dialog))
            await session.execute(insert(Dialog), drafts)

    try:
        return await press_rounds(sandbox, BOT_TOKEN, people, rounds, targets, restore, probe)
    finally:
        await db.dispose()


SEED = """
import asyncio, sys
from bot.app import create_app
from bot.config import Settings
from storage.migrate import upgrade
from tests.support.processes import BOT_TOKEN
from tests.support.seed import seed_app

async def main(url):
    await upgrade(url)
    app = create_app(Settings(_env_file=None, database_url=url, bot_token=BOT_TOKEN))
    try:
        await seed_app(app)
    finally:
        await app.close()

asyncio.run(main(sys.argv[1]))
"""


async def fresh_database(
    kind: str, folder: Path, pg_url: str | None, name: str, tree: Path, synchronous: str = "full"
) -> str:
    if kind == "sqlite":
        url = databases.sqlite_url(folder / f"{name}.sqlite3")
        if synchronous != "full":  # the default, and all an older tree (--baseline) reads
            url += f"?synchronous={synchronous}"
    else:
        assert pg_url, "--database-url is needed for postgres"
        url = pg_url
        await databases.reset_postgres_schema(url)
    # Migrated and seeded by the tree that will run on it: an older tree (--baseline) must not
    # find a newer schema than it knows.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SEED,
        url,
        cwd=tree,
        env=os.environ | {"PYTHONPATH": str(tree)},
    )
    if await process.wait():
        raise RuntimeError(f"could not migrate and seed {url} with {tree}")
    return url


async def register(sandbox: SandboxServer, people: list[int]) -> None:
    """Every person registers as Acme's client: /start, then their phone (untimed)."""
    for uid in people:
        user = sandbox.user(uid, f"P{uid}", "en", bot_token=BOT_TOKEN)
        user.send_command("/start")
        user.share_contact(ACME_PHONE)
    await idle(sandbox, BOT_TOKEN, people[0])


def fieldbot_argv(counted: bool) -> list[str]:
    return [str(COUNTED)] if counted else ["-m", "bot.cli", "run"]


TEXTS = {"status": "/status", "unknown": "what time do you open"}


async def run_cases(
    args: argparse.Namespace,
    sandbox: SandboxServer,
    token: str,
    confirm: Callable[[Probe], Awaitable[float]],
    probe: Probe,
    figures: Figures,
) -> None:
    people = list(range(FIRST_USER, FIRST_USER + args.people))
    for case in args.cases:
        if case == "confirm":
            rate = await confirm(probe)
        else:
            rate = await message_rate(
                sandbox, token, people, args.per_person, TEXTS[case], probe, case
            )
        figures.rates.setdefault(case, []).append(rate)


async def one_run(
    args: argparse.Namespace,
    runtime: str,
    kind: str,
    folder: Path,
    number: int,
    echo: Figures,
    trees: dict[str, Figures],
) -> None:
    """The echo bot, then fieldbot (and the baseline's) on a fresh database, each through
    every case."""
    people = list(range(FIRST_USER, FIRST_USER + args.people))
    async with SandboxServer() as sandbox:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDBOT_")}
        log = folder / f"{runtime}-{kind}-{number}.log"
        argv = [str(ECHO), runtime, sandbox.base_url, ECHO_TOKEN]
        bot = await spawn(sandbox, ECHO_TOKEN, argv, env, log)
        echo.started(bot)
        try:
            await run_cases(
                args,
                sandbox,
                ECHO_TOKEN,
                lambda probe: echo_confirm(sandbox, people, args.per_person, probe),
                echo.probe(bot.proc.pid),
                echo,
            )
        finally:
            await bot.stop()
        for name, figures in trees.items():
            tree = REPO if name == "fieldbot" else args.baseline
            await run_fieldbot(args, sandbox, runtime, kind, folder, number, tree, figures, log)
            for case in args.cases:
                print(
                    f"    run {number + 1} {case}: echo {echo.rates[case][-1]:.0f}/s, "
                    f"{name} {figures.rates[case][-1]:.1f}/s",
                    flush=True,
                )


async def run_fieldbot(
    args: argparse.Namespace,
    sandbox: SandboxServer,
    runtime: str,
    kind: str,
    folder: Path,
    number: int,
    tree: Path,
    ours: Figures,
    log: Path,
) -> None:
    """``fieldbot run`` from the source ``tree`` on a fresh database, through every case."""
    people = list(range(FIRST_USER, FIRST_USER + args.people))
    url = await fresh_database(
        kind,
        folder,
        args.database_url,
        # its own file per runtime: the sandbox numbers updates from 1 again each run, and a
        # file kept from another runtime's run would take them for redeliveries
        f"{tree.name}-{runtime}-{number}",
        tree,
        args.sqlite_synchronous,
    )
    counter = folder / "statements" if args.statements else None
    env = bot_env(sandbox, url, runtime) | {"PYTHONPATH": str(tree)}
    if counter is not None:
        env["BENCH_STATEMENTS_FILE"] = str(counter)
    bots = [await spawn(sandbox, BOT_TOKEN, fieldbot_argv(bool(counter)), env, log)]
    ours.started(bots[0])
    try:
        await register(sandbox, people)
        await drained(url)
        await run_cases(
            args,
            sandbox,
            BOT_TOKEN,
            lambda probe: fieldbot_confirm(sandbox, url, people, args.per_person, probe),
            ours.probe(bots[0].proc.pid, counter, args.py_spy),
            ours,
        )
        if args.two_processes and kind == "postgres":
            await bots.pop().stop()  # nobody polls from here on
            await scale_out(args, sandbox, url, env, log, number, ours)
    finally:
        for each in bots:
            await each.stop()


async def drained(url: str) -> None:
    """Until fieldbot has handled every stored update and sent every queued message: the
    registrations' answers go out over seconds (the flood limits) and must not be counted as
    a case's."""
    db = Database(url)
    deadline = time.monotonic() + SETTLE_TIMEOUT
    try:
        while True:
            async with db.transaction() as session:
                inbox = await session.scalar(
                    select(func.count())
                    .select_from(InboxUpdate)
                    .where(InboxUpdate.status.in_(OPEN_UPDATES))
                )
                outbox = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status == OutboxStatus.PENDING)
                )
            if not inbox and not outbox:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{inbox} updates and {outbox} messages still open")
            await asyncio.sleep(0.2)
    finally:
        await db.dispose()


async def taken_over(url: str) -> int:
    """Inbox rows claimed more than once: their first claim's lease ran out (a process too
    starved of CPU to finish within ``FIELDBOT_INBOX_LEASE_SECONDS``), work done twice."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            count = await session.scalar(
                select(func.count()).select_from(InboxUpdate).where(InboxUpdate.attempts > 1)
            )
    finally:
        await db.dispose()
    return int(count or 0)


async def scale_out(
    args: argparse.Namespace,
    sandbox: SandboxServer,
    url: str,
    env: dict[str, str],
    log: Path,
    number: int,
    ours: Figures,
) -> None:
    """``/status`` by one ``fieldbot run`` in webhook mode, and by two behind the benchmark's
    :class:`Telegram` (a load balancer), on the same database and people; the order of the two
    alternates from run to run, so neither always comes on the fuller tables."""
    people = list(range(FIRST_USER, FIRST_USER + args.people))
    ports: list[int] = []
    while len(ports) < 2:
        port = free_port()
        if port not in ports:
            ports.append(port)
    envs = [
        env | {f"FIELDBOT_{key.upper()}": str(value) for key, value in webhook_settings(p).items()}
        for p in ports
    ]
    counters = {f"fieldbot {n + 1}": log.parent / f"statements-{n + 1}" for n in range(2)}
    if args.statements:
        for hook_env, counter in zip(envs, counters.values(), strict=True):
            hook_env["BENCH_STATEMENTS_FILE"] = str(counter)
    bots: list[Bot] = []
    async with Telegram(sandbox, BOT_TOKEN) as telegram:

        async def start() -> None:
            telegram.ports.append(ports[len(bots)])
            argv, hook_env = fieldbot_argv(args.statements), envs[len(bots)]
            bots.append(await spawn(sandbox, BOT_TOKEN, argv, hook_env, log, ready="setWebhook"))

        async def stop_second() -> None:
            telegram.ports.remove(ports[1])
            await bots.pop().stop()

        async def measure(label: str) -> None:
            pids = {f"fieldbot {n + 1}": bot.proc.pid for n, bot in enumerate(bots)}
            usage = Usage(pids, url, args.py_spy, counters if args.statements else {})
            posted, failures = dict(telegram.posted), dict(telegram.failures)
            retaken = await taken_over(url)
            rate = await message_rate(
                sandbox, BOT_TOKEN, people, args.per_person, "/status", usage, "status"
            )
            retaken = await taken_over(url) - retaken
            ours.webhook.setdefault(label, []).append(rate)
            ours.usage.setdefault(label, []).append(usage)
            spread_over = [telegram.posted[port] - posted.get(port, 0) for port in telegram.ports]
            retried = {
                why: n - failures.get(why, 0)
                for why, n in telegram.failures.items()
                if n > failures.get(why, 0)
            }
            print(
                f"    run {number + 1} webhook /status, {label} process(es): {rate:.1f}/s "
                f"(posts per process {spread_over}, retried {retried or 'none'}, "
                f"updates claimed again after a lease ran out: {retaken})\n"
                f"      {usage.line()}",
                flush=True,
            )

        try:
            await start()
            if number % 2 == 0:
                await measure("one")
                await start()
                await measure("two")
            else:
                await start()
                await measure("two")
                await stop_second()
                await measure("one")
        finally:
            for bot in bots:
                await bot.stop()


def spread(values: Sequence[float], unit: str = "×", digits: int = 2) -> str:
    if not values:
        return "-"
    return (
        f"{min(values):.{digits}f} / {statistics.median(values):.{digits}f} / "
        f"{max(values):.{digits}f}{unit}"
    )


def ratios(ours: Sequence[float], theirs: Sequence[float]) -> list[float]:
    return [a / b for a, b in zip(ours, theirs, strict=True) if b]


def report(name: str, ours: Figures, echo: Figures, args: argparse.Namespace) -> None:
    for case in args.cases:
        print(
            f"  {case:8} {name} {spread(ours.rates[case], '/s', 1)}, echo "
            f"{spread(echo.rates[case], '/s', 0)}, ratio "
            f"{spread(ratios(ours.rates[case], echo.rates[case]))}"
        )
    for case in args.cases:
        cpu = [v * 1000 for v in ours.per_update(case, "cpu")]
        echo_cpu = [v * 1000 for v in echo.per_update(case, "cpu")]
        print(
            f"  {case:8} CPU per update: {name} {spread(cpu, ' ms', 1)}, "
            f"echo {spread(echo_cpu, ' ms', 2)}"
        )
        if args.statements:
            statements = ours.per_update(case, "statements")
            print(f"  {case:8} statements per update: {spread(statements, '', 1)}")
    print(
        f"  start-up {spread(ours.startup, ' s')} (echo {spread(echo.startup, ' s')}), "
        f"ratio {spread(ratios(ours.startup, echo.startup))}"
    )
    print(
        f"  idle RSS {spread(ours.rss_mb, ' MB', 0)} (echo {spread(echo.rss_mb, ' MB', 0)}), "
        f"ratio {spread(ratios(ours.rss_mb, echo.rss_mb))}"
    )
    if ours.webhook:
        one, two = ours.webhook["one"], ours.webhook["two"]
        print(
            f"  webhook /status: one process {spread(one, '/s', 1)}, two {spread(two, '/s', 1)}; "
            f"two ÷ one {spread(ratios(two, one))} (target ≥ 1.60×)"
        )
        if "status" in ours.rates:
            polling = ours.rates["status"][-len(one) :]
            print(f"  one process, webhook ÷ polling /status: {spread(ratios(one, polling))}")
        for label, usages in ours.usage.items():
            parts = ", ".join(
                f"{name} {spread([u.cores.get(name, 0.0) for u in usages], '', 2)}"
                for name in usages[0].cores
            )
            waited = ", ".join(
                f"{name} {spread([u.waited.get(name, 0.0) for u in usages], '', 2)}"
                for name in usages[0].waited
            )
            fieldbot = [u.fieldbot_cores() for u in usages]
            per_core = [r / c for r, c in zip(ours.webhook[label], fieldbot, strict=True) if c]
            print(
                f"  {label} process(es): cores used {parts}\n"
                f"    ready to run but without a core (core-equivalents): {waited}\n"
                f"    updates per second of fieldbot CPU: {spread(per_core, '', 1)}"
            )
            counted = [n for u in usages if (n := u.statements()) is not None]
            if counted:
                print(f"    SQL statements per update: {spread(counted, '', 1)}")


async def bench(args: argparse.Namespace) -> None:
    print(f"load average {os.getloadavg()[0]:.2f}; {args.people} people × {args.per_person}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for runtime in args.runtimes:
            for kind in args.databases:
                echo = Figures()
                trees = {"fieldbot": Figures()}
                if args.baseline:
                    trees["baseline"] = Figures()
                print(f"{runtime} {kind}:", flush=True)
                for number in range(args.runs):
                    await one_run(args, runtime, kind, folder, number, echo, trees)
                for tree, ours in trees.items():
                    print(f"  {tree}, {runtime} {kind} — min / median / max of {args.runs} runs")
                    report(tree, ours, echo, args)
    print(f"load average {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--runtimes", default="aiogram,ptb")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--database-url", default=os.environ.get("FIELDBOT_BENCH_DATABASE_URL"))
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--per-person", type=int, default=10)
    parser.add_argument("--two-processes", action="store_true")
    parser.add_argument(
        "--sqlite-synchronous",
        choices=["full", "normal"],
        default="full",
        help="how SQLite syncs commits (the URL's ?synchronous=; full is the default)",
    )
    parser.add_argument(
        "--baseline", type=Path, help="another source tree of fieldbot to run side by side"
    )
    parser.add_argument("--statements", action="store_true", help="count SQL per update")
    parser.add_argument("--py-spy", type=Path, help="a folder for py-spy profiles of each case")
    args = parser.parse_args()
    args.runtimes = args.runtimes.split(",")
    args.databases = args.databases.split(",")
    args.cases = args.cases.split(",")
    if "postgres" in args.databases and not args.database_url:
        parser.error("postgres needs --database-url (a database of its own: it is emptied)")
    asyncio.run(bench(args))


if __name__ == "__main__":
    main()
