"""Joining as an engineer through an invite link: role, name, skills; refusals of bad links."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.core.clock import FrozenClock
from storage.models import Person, Role
from tests.support.chat import FlowChat
from tests.support.people import make_invite, person


async def test_join_keep_name_and_choose_skills(seeded: App, clock: FrozenClock) -> None:
    code = (await make_invite(seeded)).code
    chat = FlowChat(seeded, user_id=601, name="Petar")
    await chat.say(f"/start inv_{code}")
    assert "You are now an engineer" in chat.joined()
    assert "share your phone" not in chat.joined()
    await chat.press("Keep “Petar”")
    assert "Which equipment do you service?" in chat.joined()
    assert {"coffee", "hvac", "medical", "Done"} <= set(chat.button_texts())
    await chat.press("hvac")
    await chat.press("medical")
    await chat.press("✓ medical")  # untick
    assert "✓ hvac" in [text for text, _ in chat.last.buttons()]
    await chat.press("Done")
    assert "Welcome to the team, Petar" in chat.joined()
    assert "/jobs" in chat.joined() and "/myjobs" in chat.joined() and "/duty" in chat.joined()
    joined = await person(seeded, 601)
    assert joined.role is Role.ENGINEER and joined.skills == ["hvac"]


async def test_join_typed_name_and_no_skills(seeded: App, clock: FrozenClock) -> None:
    code = (await make_invite(seeded)).code
    chat = FlowChat(seeded, user_id=602, name="pp_2001", language_code="ru")
    await chat.say(f"/start inv_{code}")
    await chat.say("x")
    assert len(chat.texts()) == 1  # a too-short name is asked again
    await chat.say("Пётр Петров")
    assert len(chat.last.buttons()) == 4  # three categories and Done
    assert (await person(seeded, 602)).name == "Пётр Петров"
    await chat.press_data("jn:sk:99")  # forged index: nothing chosen
    await chat.press_data("jn:done")
    joined = await person(seeded, 602)
    assert joined.skills == [] and joined.role is Role.ENGINEER


async def test_used_link_is_refused_and_changes_nothing(seeded: App, clock: FrozenClock) -> None:
    code = (await make_invite(seeded)).code
    await FlowChat(seeded, user_id=603).say(f"/start inv_{code}")
    late = FlowChat(seeded, user_id=604, language_code="bg")
    await late.say(f"/start inv_{code}")
    assert "You are now" not in late.joined()
    assert (await person(seeded, 604)).role is Role.CLIENT
    english = FlowChat(seeded, user_id=605)
    await english.say(f"/start inv_{code}")
    assert "already been used" in english.joined()


async def test_expired_and_forged_links(seeded: App, clock: FrozenClock) -> None:
    code = (await make_invite(seeded)).code
    clock.advance(timedelta(days=3, seconds=1))
    chat = FlowChat(seeded, user_id=606)
    await chat.say(f"/start inv_{code}")
    assert "expired" in chat.joined()
    await chat.say("/start inv_not-a-real-code-at-all")
    assert "not valid" in chat.joined()
    await chat.say("/start inv_<script>")
    assert "not valid" in chat.joined()
    assert (await person(seeded, 606)).role is Role.CLIENT


async def test_manager_keeps_role_and_manager_invite(seeded: App, clock: FrozenClock) -> None:
    code = (await make_invite(seeded)).code
    boss = FlowChat(seeded, user_id=900, name="Boss")
    await boss.say(f"/start inv_{code}")
    assert "service manager already" in boss.joined()
    assert (await person(seeded, 900)).role is Role.MANAGER
    manager_code = (await make_invite(seeded, Role.MANAGER)).code
    chat = FlowChat(seeded, user_id=607)
    await chat.say(f"/start inv_{manager_code}")
    assert "You are now a service manager" in chat.joined()
    assert (await person(seeded, 607)).role is Role.MANAGER
    # the engineer code was not spent by the refusal
    newcomer = FlowChat(seeded, user_id=608)
    await newcomer.say(f"/start inv_{code}")
    assert "You are now an engineer" in newcomer.joined()


async def test_client_cannot_press_join_buttons(client: FlowChat) -> None:
    await client.press_data("jn:done")
    assert "not available to you" in (client.answers[-1].text or "")
    async with client.app.db.transaction() as session:
        from sqlalchemy import select

        me = await session.scalar(select(Person).where(Person.tg_user_id == client.user_id))
        assert me is not None and me.role is Role.CLIENT


async def test_qr_sticker_opens_report_for_that_equipment(client: FlowChat) -> None:
    await client.say("/start eq_LM-PB-2231")
    assert "Describe the problem" in client.joined()
