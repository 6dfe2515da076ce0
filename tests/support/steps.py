"""Steps a person takes through the bot's flows, scripted for tests that need them done."""

from __future__ import annotations

from tests.support.chat import FlowChat

PASSING = ("1.1", "92", "9", "yes", "yes", "All good")  # the coffee checklist, all within spec


async def report(chat: FlowChat, urgency: str = "Urgent") -> None:
    """The client reports a Linea PB breakdown with the given urgency button."""
    await chat.say("/report")
    await chat.press("Linea PB")
    await chat.say("Steam wand leaks, pressure drops to 0.5 bar")
    await chat.press("Done")
    await chat.press(urgency)
    await chat.press("Send")
    assert "is registered" in chat.joined()


async def log_tests(chat: FlowChat, job: int, values: tuple[str, ...] = PASSING) -> None:
    """The engineer logs the job's checklist, one value per check."""
    await chat.press_data(f"ts:start:{job}")
    for value in values:
        await chat.say(value)
