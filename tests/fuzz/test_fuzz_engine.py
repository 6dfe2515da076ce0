"""Fuzzing the real engine: over 13,000 seeded inputs on each database, and not one may end in
the engine's apology ("Sorry, something went wrong").

People of every role (an unregistered client, one sharing their phone, registered clients,
engineers, a manager, the managers' group chat) are first brought into every dialog by real
flows, then sent inputs of every update kind: unicode digits, huge and negative numbers,
junk and truncated button data for every registered prefix (read from the router, so it keeps
up with the handlers), real button data mutated or pressed by the wrong person, forged
deep links. The generator is seeded: a failure names inputs that fail again on the next run.
"""

from __future__ import annotations

import itertools
import logging
import random
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot.app import App
from bot.config import SUPPORTED_LOCALES
from bot.core.buttons import MAX_ID, ButtonData
from bot.core.events import EventKind, Incoming
from bot.core.replies import Edit, InlineKeyboard, Reply, ReplyKeyboard, Send
from storage.models import Dialog, PartRequest, Person, Ticket, TicketKind
from tests.support.chat import FlowChat, Shown
from tests.support.jobs import make_job
from tests.support.people import MANAGER_CHAT, MANAGER_ID, make_engineer, make_invite
from tests.support.seed import ACME_PHONE, NORD_PHONE, SOFIA_CENTRE, import_examples, seed_app

SEED = 20261122
INPUTS = 12_000
BATCH = 16  # fuzz inputs per person between two real flows that bring them back
ROOT = Path(__file__).resolve().parents[2]

NUMBERS = ["0", "1", "2", "5", "-1", "-5", str(MAX_ID), str(MAX_ID + 1), "9" * 20, "9" * 60]
UNICODE_DIGITS = ["①", "²³", "①²³", "٣٤", "１２", "߁", "𝟗", "¼", "Ⅻ", "໒"]
JUNK = [
    *NUMBERS,
    *UNICODE_DIGITS,
    "",
    " ",
    "-",
    "_",
    ":",
    "1.5",
    "1e309",
    "nan",
    "inf",
    "0x1f",
    " 1",
    "+1",
    "None",
    "true",
    "%s",
    "{ref}",
    "<b>x</b>",
    "'; drop table tickets; --",
    "\x00",
    "\u200b",
    "é",
    "ж",
    "🙂",
    "a" * 40,
]
TEXTS = [
    *JUNK,
    "yes",
    "no",
    "done",
    "Done",
    "skip",
    "ok",
    "3",
    "6",
    "30",
    "120",
    "14:30",
    "25:00",
    "12:99",
    "tomorrow 10:00",
    "2026-11-25",
    "2026-13-45..2026-99-99",
    "week",
    "month",
    "gasket",
    "Linea PB",
    "LM-PB-2231",
    "DК-35-88I2",
    "#1",
    "#99999999999999999999",
    "Steam wand leaks, pressure drops to 0.5 bar",
    "Petar Petrov",
    "مرحبا",
    "e\u0301",
    "line\nbreak\n\n",
    "x" * 4096,
    "/",
    "//",
]
LINK_JUNK = [
    "eq_①",
    "eq_99999999999999999999",
    "eq_",
    "eq",
    "eq_-1",
    "eq_1_2",
    "eq__1",
    "eq_" + "9" * 61,
    "inv_",
    "inv",
    "inv_junk",
    "inv_<script>",
    "inv_" + "a" * 60,
    "zz_1",
    "_",
    "__",
    "①",
]
PHONES = [ACME_PHONE, NORD_PHONE, "+359 88 000 0000", "①②③", "", "+", "0" * 30, "abc", "-1"]
ANSWERS = ["Steam wand leaks", "2", "tomorrow", "PO-1234", "done", "yes", "1.1", "gasket"]
LANGUAGES = ["en", "ru", "bg", None, "de", "pt-br"]
KINDS = [
    (EventKind.CALLBACK, 42),
    (EventKind.TEXT, 22),
    (EventKind.COMMAND, 16),
    (EventKind.ATTACHMENT, 6),
    (EventKind.LOCATION, 6),
    (EventKind.CONTACT, 5),
    (EventKind.OTHER, 3),
]


pytestmark = pytest.mark.manager_chat(manager_locale="bg")  # the managers' group speaks it


@dataclass(frozen=True)
class Apology:
    persona: str
    input: str
    site: str
    error: str


@dataclass
class FuzzChat(FlowChat):
    """A person whose every update the fuzzer watches."""

    fuzzer: Fuzzer | None = None
    persona: str = ""

    async def deliver(self, event: Incoming) -> list[Reply]:
        replies = await super().deliver(event)
        assert self.fuzzer is not None
        self.fuzzer.observe(self, event, replies)
        return replies

    def on_screen(self, messages: int = 1) -> list[str]:
        """The callback data of the buttons on the newest ``messages``."""
        return [data for shown in self.shown[-messages:] for _, data in shown.buttons() if data]


class Failures(logging.Handler):
    """The engine logs each update it apologised for, with the exception: keep the sites."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.by_update: dict[int, tuple[str, str]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and isinstance(record.args, tuple) and record.args:
            update_id = record.args[0]
            if isinstance(update_id, int):
                error = record.exc_info[1]
                self.by_update[update_id] = site(error), repr(str(error))[:100]


def site(error: BaseException | None) -> str:
    """``handlers/x.py:handler → bot/services/y.py:function: ValueError``: the first frame in
    handlers, then the innermost of the project's own."""
    if error is None:
        return "?"
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(str(ROOT))
        and not any(part in frame.filename for part in ("/tests/", "/.venv/", "-packages/"))
    ]
    names = [f"{Path(f.filename).relative_to(ROOT)}:{f.name}" for f in frames]
    entry = next((name for name in names if name.startswith("handlers/")), None)
    path = dict.fromkeys(name for name in (entry, names[-1] if names else None) if name)
    return " → ".join(path) + f": {type(error).__name__}"


def describe(event: Incoming) -> str:
    if event.kind is EventKind.CALLBACK:
        return f"press {event.callback_data!r}"
    if event.kind is EventKind.CONTACT and event.contact is not None:
        return f"contact {event.contact.phone!r}"
    if event.kind is EventKind.LOCATION and event.location is not None:
        return f"location {event.location.latitude:.3f},{event.location.longitude:.3f}"
    return f"{event.kind.value} {event.text[:60]!r}"


@dataclass
class Fuzzer:
    app: App
    rng: random.Random
    failures: Failures
    inputs: int = 0
    updates: int = 0
    kinds: Counter[str] = field(default_factory=Counter)  # fuzzed inputs by update kind
    apologies: list[Apology] = field(default_factory=list)
    reached: set[tuple[str, str]] = field(default_factory=set)
    data: list[str] = field(default_factory=list)  # real callback data seen on screens
    labels: list[str] = field(default_factory=list)  # button labels, to type as text
    words: list[str] = field(default_factory=list)  # non-numeric fields of real data
    ids: list[str] = field(default_factory=lambda: ["1", "2", "3"])  # numbers in real data
    known: set[tuple[str, str]] = field(default_factory=set)  # ("data"|"part", text)
    prefix_cycles: dict[str, Iterator[str]] = field(default_factory=dict)
    pressed: Counter[tuple[str, str]] = field(default_factory=Counter)  # (persona, prefix)
    # Junk presses each person made from their prefix cycle: until it went round once, every
    # button press is from it, so each person presses each prefix without a longer run.
    cycled: Counter[str] = field(default_factory=Counter)
    users: Iterator[int] = field(default_factory=lambda: itertools.count(700_000))
    regulars: dict[str, int] = field(default_factory=dict)
    apology_texts: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        router = self.app.engine.router
        self.prefixes = sorted(router.callbacks)
        self.links = sorted(router.links)
        self.commands = sorted(router.commands)
        self.dialogs = {name for name, _ in router.dialogs}
        self.steps = {key for key in router.dialogs if key[1] != "*"}
        for locale in SUPPORTED_LOCALES:  # the engine's own words, in every language
            probe = Incoming(0, EventKind.TEXT, 1, 1, language_code=locale)
            self.apology_texts |= {
                r.text for r in self.app.engine.apology(probe) if isinstance(r, Send)
            }

    # -- watching -------------------------------------------------------------------------
    def observe(self, chat: FuzzChat, event: Incoming, replies: list[Reply]) -> None:
        self.updates += 1
        texts = {getattr(reply, "text", None) for reply in replies}
        if texts & self.apology_texts:
            where, error = self.failures.by_update.get(event.update_id, ("not logged", ""))
            self.apologies.append(Apology(chat.persona, describe(event), where, error))
        for reply in replies:
            markup = reply.markup if isinstance(reply, Send | Edit) else None
            if isinstance(markup, InlineKeyboard):
                for row in markup.rows:
                    for button in row:
                        self.learn(button.data, button.text)
            elif isinstance(markup, ReplyKeyboard) and len(self.labels) < 500:
                self.labels += [key.text for row in markup.rows for key in row]

    def learn(self, data: str | None, label: str) -> None:
        if not data or ("data", data) in self.known:
            return
        self.known.add(("data", data))
        if len(self.data) < 3000:
            self.data.append(data)
        else:
            self.data[self.rng.randrange(len(self.data))] = data
        if len(self.labels) < 500:
            self.labels.append(label)
        for part in data.split(":"):
            self.learn_part(part)

    def learn_part(self, part: str) -> None:
        if ("part", part) not in self.known:
            self.known.add(("part", part))
            (self.ids if part.isascii() and part.isdigit() else self.words).append(part)

    async def sample_dialog(self, chat: FuzzChat) -> None:
        async with self.app.db.transaction() as session:
            row = (
                await session.execute(
                    select(Dialog.name, Dialog.step)
                    .join(Person, Person.id == Dialog.person_id)
                    .where(Person.tg_user_id == chat.user_id)
                )
            ).first()
        if row is not None:
            self.reached.add((row.name, row.step))

    # -- people ---------------------------------------------------------------------------
    def chat(self, persona: str, user_id: int | None = None, group: bool = False) -> FuzzChat:
        """A new person each call, unless ``user_id`` says who."""
        user = user_id if user_id is not None else next(self.users)
        language = LANGUAGES[sum(map(ord, persona)) % len(LANGUAGES)]
        return FuzzChat(
            self.app,
            user,
            language_code=language,
            group_id=MANAGER_CHAT if group else None,
            fuzzer=self,
            persona=persona,
        )

    def regular(self, persona: str) -> FuzzChat:
        """The same person for ``persona`` every round."""
        user = self.regulars.setdefault(persona, 600_000 + len(self.regulars))
        return self.chat(persona, user_id=user)

    async def walk(self, chat: FuzzChat, steps: int) -> None:
        """Carry on as a person would: press a button of the newest message (never Cancel:
        the walk goes deeper into the dialog), or type an answer where there is none."""
        for _ in range(steps):
            buttons = [data for data in chat.on_screen() if "cancel" not in data]
            if buttons and self.rng.random() < 0.9:
                await chat.press_data(self.rng.choice(buttons))
            else:
                await chat.say(self.rng.choice(ANSWERS))
            await self.sample_dialog(chat)

    # -- inputs ---------------------------------------------------------------------------
    def token(self) -> str:
        pools: list[list[str]] = [JUNK, self.ids, self.words or JUNK]
        return self.rng.choice(self.rng.choice(pools))

    def typed_fields(self, prefix: str) -> str:
        """Field by field for a typed button: right and wrong values of each field's type."""
        parse = self.app.engine.router.callbacks[prefix].parse
        button = getattr(parse, "__self__", None)
        if not (isinstance(button, type) and issubclass(button, ButtonData)):
            fields = [self.token() for _ in range(self.rng.randrange(4))]
            return ":".join([prefix, *fields])
        values = []
        for spec in button.fields():
            good: list[str]
            if spec.kind is int:
                good = list(self.ids)
            elif spec.kind is bool:
                good = ["0", "1"]
            elif isinstance(spec.kind, type) and issubclass(spec.kind, Enum):
                good = [member.value for member in spec.kind]
            else:
                good = list(self.words) or ["x"]
            if spec.optional:
                good.append("-")
            values.append(self.rng.choice(good) if self.rng.random() < 0.7 else self.token())
        if self.rng.random() < 0.2:  # the wrong number of fields
            values = values[:-1] if values and self.rng.random() < 0.5 else [*values, "1"]
        return button.separator.join([prefix, *values])

    def mutate(self, data: str) -> str:
        parts = data.split(":")
        how = self.rng.randrange(5)
        if how == 0 and len(data) > 1:
            return data[: self.rng.randrange(1, len(data))]  # truncated
        index = self.rng.randrange(len(parts))
        if how == 1:
            parts[index] = self.token()
        elif how == 2:
            parts.insert(index, self.token())
        elif how == 3 and len(parts) > 1:
            del parts[index]
        else:
            parts[index] = self.rng.choice(self.ids)  # somebody else's id
        return ":".join(parts)

    def callback_data(self, persona: str) -> str:
        roll = self.rng.random()
        first_round = self.cycled[persona] < len(self.prefixes)
        if roll < 0.4 or first_round:  # every prefix in turn, per person, with junk after it
            self.cycled[persona] += 1
            cycle = self.prefix_cycles.get(persona)
            if cycle is None:
                order = self.rng.sample(self.prefixes, len(self.prefixes))
                cycle = self.prefix_cycles[persona] = itertools.cycle(order)
            prefix = next(cycle)
            self.pressed[persona, prefix] += 1
            if self.rng.random() < 0.5:
                data = ":".join([prefix, *(self.token() for _ in range(self.rng.randrange(5)))])
            else:
                data = self.typed_fields(prefix)
        elif roll < 0.75 and self.data:
            data = self.mutate(self.rng.choice(self.data))
        elif roll < 0.92 and self.data:
            data = self.rng.choice(self.data)  # real, maybe another person's
        else:
            data = self.rng.choice(JUNK) + self.rng.choice(["", ":", ":1", "::"])
        return data.encode()[:64].decode(errors="ignore")  # Telegram's limit

    def command_text(self) -> str:
        roll = self.rng.random()
        if roll < 0.3:
            start = self.rng.choice(["/start", "/START", "/Start", "/start@fieldbot_bot"])
            if self.links and self.rng.random() < 0.6:
                payload = f"{self.rng.choice(self.links)}_{self.token()}"
            else:
                payload = self.rng.choice(LINK_JUNK)
            return f"{start} {payload}"
        name = self.rng.choice(self.commands) if roll < 0.95 else self.rng.choice(["x", "a_b"])
        args = self.rng.choice(["", self.rng.choice(TEXTS), f"{self.token()} {self.token()}"])
        return f"/{name} {args}".rstrip()

    async def send_one(self, chat: FuzzChat, typed: bool = False) -> None:
        """One input of a random kind; ``typed``: half the time, junk typed where the person
        stands (right after a flow brought them into a dialog step)."""
        self.inputs += 1
        if typed and self.rng.random() < 0.5:
            self.kinds[EventKind.TEXT] += 1
            await chat.deliver(chat.event(EventKind.TEXT, text=self.rng.choice(JUNK)))
            return
        kinds, weights = zip(*KINDS, strict=True)
        [kind] = self.rng.choices(kinds, weights)
        self.kinds[kind] += 1
        if kind is EventKind.CALLBACK:
            await chat.press_data(self.callback_data(chat.persona))
        elif kind is EventKind.COMMAND:
            await chat.say(self.command_text())
        elif kind is EventKind.TEXT:
            pool = self.labels if self.labels and self.rng.random() < 0.15 else TEXTS
            text = self.rng.choice(pool)
            await chat.deliver(chat.event(EventKind.TEXT, text=text))
        elif kind is EventKind.ATTACHMENT:
            await chat.send_photo(self.rng.choice(["", *TEXTS]))
        elif kind is EventKind.LOCATION:
            latitude, longitude = self.rng.choice(
                [
                    SOFIA_CENTRE,
                    (0.0, 0.0),
                    (90.0, 180.0),
                    (-90.0, -180.0),
                    (self.rng.uniform(-90, 90), 0),
                ]
            )
            await chat.share_location(latitude, longitude)
        elif kind is EventKind.CONTACT:
            await chat.share_contact(self.rng.choice(PHONES), own=self.rng.random() < 0.8)
        else:
            await chat.deliver(chat.event(EventKind.OTHER, text=self.rng.choice(["", "x"])))


# -- real flows that bring a person into each dialog -----------------------------------------
Setup = Callable[[Fuzzer], Awaitable[FuzzChat]]


async def client(f: Fuzzer, persona: str) -> FuzzChat:
    """A registered Acme client (the same person each round), out of any dialog."""
    chat = f.regular(persona)
    await chat.say("/cancel")
    await chat.share_contact(ACME_PHONE)
    return chat


async def new_job(f: Fuzzer, kind: TicketKind | None = None, **values: Any) -> int:
    """A new ticket (``values`` as for :func:`make_job`), of ``kind`` if given."""
    job = await make_job(f.app, f.app.engine.clock.now(), **values)
    if kind is not None:
        async with f.app.db.transaction() as session:
            await session.execute(update(Ticket).where(Ticket.id == job).values(kind=kind))
    f.learn_part(str(job))
    return job


async def engineer(f: Fuzzer, persona: str, **job: Any) -> tuple[FuzzChat, int]:
    """An engineer who has just accepted a new job (a new engineer every round: skills and
    active jobs stay simple)."""
    chat = f.chat(persona)
    await make_engineer(f.app, chat.user_id, location=SOFIA_CENTRE)
    ticket = await new_job(f, **job)
    await chat.press_data(f"jb:acc:{ticket}")
    return chat, ticket


async def signed_off(f: Fuzzer, persona: str, answer: str) -> FuzzChat:
    """A client whose job an engineer resolved, answering the sign-off with ``answer``."""
    chat = await client(f, persona)
    closer, ticket = await engineer(f, "closer", serial=None, reporter_user_id=chat.user_id)
    await closer.press_data(f"rs:{ticket}")
    await closer.say("Replaced the pump, tested")
    await chat.press_data(f"cf:{answer}:{ticket}")
    if answer == "ok":
        await chat.press_data(f"rt:{ticket}:{f.rng.randint(1, 5)}")
    return chat


def setups() -> dict[str, Setup]:
    async def stranger(f: Fuzzer) -> FuzzChat:
        return f.chat("stranger")  # the first input is their first contact

    async def registering(f: Fuzzer) -> FuzzChat:
        chat = f.chat("registering")
        await chat.say("/start")
        return chat

    async def registered(f: Fuzzer) -> FuzzChat:
        chat = await client(f, "client")
        await f.walk(chat, f.rng.randrange(3))
        return chat

    def client_dialog(persona: str, command: str, depth: int) -> Setup:
        async def setup(f: Fuzzer) -> FuzzChat:
            chat = await client(f, persona)
            await chat.say(command)
            await f.walk(chat, f.rng.randrange(depth + 1))
            return chat

        return setup

    async def requesting(f: Fuzzer) -> FuzzChat:
        """/request walked at random, or straight to its site step (Acme has two sites)."""
        if f.rng.random() < 0.5:
            return await client_dialog("client/request", "/request", 6)(f)
        chat = await client(f, "client/request")
        await chat.say("/request")
        await chat.press_data("rq:kind:installation")
        await chat.say("SO-1")
        await chat.press_data("rq:skip:model")
        return chat

    async def feedback(f: Fuzzer) -> FuzzChat:
        return await signed_off(f, "client/feedback", "ok")

    async def notfixed(f: Fuzzer) -> FuzzChat:
        return await signed_off(f, "client/notfixed", "no")

    async def on_the_job(f: Fuzzer) -> FuzzChat:
        chat, _ = await engineer(f, "engineer")
        await f.walk(chat, f.rng.randrange(3))
        return chat

    async def job_dialog(f: Fuzzer) -> FuzzChat:
        chat, ticket = await engineer(f, "engineer/job")
        action = f.rng.choice(["go", "note", "hand", "photo", "msg", "ask"])
        await chat.press_data(f"mj:{action}:{ticket}")
        return chat

    async def visiting(f: Fuzzer) -> FuzzChat:
        """An engineer offering visit times: a button pressed, a time typed, or nothing yet."""
        chat, ticket = await engineer(f, "engineer/visit")
        await chat.press_data(f"vs:new:{ticket}")
        if f.rng.random() < 0.5:
            await chat.say(f.rng.choice(["tomorrow 10:00", "утре 9:30", "12.12 10:00", "soon"]))
        return chat

    async def resolving(f: Fuzzer) -> FuzzChat:
        chat, ticket = await engineer(f, "engineer/resolve", serial=None)
        await chat.press_data(f"rs:{ticket}")
        return chat

    async def testing(f: Fuzzer) -> FuzzChat:
        chat, ticket = await engineer(f, "engineer/tests", kind=TicketKind.INSTALLATION)
        await chat.press_data(f"mj:site:{ticket}")
        await chat.press_data(f"ts:start:{ticket}")
        if f.rng.random() < 0.3:  # a verdict waiting (typed text there logs the next check)
            await chat.say("1.1")  # the first check: boiler pressure
        else:
            await f.walk(chat, f.rng.randrange(3))
        return chat

    async def ordering(f: Fuzzer) -> FuzzChat:
        chat, ticket = await engineer(f, "engineer/parts")
        await chat.press_data(f"pq:start:{ticket}")
        if f.rng.random() < 0.5:
            await chat.say("gasket")
            picks = [data for data in chat.on_screen(2) if data.startswith("pq:pick:")]
            if picks:
                await chat.press_data(picks[0])
        return chat

    async def joining(f: Fuzzer) -> FuzzChat:
        chat = f.chat("engineer/join")
        code = (await make_invite(f.app)).code
        await chat.say(f"/start inv_{code}")
        await f.walk(chat, f.rng.randrange(3))
        return chat

    async def cancelling(f: Fuzzer) -> FuzzChat:
        chat = await client(f, "client/cancel")
        ticket = await new_job(f, reporter_user_id=chat.user_id)
        await chat.press_data(f"tk:{ticket}")
        await chat.press_data(f"cx:{ticket}")
        if f.rng.random() < 0.5:
            await chat.press_data(f"cx:r:{ticket}:{f.rng.choice(['fixed', 'duplicate'])}")
        return chat

    async def writing(f: Fuzzer) -> FuzzChat:
        """A client writing to a ticket: from its Write button, or by a Telegram reply to a
        message naming two of their tickets (which one is asked)."""
        chat = await client(f, "client/write")
        first = await new_job(f, reporter_user_id=chat.user_id)
        if f.rng.random() < 0.5:
            await chat.press_data(f"tk:w:{first}")
            return chat
        second = await new_job(f, reporter_user_id=chat.user_id)
        named = Shown(message_id=10**6, text=f"#{first} and #{second}")
        await chat.say("Any news?", reply_to=named)
        return chat

    async def manager_writing(f: Fuzzer) -> FuzzChat:
        chat = f.chat("manager/write", user_id=MANAGER_ID)
        await chat.say("/cancel")
        await chat.press_data(f"mg:w:{await new_job(f)}")
        return chat

    async def manager_cancelling(f: Fuzzer) -> FuzzChat:
        chat = f.chat("manager/cancel", user_id=MANAGER_ID)
        await chat.say("/cancel")
        ticket = await new_job(f)
        await chat.press_data(f"mg:cx:{ticket}")
        if f.rng.random() < 0.5:
            await chat.say("Duplicate")
        return chat

    async def reviewing(f: Fuzzer) -> FuzzChat:
        """A newcomer with an unknown number, and the manager who looks for their company."""
        newcomer = f.chat("newcomer")
        await newcomer.say("/start")
        await newcomer.share_contact(f"+3592{newcomer.user_id:07d}")
        async with f.app.db.transaction() as session:
            customer = await session.scalar(
                select(Person.customer_id).where(Person.tg_user_id == newcomer.user_id)
            )
        f.learn_part(str(customer))
        chat = f.chat("group/review", user_id=MANAGER_ID, group=True)
        await chat.say("/cancel")
        await chat.press_data(f"mg:rv:link:{customer}")
        if f.rng.random() < 0.5:
            await chat.say("Acme")
        return chat

    async def part_request(f: Fuzzer) -> int:
        """A part an engineer has just asked for (the managers' alert offers its buttons)."""
        chat, ticket = await engineer(f, "engineer/asking")
        await chat.press_data(f"pq:start:{ticket}")
        await chat.say("gasket")
        picks = [data for data in chat.on_screen() if data.startswith("pq:pick:")]
        await chat.press_data(picks[0])
        await chat.say("1")
        async with f.app.db.transaction() as session:
            request = await session.scalar(select(func.max(PartRequest.id)))
        assert request is not None
        f.learn_part(str(request))
        return request

    def part_decision(persona: str, action: str, answer: str) -> Setup:
        """A manager in the managers' chat ordering (asked for a date) or rejecting (asked
        for the reason) a part request, answering half the time."""

        async def setup(f: Fuzzer) -> FuzzChat:
            request = await part_request(f)
            chat = f.chat(persona, user_id=MANAGER_ID, group=True)
            await chat.say("/cancel")
            await chat.press_data(f"pr:{action}:{request}")
            if f.rng.random() < 0.5:
                await chat.say(answer)
            return chat

        return setup

    def manager(persona: str, group: bool, user_id: int | None) -> Setup:
        async def setup(f: Fuzzer) -> FuzzChat:
            chat = f.chat(persona, user_id=user_id, group=group)
            command = f.rng.choice(["/open", "/stats", "/trends", "/engineers", "/help"])
            await chat.say(command)
            await f.walk(chat, f.rng.randrange(3))
            return chat

        return setup

    return {
        "stranger": stranger,
        "registering": registering,
        "client": registered,
        "client/report": client_dialog("client/report", "/report", 5),
        "client/request": requesting,
        "client/complaint": client_dialog("client/complaint", "/complaint", 0),
        "client/feedback": feedback,
        "client/notfixed": notfixed,
        "client/cancel": cancelling,
        "client/write": writing,
        "engineer": on_the_job,
        "engineer/job": job_dialog,
        "engineer/resolve": resolving,
        "engineer/visit": visiting,
        "engineer/tests": testing,
        "engineer/parts": ordering,
        "engineer/join": joining,
        "manager": manager("manager", False, MANAGER_ID),
        "group/manager": manager("group/manager", True, MANAGER_ID),
        "manager/cancel": manager_cancelling,
        "manager/write": manager_writing,
        "group/review": reviewing,
        "group/part_order": part_decision("group/part_order", "ord", "12.12"),
        "group/part_reject": part_decision("group/part_reject", "rej", "Discontinued"),
        "group/stranger": manager("group/stranger", True, None),
    }


async def prepare(app: App) -> None:
    await seed_app(app)
    await import_examples(app)


def summary(fuzzer: Fuzzer, seconds: float, cpu: float) -> str:
    by_site: dict[str, set[str]] = defaultdict(set)
    for apology in fuzzer.apologies:
        by_site[apology.site].add(f"{apology.persona}: {apology.input}  ({apology.error})")
    lines = [
        f"{fuzzer.inputs} fuzzed inputs ({fuzzer.updates} updates with the real flows) in "
        f"{seconds:.0f} s ({cpu:.0f} s of CPU); {len(fuzzer.apologies)} apologies, "
        f"{sum(map(len, by_site.values()))} distinct failing inputs at {len(by_site)} sites",
        f"by kind: {dict(fuzzer.kinds.most_common())}",
        f"dialog steps reached: {sorted(fuzzer.reached)}",
    ]
    for where, inputs in sorted(by_site.items(), key=lambda item: -len(item[1])):
        lines.append(f"  {where}  ({len(inputs)} inputs)")
        lines += [f"      {text}" for text in sorted(inputs)[:8]]
    return "\n".join(lines)


@pytest.mark.timeout(900)
async def test_no_input_ends_in_the_apology(app: App) -> None:
    await prepare(app)
    failures = Failures()
    engine_log = logging.getLogger("bot.core.engine")
    engine_log.addHandler(failures)
    fuzzer = Fuzzer(app, random.Random(SEED), failures)
    people = setups()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        while fuzzer.inputs < INPUTS:
            for setup in people.values():
                chat = await setup(fuzzer)
                await fuzzer.sample_dialog(chat)
                for index in range(BATCH):
                    await fuzzer.send_one(chat, typed=index < 3)
                await fuzzer.sample_dialog(chat)
    finally:
        engine_log.removeHandler(failures)
    report = summary(fuzzer, time.perf_counter() - started, time.process_time() - cpu)
    print(report)
    missed = [(p, x) for p in people for x in fuzzer.prefixes if not fuzzer.pressed[p, x]]
    unreached = fuzzer.dialogs - {name for name, _ in fuzzer.reached}
    unreached_steps = fuzzer.steps - fuzzer.reached
    problems = [
        f"{fuzzer.inputs} inputs, fewer than {INPUTS}" if fuzzer.inputs < INPUTS else "",
        f"junk never pressed by (person, prefix): {missed}" if missed else "",
        f"dialogs never reached: {unreached}" if unreached else "",
        f"dialog steps never reached: {unreached_steps}" if unreached_steps else "",
        f"{len(fuzzer.apologies)} updates ended in the apology" if fuzzer.apologies else "",
    ]
    assert not any(problems), "\n".join([*filter(None, problems), report])
