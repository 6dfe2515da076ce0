"""Alerts in the manager chat: every kind, addressed to the chat (and its topic), in the chat's
language, with buttons only managers can use."""

from __future__ import annotations

import pytest

from bot.core.replies import AnswerCallback
from storage.models import TicketStatus
from tests.support.chat import FlowChat
from tests.support.jobs import assigned_job
from tests.support.outbox import alerts, buttons
from tests.support.people import ENGINEER_ID, MANAGER_CHAT, MANAGERS
from tests.support.steps import log_tests, report

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)


async def test_new_urgent_and_stopped_tickets_are_marked(client: FlowChat) -> None:
    await report(client, "Urgent")
    await report(client, "Production stopped")
    await report(client, "Normal")
    urgent, stopped, normal = await alerts(client.app, "new_ticket")
    assert urgent.chat_id == MANAGER_CHAT and urgent.thread_id is None
    assert urgent.person_id is None and urgent.status.value == "pending"
    assert urgent.text.startswith("🟠 New request #1 · breakdown · urgent")
    assert stopped.text.startswith("🔴 New request #2 · breakdown · production stopped")
    assert normal.text.startswith("🆕 New request #3 · breakdown · normal")
    assert "Customer: Acme Coffee Sofia" in urgent.text
    assert "Equipment: Linea PB · LM-PB-2231 (Vitosha blvd)" in urgent.text
    assert "Problem: Steam wand leaks" in urgent.text
    assert "Respond by" in urgent.text
    assert buttons(urgent) == [
        ("🔎 Open", "mg:t:1"),
        ("👷 Assign", "mg:as:1"),
        ("💬 Write to customer", "mg:w:1"),
    ]


async def test_alerts_use_the_manager_chat_language(client: FlowChat) -> None:
    client.app.settings.manager_locale = "bg"
    await report(client)
    [alert] = await alerts(client.app, "new_ticket")
    assert "Оборудване: Linea PB · LM-PB-2231" in alert.text
    assert "Request #1 is registered." in client.shown[-2].text  # the client still in English


async def test_topics_route_each_kind(client: FlowChat) -> None:
    client.app.settings.manager_topics = True
    client.app.settings.manager_topic_ids = {"new_ticket": 12, "default": 3}
    await report(client)
    await client.say("/complaint")
    await client.say("Nobody called me back")
    [new] = await alerts(client.app, "new_ticket")
    [complaint] = await alerts(client.app, "complaint")
    assert (new.thread_id, complaint.thread_id) == (12, 3)


async def test_no_topics_unless_switched_on(client: FlowChat) -> None:
    client.app.settings.manager_topic_ids = {"new_ticket": 12}
    await report(client)
    [new] = await alerts(client.app, "new_ticket")
    assert new.thread_id is None


async def test_no_manager_chat_no_alert(client: FlowChat) -> None:
    client.app.settings.manager_chat_id = None
    await report(client)
    assert await alerts(client.app) == []


async def test_part_request(engineer: FlowChat) -> None:
    job = await assigned_job(engineer.app, status=TicketStatus.ON_SITE)
    await engineer.press_data(f"pq:start:{job}")
    await engineer.say("LM-GSK-85")  # 12 + 2 in stock
    await engineer.press("LM-GSK-85")
    await engineer.say("2")
    [request] = await alerts(engineer.app, "part_request")
    assert request.text.startswith(f"📦 Part request for #{job}: LM-GSK-85")
    assert "× 2" in request.text and "Requested by Petar" in request.text
    assert "Sofia central: 12" in request.text and "Plovdiv: 2" in request.text
    assert [text for text, _ in buttons(request)] == [
        "📤 Issue from Sofia central (12)",
        "📤 Issue from Plovdiv (2)",
        "🚚 Order",
        "✖ Reject",
        "🔎 Open",
    ]
    assert ("🔎 Open", f"mg:t:{job}") in buttons(request)

    await engineer.press_data(f"pq:start:{job}")
    await engineer.say("LM-PRS-12")  # one in stock, below the minimum of 2
    await engineer.press("LM-PRS-12")
    await engineer.say("3")
    assert await alerts(engineer.app, "low_stock") == []  # a request takes nothing from stock
    assert len(await alerts(engineer.app, "part_request")) == 2


async def resolved_and_closed(engineer: FlowChat, client: FlowChat) -> int:
    job = await assigned_job(engineer.app, ENGINEER_ID)
    await log_tests(engineer, job)
    await engineer.press_data(f"rs:{job}")
    await engineer.say("Installed and commissioned")
    return job


async def test_low_rating_and_its_comment(engineer: FlowChat, client: FlowChat) -> None:
    job = await resolved_and_closed(engineer, client)
    await client.press_data(f"cf:ok:{job}")
    await client.press("⭐2")
    [low] = await alerts(client.app, "low_rating")
    assert low.text.startswith(f"👎 Low rating for #{job}: ⭐⭐ (2 of 5)")
    assert "Engineer: Petar" in low.text
    await client.say("The engineer was late and left a mess")
    _, comment = await alerts(client.app, "low_rating")
    assert comment.text == (
        f"💬 Comment on the low rating of #{job}: The engineer was late and left a mess"
    )


async def test_good_rating_is_not_an_alert(engineer: FlowChat, client: FlowChat) -> None:
    job = await resolved_and_closed(engineer, client)
    await client.press_data(f"cf:ok:{job}")
    await client.press("⭐4")
    await client.say("Fine")
    assert await alerts(client.app, "low_rating") == []


async def test_reopened_job(engineer: FlowChat, client: FlowChat) -> None:
    job = await resolved_and_closed(engineer, client)
    await client.press_data(f"cf:no:{job}")
    await client.say("Still leaking under the group head")
    [reopened] = await alerts(client.app, "reopened")
    assert reopened.text.startswith(f"🔁 #{job} is reopened")
    assert "What is still wrong: Still leaking under the group head" in reopened.text
    assert buttons(reopened) == [
        ("🔎 Open", f"mg:t:{job}"),
        ("👷 Reassign", f"mg:as:{job}"),
        ("💬 Write to customer", f"mg:w:{job}"),
    ]


async def test_manager_buttons_refused_to_others(
    engineer: FlowChat, client: FlowChat, manager: FlowChat
) -> None:
    await report(client)
    for chat in (client, engineer):
        for data in ("mg:t:1", "mg:as:1:0", f"mg:ae:1:{ENGINEER_ID}:0", "mg:o:-:-:-:-:0"):
            await chat.press_data(data)
            answer = chat.last_replies[0]
            assert isinstance(answer, AnswerCallback) and answer.alert
            assert answer.text == "This action is not available to you."
        for command in ("/open", "/stats", "/export", "/invite engineer"):
            await chat.say(command)
            assert "This command is not available to you." in chat.joined()
    await manager.press_data("mg:t:1")
    assert "🟠 #1 · breakdown · urgent" in manager.joined()
