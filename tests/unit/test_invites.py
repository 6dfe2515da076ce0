"""Invites: single use, expiry, malformed codes, no downgrades, one winner per code."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import web

from bot import cli
from bot.app import App, create_app
from bot.config import Settings
from bot.core.clock import FrozenClock
from bot.services import invites
from bot.services.invites import InviteProblem, InviteRefused
from storage.models import Invite, Person, Role
from tests.support.people import make_invite, make_person


async def redeem(app: App, code: str, person_id: int, clock: FrozenClock) -> Role:
    async with app.db.transaction() as session:
        person = await session.get_one(Person, person_id)
        await invites.redeem(session, code, person, clock.now())
        return person.role


async def refusal(app: App, code: str, person_id: int, clock: FrozenClock) -> InviteProblem:
    with pytest.raises(InviteRefused) as refused:
        await redeem(app, code, person_id, clock)
    async with app.db.transaction() as session:  # nothing changed
        person = await session.get_one(Person, person_id)
        assert person.role is not Role.ENGINEER or refused.value.reason is InviteProblem.ALREADY
    return refused.value.reason


async def test_code_fits_a_start_payload_and_is_random(app: App, clock: FrozenClock) -> None:
    codes = {(await make_invite(app)).code for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert invites.CODE_PATTERN.fullmatch(code)
        assert len(f"inv_{code}") <= 64


async def test_redeem_sets_role_and_spends_code(app: App, clock: FrozenClock) -> None:
    code = (await make_invite(app)).code
    first = await make_person(app, 1)
    second = await make_person(app, 2)
    assert await redeem(app, code, first, clock) is Role.ENGINEER
    async with app.db.transaction() as session:
        invite = await session.get_one(Invite, 1)
        assert invite.used_by == first and invite.used_at == clock.now()
    assert await refusal(app, code, second, clock) is InviteProblem.USED


async def test_expired_unknown_and_malformed(app: App, clock: FrozenClock) -> None:
    code = (await make_invite(app, ttl=timedelta(days=1))).code
    person = await make_person(app, 3)
    assert await refusal(app, "x" * 24, person, clock) is InviteProblem.UNKNOWN
    assert await refusal(app, "bad code; drop table", person, clock) is InviteProblem.UNKNOWN
    assert await refusal(app, "", person, clock) is InviteProblem.UNKNOWN
    clock.advance(timedelta(days=1))
    assert await refusal(app, code, person, clock) is InviteProblem.EXPIRED


async def test_manager_is_not_downgraded_and_engineer_promoted(
    app: App, clock: FrozenClock
) -> None:
    manager = await make_person(app, 4, Role.MANAGER)
    engineer_code = (await make_invite(app)).code
    assert await refusal(app, engineer_code, manager, clock) is InviteProblem.DOWNGRADE
    engineer = await make_person(app, 5, Role.ENGINEER)
    assert await refusal(app, engineer_code, engineer, clock) is InviteProblem.ALREADY
    manager_code = (await make_invite(app, Role.MANAGER)).code
    assert await redeem(app, manager_code, engineer, clock) is Role.MANAGER
    client = await make_person(app, 6)
    assert await redeem(app, engineer_code, client, clock) is Role.ENGINEER  # still unused


async def test_cannot_invite_a_client(app: App, clock: FrozenClock) -> None:
    async with app.db.transaction() as session:
        with pytest.raises(ValueError):
            await invites.create(session, Role.CLIENT, clock.now())


async def test_one_code_two_people_at_once(app: App, clock: FrozenClock) -> None:
    code = (await make_invite(app)).code
    people = [await make_person(app, 10 + n) for n in range(6)]
    others = [create_app(app.settings, clock) for _ in people]
    try:
        outcomes = await asyncio.gather(
            *(
                redeem(other, code, person, clock)
                for other, person in zip(others, people, strict=True)
            ),
            return_exceptions=True,
        )
    finally:
        await asyncio.gather(*(other.close() for other in others))
    assert sum(outcome is Role.ENGINEER for outcome in outcomes) == 1
    assert all(
        isinstance(outcome, InviteRefused) and outcome.reason is InviteProblem.USED
        for outcome in outcomes
        if outcome is not Role.ENGINEER
    )


# -- `fieldbot invite` --------------------------------------------------------------------
def run_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], **env: str
) -> list[str]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("FIELDBOT_BOT_TOKEN", "FIELDBOT_BOT_USERNAME", "FIELDBOT_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FIELDBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["invite", "engineer", "--days", "2"]) == 0
    return capsys.readouterr().out.splitlines()


def test_cli_prints_link_with_configured_username(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = run_cli(monkeypatch, tmp_path, capsys, FIELDBOT_BOT_USERNAME="acme_service_bot")
    code = lines[0].rsplit(" ", 1)[-1]
    assert "valid for 2 days" in lines[0]
    assert lines[1] == f"https://t.me/acme_service_bot?start=inv_{code}"


def test_cli_without_token_prints_start_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = run_cli(monkeypatch, tmp_path, capsys)
    code = lines[0].rsplit(" ", 1)[-1]
    assert lines[1].endswith(f"/start inv_{code}")


async def test_username_from_get_me(aiohttp_getme: str) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token="123:ABC",  # type: ignore[arg-type]
        api_base_url=aiohttp_getme,
    )
    assert await cli._bot_username(settings) == "sandbox_bot"
    broken = settings.model_copy(update={"api_base_url": "http://127.0.0.1:9"})
    assert await cli._bot_username(broken) is None


@pytest.fixture
async def aiohttp_getme() -> AsyncIterator[str]:
    """A one-method stand-in for the Bot API."""

    async def get_me(request: web.Request) -> web.Response:
        assert request.match_info["token"] == "123:ABC"
        return web.json_response({"ok": True, "result": {"id": 1, "username": "sandbox_bot"}})

    application = web.Application()
    application.router.add_get("/bot{token}/getMe", get_me)
    runner = web.AppRunner(application)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()
