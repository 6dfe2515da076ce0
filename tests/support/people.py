"""People as the tests need them: made directly in the database (the engineer's profile, a
person of any role), registered through the bot (a client), invited, and looked up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bot.app import App
from bot.services import invites
from storage.db import Database
from storage.models import Invite, Person, Role
from tests.support.chat import FlowChat
from tests.support.databases import database
from tests.support.seed import ACME_PHONE

CLIENT_ID = 501  # the flows' registered Acme client
ENGINEER_ID, OTHER_ENGINEER_ID = 701, 702
MANAGER_ID, OTHER_MANAGER_ID = 900, 901  # 900 is an admin in the suite's settings
MANAGERS = frozenset({MANAGER_ID, OTHER_MANAGER_ID})  # admins for the manager flows
MANAGER_CHAT = -1001234567890  # the managers' group, with the ``manager_chat`` mark


async def make_person(
    where: App | Database,
    user_id: int,
    role: Role = Role.CLIENT,
    name: str = "",
    *,
    skills: tuple[str, ...] = (),
    location: tuple[float, float] | None = None,
    on_duty: bool = False,
    locale: str = "en",
) -> int:
    """A person made directly in the database, as if they had written before; their id."""
    async with database(where).transaction() as session:
        person = Person(
            tg_user_id=user_id,
            chat_id=user_id,
            role=role,
            name=name,
            locale=locale,
            skills=list(skills),
            on_duty=on_duty,
            latitude=location[0] if location else None,
            longitude=location[1] if location else None,
        )
        session.add(person)
        await session.flush()
        return person.id


async def make_engineer(app: App, user_id: int, name: str = "Petar", **profile: Any) -> int:
    """An engineer (off duty unless ``on_duty``); ``profile`` as for :func:`make_person`."""
    return await make_person(app, user_id, Role.ENGINEER, name, **profile)


async def engineer_chat(
    app: App, user_id: int = ENGINEER_ID, name: str = "Petar", **profile: Any
) -> FlowChat:
    """An engineer made with that profile, and their chat in the profile's language."""
    await make_engineer(app, user_id, name, **profile)
    return FlowChat(app, user_id, name=name, language_code=profile.get("locale", "en"))


async def client_chat(
    app: App,
    user_id: int,
    phone: str = ACME_PHONE,
    name: str = "Ivan",
    language_code: str | None = "en",
) -> FlowChat:
    """A client registered through the bot: /start, then their phone (Acme's unless told)."""
    chat = FlowChat(app, user_id, name=name, language_code=language_code)
    await chat.say("/start")
    await chat.share_contact(phone)
    return chat


async def make_invite(
    app: App, role: Role = Role.ENGINEER, ttl: timedelta = invites.DEFAULT_TTL
) -> Invite:
    """A new invite, made now by the app's clock."""
    async with app.db.transaction() as session:
        return await invites.create(session, role, app.engine.clock.now(), ttl=ttl)


async def person(where: App | Database, user_id: int) -> Person:
    """The person with that Telegram user id, and their customer."""
    async with database(where).transaction() as session:
        found = await session.scalar(
            select(Person).where(Person.tg_user_id == user_id).options(joinedload(Person.customer))
        )
        assert found is not None
        return found
