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
first ``getUpdates``, each as a ratio to the echo bot's; with ``--two-processes`` (PostgreSQL)
the ``status`` rate of two fieldbot processes over one. Run:

    .venv/bin/python benchmarks/inbound.py [--runs 3] [--runtimes aiogram,ptb]
        [--databases sqlite,postgres] [--database-url postgresql+asyncpg://…/fb_bench]
        [--cases status,unknown,confirm] [--people 200] [--per-person 10] [--two-processes]
        [--sqlite-synchronous full|normal]

PostgreSQL's database is emptied (its schema dropped) at each run. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, insert, select

from bot.app import create_app
from bot.config import Settings
from bot.sandbox import SandboxServer
from bot.sandbox.actions import callback_data, press
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Dialog
from tests.support import databases
from tests.support.processes import BOT_TOKEN, bot_env
from tests.support.seed import ACME_PHONE, seed_app

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
    two: list[float] = field(default_factory=list)  # two processes' /status rate over one

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
    sandbox: SandboxServer, token: str, argv: Sequence[str], env: dict[str, str], log: Path
) -> Bot:
    """Start a bot; return once it has answered a message queued before its start, with the
    time to its first ``getUpdates`` (which returns that message at once; the sandbox logs a
    call when it returns) and its resident memory once idle."""
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
        polled = [c.time for c in calls if c.bot_id == bot_id and c.method == "getUpdates"]
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

    async def reach(self, target: int, what: str) -> float:
        """Wait until ``target`` messages were counted; the monotonic time then."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while self.now() < target:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what}: {self.count} of {target} answers")
            await asyncio.sleep(0.01)
        return time.monotonic()


async def idle(sandbox: SandboxServer, token: str, user_id: int, quiet: float = 1.0) -> None:
    """Until the bot has fetched every update and sent nothing for ``quiet`` seconds."""
    await sandbox.user(user_id, bot_token=token).wait_idle(quiet=quiet, timeout=SETTLE_TIMEOUT)


async def message_rate(
    sandbox: SandboxServer,
    token: str,
    people: list[int],
    per_person: int,
    text: str,
    probe: Probe,
    case: str,
) -> float:
    """Updates/s for ``text`` sent ``per_person`` times by everyone, all queued at once."""
    users = [sandbox.user(uid, f"P{uid}", "en", bot_token=token) for uid in people]
    answers = Answers(sandbox, token, set(people))
    for user in users:  # warm-up: how many messages one such update gets
        user.send_text(text)
    await idle(sandbox, token, people[0])
    per_update = max(1, round(answers.now() / len(people)))
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


async def fresh_database(
    kind: str, folder: Path, pg_url: str | None, name: str, synchronous: str = "full"
) -> str:
    if kind == "sqlite":
        url = databases.sqlite_url(folder / f"{name}.sqlite3")
        if synchronous != "full":  # the default, and all an older tree (--baseline) reads
            url += f"?synchronous={synchronous}"
    else:
        assert pg_url, "--database-url is needed for postgres"
        url = pg_url
        await databases.reset_postgres_schema(url)
    await upgrade(url)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        bot_token=BOT_TOKEN,  # type: ignore[arg-type]
    )
    app = create_app(settings)
    try:
        await seed_app(app)
    finally:
        await app.close()
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
        kind, folder, args.database_url, f"{tree.name}-{number}", args.sqlite_synchronous
    )
    counter = folder / "statements" if args.statements else None
    env = bot_env(sandbox, url, runtime) | {"PYTHONPATH": str(tree)}
    if counter is not None:
        env["BENCH_STATEMENTS_FILE"] = str(counter)
    bots = [await spawn(sandbox, BOT_TOKEN, fieldbot_argv(bool(counter)), env, log)]
    ours.started(bots[0])
    try:
        await register(sandbox, people)
        await run_cases(
            args,
            sandbox,
            BOT_TOKEN,
            lambda probe: fieldbot_confirm(sandbox, url, people, args.per_person, probe),
            ours.probe(bots[0].proc.pid, counter, args.py_spy),
            ours,
        )
        if args.two_processes and kind == "postgres":
            bots.append(await spawn(sandbox, BOT_TOKEN, fieldbot_argv(False), env, log))
            rate = await message_rate(
                sandbox,
                BOT_TOKEN,
                people,
                args.per_person,
                "/status",
                Probe(bots[0].proc.pid),
                "status",
            )
            one = ours.rates.get("status", [rate])[-1]
            ours.two.append(rate / one)
            print(f"    run {number + 1} two processes /status: {rate:.1f}/s", flush=True)
    finally:
        for each in bots:
            await each.stop()


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
    if ours.two:
        print(f"  two processes /status over one: {spread(ours.two)}")


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
