"""The end-to-end tests' live bot (a real runtime polling the sandbox, with the outbox and the
scheduler running) and the steps a sandbox user takes through it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.app import App
from bot.runner import RunningBot
from bot.sandbox import SandboxGroup, SandboxMessage, SandboxServer, SandboxUser

TIMEOUT = 15.0


@dataclass
class LiveBot:
    sandbox: SandboxServer
    app: App
    bot: RunningBot
    managers: SandboxGroup

    def user(self, user_id: int, name: str, language: str) -> SandboxUser:
        return self.sandbox.user(user_id, first_name=name, language_code=language)


def button(message: SandboxMessage, fragment: str) -> str:
    """The callback data of the button whose text contains ``fragment``."""
    for candidate in message.buttons:
        if fragment in candidate["text"]:
            return str(candidate["callback_data"])
    raise AssertionError(f"no button with {fragment!r}: {message.button_texts}")


async def report(
    user: SandboxUser,
    typed_model: str,
    model: str,
    problem: str,
    *,
    urgency: str | None = None,
    yes: str | None = None,
) -> str:
    """Walk through /report; return the bot's confirmation text. ``urgency`` and ``yes`` type
    the urgency and the confirmation instead of pressing their buttons."""
    user.send_command("/report")
    asked = await user.wait_for(
        lambda m: any("rp:other" == b["callback_data"] for b in m.buttons), timeout=TIMEOUT
    )
    user.send_text(typed_model)
    matches = await user.wait_for(
        lambda m: any(model in t for t in m.button_texts), timeout=TIMEOUT
    )
    assert asked.message_id != matches.message_id
    user.press(button(matches, model), matches)
    await user.wait_for(lambda m: not m.buttons, timeout=TIMEOUT)  # "describe the problem"
    user.send_text(problem)
    photos = await user.wait_for(lambda m: m.find_button("rp:done") is not None, timeout=TIMEOUT)
    user.send_photo()
    await user.wait_for(lambda m: m.find_button("rp:done") is not None, timeout=TIMEOUT)
    user.press("rp:done", photos)
    asked_urgency = await user.wait_for(
        lambda m: m.find_button("rp:pr:urgent") is not None, timeout=TIMEOUT
    )
    if urgency is None:
        user.press("rp:pr:urgent", asked_urgency)
    else:
        user.send_text(urgency)
    summary = await user.wait_for(lambda m: m.find_button("rp:send") is not None, timeout=TIMEOUT)
    assert problem in summary.content and model in summary.content
    if yes is None:
        user.press("rp:send", summary)
        registered = await user.wait_for(
            lambda m: "#" in m.content and m.message_id == summary.message_id, timeout=TIMEOUT
        )
        return registered.content
    user.send_text(yes)  # answered with a new message: the person's own cannot be edited
    registered = await user.wait_for(
        lambda m: "#" in m.content and m.message_id > summary.message_id, timeout=TIMEOUT
    )
    return registered.content


async def register(user: SandboxUser, phone: str, greeting: str, customer: str) -> None:
    user.send_command("/start")
    await user.wait_for(greeting, timeout=TIMEOUT)
    asked = await user.wait_for(lambda m: m.keyboard is not None, timeout=TIMEOUT)
    assert asked.keyboard
    user.share_contact(phone)
    await user.wait_for(customer, timeout=TIMEOUT)
