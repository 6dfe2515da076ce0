"""The router through the real engine, on each database, with a tiny router built here:
the longest button prefix wins, forged data meets the fallback, dialog messages go to their
step, deep links check roles, and a refusal undoes the handler's work but not the update's
record, and is answered in the person's language."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core import dialogs
from bot.core.buttons import ButtonData, DeepLink
from bot.core.context import Context
from bot.core.engine import Engine
from bot.core.events import Attachment, EventKind, Incoming
from bot.core.i18n import N_
from bot.core.refusals import ending_dialog
from bot.core.replies import AnswerCallback, Button, Reply, Send, inline
from bot.core.router import Router
from bot.services.errors import NotFound
from bot.services.people import identify
from storage.models import AttachmentKind, Customer, Dialog, Person, ProcessedUpdate, Role
from tests.support.databases import count
from tests.support.people import make_engineer

CLIENT, ENGINEER, MANAGER = 71, 72, 900  # 900 is an admin in the test settings
_updates = itertools.count(50_000)


class Job(ButtonData, prefix="mj"):
    ticket: int


class Eta(ButtonData, prefix="mj:eta"):
    ticket: int


class Take(ButtonData, prefix="jb:take"):
    ticket: int


class Shop(DeepLink, prefix="eq"):
    equipment: int


class RefusedButton(ButtonData, prefix="no"):
    """Pressed, its handler writes, prepares replies, and is refused."""


class Tiny:
    """A router whose handlers say which of them ran, and the engine around it."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.seen: list[tuple[str, object]] = []
        self.router = router = Router()
        self.engine = Engine(
            app.db, router, identify, app.settings, app.catalogs, app.engine.clock
        )

        def records(name: str) -> Callable[..., Awaitable[None]]:
            async def handler(ctx: Context, value: object = None) -> None:
                self.seen.append((name, value))

            return handler

        router.callback(Job)(records("job"))
        router.callback(Eta)(records("eta"))
        router.callback(Take, roles={Role.ENGINEER})(records("take"))
        router.deep_link(Shop, roles={Role.CLIENT})(records("shop"))
        router.dialog("report", step="description")(records("report:description"))
        router.dialog("report")(records("report:any"))
        router.fallback = records("fallback")
        router.denied = records("denied")

        @router.command("start")
        async def start(ctx: Context) -> None:
            opened = await router.open_link(ctx, ctx.event.args)
            self.seen.append(("start", opened))

        @router.command("step")
        async def step(ctx: Context) -> None:
            await dialogs.start(ctx, "report", ctx.event.args)

        @router.callback(RefusedButton)
        async def refuses(ctx: Context, button: RefusedButton) -> None:
            await self.half_work(ctx)

        @router.command("refuse")
        async def refuses_message(ctx: Context) -> None:
            await self.half_work(ctx)

        @router.command("renamed")
        async def renames_then_refuses(ctx: Context) -> None:
            async with ending_dialog():
                ctx.person.name = "Not kept"
                await ctx.session.flush()
                await self.half_work(ctx)

        @router.dialog("tests", step="value")
        async def step_of_a_closed_job(ctx: Context) -> None:
            async with ending_dialog(N_("This job is no longer open. Nothing was changed.")):
                await self.half_work(ctx)

    async def half_work(self, ctx: Context) -> None:
        """Writes, prepares replies, then a service says no."""
        ctx.session.add(Customer(name="half-saved"))
        await ctx.session.flush()
        ctx.send("You will not see this")
        ctx.answer("Nor this")
        raise NotFound(N_("This job is not assigned to you."))

    async def handle(
        self, user: int, kind: EventKind, language: str = "en", **values: object
    ) -> list[Reply]:
        event = Incoming(
            update_id=next(_updates),
            kind=kind,
            chat_id=user,
            user_id=user,
            user_name="Ana",
            language_code=language,
            **values,  # type: ignore[arg-type]
        )
        return await self.engine.handle(event)

    async def press(self, user: int, data: str, language: str = "en") -> list[Reply]:
        return await self.handle(
            user, EventKind.CALLBACK, language, callback_id="cb", callback_data=data, message_id=1
        )

    async def command(
        self, user: int, name: str, args: str = "", language: str = "en"
    ) -> list[Reply]:
        text = f"/{name} {args}".strip()
        return await self.handle(
            user, EventKind.COMMAND, language, text=text, command=name, args=args
        )

    def last(self) -> tuple[str, object]:
        return self.seen[-1]


@pytest.fixture
def tiny(app: App) -> Tiny:
    return Tiny(app)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("mj:5", ("job", Job(ticket=5))),
        ("mj:eta:5", ("eta", Eta(ticket=5))),  # the longer prefix, though "mj" matches too
        ("mj:eta:①", ("fallback", None)),  # forged: never the shorter route instead
        ("mj:eta:5:6", ("fallback", None)),
        ("mj:eta", ("fallback", None)),
        ("mj:go:5", ("fallback", None)),  # "mj" would read "go" as its id: refused
        ("mj:99999999999999999999", ("fallback", None)),
        ("mj", ("fallback", None)),
        ("xx:1", ("fallback", None)),
        ("", ("fallback", None)),
    ],
)
async def test_buttons_route_by_longest_prefix_and_forged_data_meets_the_fallback(
    tiny: Tiny, data: str, expected: tuple[str, object]
) -> None:
    replies = await tiny.press(CLIENT, data)
    assert tiny.seen == [expected]
    assert [type(reply) for reply in replies] == [AnswerCallback]


async def test_roles_are_checked_before_the_handler(tiny: Tiny) -> None:
    await make_engineer(tiny.app, ENGINEER)
    await tiny.press(CLIENT, "jb:take:3")
    assert tiny.last() == ("denied", None)
    await tiny.press(ENGINEER, "jb:take:3")
    assert tiny.last() == ("take", Take(ticket=3))


async def test_dialog_messages_go_to_their_step_or_the_dialogs_any_step_route(
    tiny: Tiny,
) -> None:
    await tiny.command(CLIENT, "step", "description")
    await tiny.handle(CLIENT, EventKind.TEXT, text="It leaks")
    assert tiny.last() == ("report:description", None)
    await tiny.command(CLIENT, "step", "photos")
    await tiny.handle(
        CLIENT, EventKind.ATTACHMENT, attachments=(Attachment(AttachmentKind.PHOTO, "b"),)
    )
    assert tiny.last() == ("report:any", None)
    await tiny.press(CLIENT, "mj:eta:1")  # buttons win over the dialog
    assert tiny.last() == ("eta", Eta(ticket=1))


@pytest.mark.parametrize(
    ("user", "payload", "opened"),
    [
        (CLIENT, "eq_12", True),
        (MANAGER, "eq_12", False),  # not this role's link: /start goes on without it
        (CLIENT, "eq_①", False),
        (CLIENT, "eq_99999999999999999999", False),
        (CLIENT, "eq_", False),
        (CLIENT, "eq_1_2", False),
        (CLIENT, "zz_1", False),
        (CLIENT, "", False),
    ],
)
async def test_deep_links_check_data_and_roles(
    tiny: Tiny, user: int, payload: str, opened: bool
) -> None:
    await tiny.command(user, "start", payload)
    assert tiny.seen[-1] == ("start", opened)
    if opened:
        assert tiny.seen[-2] == ("shop", Shop(equipment=12))


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "This job is not assigned to you."), ("ru", "Эта заявка не назначена вам.")],
)
async def test_a_refused_button_undoes_the_handlers_work_keeps_the_update_and_answers(
    tiny: Tiny, language: str, text: str
) -> None:
    replies = await tiny.press(CLIENT, "no", language)
    assert replies == [AnswerCallback("cb", text, alert=True)]
    assert await count(tiny.app, Customer) == 0
    assert await count(tiny.app, ProcessedUpdate) == 1


async def test_a_refused_message_is_answered_with_a_message(tiny: Tiny) -> None:
    replies = await tiny.command(CLIENT, "refuse", language="bg")
    assert replies == [Send(CLIENT, "Тази заявка не е възложена на Вас.")]
    assert await count(tiny.app, Customer) == 0
    assert await count(tiny.app, ProcessedUpdate) == 1


async def test_a_refusal_keeps_what_happened_before_the_handler(tiny: Tiny) -> None:
    """The person met on first contact stays: identifying happens outside the savepoint."""
    await tiny.command(CLIENT, "refuse")
    assert await count(tiny.app, Person) == 1


async def test_a_refusal_after_the_person_changed_is_still_answered(tiny: Tiny) -> None:
    """The person's change rolls back with the rest; the answer (here a menu with their name)
    still knows who they are."""
    tiny.router.menu = lambda ctx: inline([Button(ctx.person.name, Job(ticket=1).pack())])
    replies = await tiny.command(CLIENT, "renamed")
    assert replies == [
        Send(CLIENT, "This job is not assigned to you.", inline([Button("Ana", "mj:1")]))
    ]
    async with tiny.app.db.transaction() as session:
        assert await session.scalar(select(Person.name)) == "Ana"


async def test_a_refusal_can_end_the_dialog_it_came_from(tiny: Tiny) -> None:
    await tiny.command(CLIENT, "start")  # the person, met on first contact
    async with tiny.app.db.transaction() as session:
        person = await session.scalar(select(Person))
        assert person is not None
        session.add(Dialog(person_id=person.id, name="tests", step="value", data={}))
    tiny.router.menu = lambda ctx: inline([Button("Menu", Job(ticket=1).pack())])
    replies = await tiny.handle(CLIENT, EventKind.TEXT, text="12,5")
    refused = "This job is no longer open. Nothing was changed."
    assert replies == [Send(CLIENT, refused, inline([Button("Menu", "mj:1")]))]
    assert await count(tiny.app, Dialog) == 0
    assert await count(tiny.app, Customer) == 0
