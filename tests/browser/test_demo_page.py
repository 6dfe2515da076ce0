"""The demo page in a real browser: a customer reports a breakdown, the engineer accepts it,
the managers' group is alerted — all by clicking and typing in the three panes.

Chromium comes from Debian (``make test`` installs it as root); Playwright drives it. No
browser is downloaded.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from bot.core.events import Attachment
from bot.core.replies import Button, inline
from bot.demo import data
from bot.demo.data import GROUP
from bot.demo.picture import breakdown_png
from bot.demo.run import Demo, DemoOptions, running_demo
from bot.demo.stock import voice_note_wav, warranty_pdf
from bot.services.outbox import enqueue, enqueue_edit, messages
from storage.models import AttachmentKind
from tests.support.demo_jobs import resolved_installation

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 20_000


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium when run as "
            "root with apt-get; on this machine it could not be installed"
        )
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    async with running_demo(DemoOptions(database=tmp_path / "demo.sqlite3", port=0)) as running:
        yield running


def pane(page: Page, key: str) -> Locator:
    return page.locator(f'section.phone[data-key="{key}"]')


async def say(phone: Locator, text: str) -> None:
    await phone.locator("input.text").fill(text)
    await phone.locator("input.text").press("Enter")


async def click(phone: Locator, label: str) -> None:
    """Press the newest inline button with this label, as a person would."""
    button = phone.locator(".inline button", has_text=label).last
    await expect(button).to_be_visible(timeout=TIMEOUT_MS)
    await button.click()


async def sees(phone: Locator, text: str | re.Pattern[str]) -> Locator:
    bubble = phone.locator(".bubble", has_text=text).last
    await expect(bubble).to_be_visible(timeout=TIMEOUT_MS)
    return bubble


async def test_report_accept_and_alert_through_the_page(browser: Browser, demo: Demo) -> None:
    page = await browser.new_page(viewport={"width": 1500, "height": 900})
    await page.goto(demo.page_url)
    customer, engineer, managers = (pane(page, key) for key in ("customer", "engineer", "manager"))
    await expect(page.locator("section.phone")).to_have_count(3)
    await expect(managers.locator(".title")).to_have_text(GROUP.title)
    await expect(page.locator("#status")).to_have_text("connected", timeout=TIMEOUT_MS)

    # The customer reports a leaking espresso machine: a typed command, buttons, text, a photo.
    await customer.locator(".chips button", has_text="/report").click()
    await sees(customer, "Which equipment is it?")
    await click(customer, "LM-PB-2231")
    await sees(customer, "Describe")
    await say(customer, "Water is leaking from the left group head")
    await sees(customer, "Send photos")
    await customer.locator("button.photo").click()
    await expect(customer.locator(".msg.user img")).to_be_visible(timeout=TIMEOUT_MS)
    await click(customer, "Done")
    await click(customer, "Urgent")
    summary = await sees(customer, "Please check your report")
    await expect(summary).to_contain_text("Water is leaking from the left group head")
    await expect(summary).to_contain_text("1 photo")
    await click(customer, "Send")
    # The summary is edited in place into the confirmation; #1 is the demo's Moscow job.
    await sees(customer, "Request #2 is registered.")
    await expect(customer.locator(".bubble", has_text="Please check your report")).to_have_count(0)

    # The managers' group gets the new-ticket alert.
    alert = await sees(managers, "New request #2")
    await expect(alert).to_contain_text("Café Vitosha")

    # The engineer takes the job from the board.
    await say(engineer, "/jobs")
    await sees(engineer, "open jobs you can take")
    await click(engineer, "#2")
    await click(engineer, "Accept")
    await sees(engineer, "Job #2 is yours.")

    # ...and the customer hears about it.
    await sees(customer, re.compile(r"Petar.*#2|#2.*Petar", re.S))

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "demo.png"
    await page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000
    await page.close()


async def test_language_selector_switches_through_the_bot(browser: Browser, demo: Demo) -> None:
    page = await browser.new_page()
    await page.goto(demo.page_url)
    customer = pane(page, "customer")
    await expect(customer.locator("select.language")).to_have_value("en", timeout=TIMEOUT_MS)
    await customer.locator("select.language").select_option("bg")
    await sees(customer, "Език: Български")
    await customer.locator(".chips button", has_text="/status").click()
    await sees(customer, re.compile("заявк", re.I))
    await page.close()


async def test_main_keys_share_the_demo_location_and_stay(browser: Browser, demo: Demo) -> None:
    page = await browser.new_page()
    await page.goto(demo.page_url)
    engineer = pane(page, "engineer")
    await say(engineer, "/duty")  # the demo engineer starts on duty
    await sees(engineer, "You are on duty.")
    await click(engineer, "Off duty")
    await sees(engineer, "You are off duty now.")
    key = engineer.locator(".keyboard button", has_text="Share my location")
    await expect(key).to_be_visible(timeout=TIMEOUT_MS)  # the main-menu keys came with it
    await click(engineer, "On duty")
    await sees(engineer, "You are on duty now.")
    await key.click()
    await expect(engineer.locator(".msg.user", has_text="📍 42.6977, 23.3219")).to_be_visible()
    await sees(engineer, "Location updated.")
    await expect(key).to_be_visible()  # the keys stay
    await engineer.locator(".keyboard button", has_text="My jobs").click()
    await expect(engineer.locator(".msg.user", has_text="🧰 My jobs")).to_be_visible()
    await page.close()


async def test_reply_to_a_bot_message_with_a_document_and_a_voice_message(
    browser: Browser, demo: Demo
) -> None:
    page = await browser.new_page(viewport={"width": 1500, "height": 900})
    await page.goto(demo.page_url)
    customer = pane(page, "customer")
    await customer.locator(".chips button", has_text="/status").click()
    answered = customer.locator(".msg.bot").last
    await expect(answered).to_be_visible(timeout=TIMEOUT_MS)
    answered_id = int(await answered.get_attribute("data-message-id") or 0)
    answered_text = (await answered.locator(".text").inner_text()).split("\n")[0]

    # "↩ Reply" under the bot's message, then the document button: a Telegram reply.
    await answered.locator("button.reply").click()
    bar = customer.locator(".replying")
    await expect(bar).to_be_visible()
    await expect(bar).to_contain_text(answered_text)
    await customer.locator("input.text").fill("Our warranty card")
    await customer.locator("button.document").click()
    sent = customer.locator(".msg.user", has_text="warranty-card.pdf").last
    await expect(sent).to_be_visible(timeout=TIMEOUT_MS)
    await expect(sent.locator(".quote")).to_contain_text(answered_text)
    await expect(sent).to_contain_text("Our warranty card")
    await expect(bar).to_be_hidden()
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "demo-reply.png"))
    link = sent.locator("a.file")
    async with page.context.expect_page() as opened:
        await link.click()
    document = await opened.value
    await document.close()

    # The next message is no reply; a reply again with a voice message.
    await customer.locator(".msg.bot").last.locator("button.reply").click()
    await customer.locator("button.voice").click()
    voice = customer.locator(".msg.user audio").last
    await expect(voice).to_be_visible(timeout=TIMEOUT_MS)
    await say(customer, "thanks")
    await sees(customer, "thanks")

    # What the bot received: Telegram replies carrying the answered message.
    chat = demo.sandbox.chat(data.CUSTOMER.user_id)
    mine = [message for message in chat.history if not message.from_bot]
    card, recording, thanks = mine[-3:]
    assert card.document_name == "warranty-card.pdf" and card.caption == "Our warranty card"
    assert card.extra["reply_to_message"]["message_id"] == answered_id
    assert recording.voice is not None and "reply_to_message" in recording.extra
    assert thanks.text == "thanks" and "reply_to_message" not in thanks.extra
    await page.close()


async def test_files_albums_and_edits_the_bot_sends(browser: Browser, demo: Demo) -> None:
    page = await browser.new_page(viewport={"width": 1500, "height": 900})
    await page.goto(demo.page_url)
    engineer = pane(page, "engineer")
    await expect(page.locator("#status")).to_have_text("connected", timeout=TIMEOUT_MS)
    # Files the customer sent, which the bot passes on by file id through the outbox.
    bot = demo.sandbox.state.resolve_bot(None)
    photos = [bot.files.add_photo(breakdown_png())[-1].file_id for _ in range(2)]
    voice = bot.files.add_voice(voice_note_wav(), 2, mime_type="audio/wav").file_id
    card = bot.files.add_document(warranty_pdf(), "warranty-card.pdf", "application/pdf").file_id
    kind = AttachmentKind
    chat_id = data.ENGINEER.user_id
    async with demo.app.db.transaction() as session:
        alert = await enqueue(
            session,
            messages(
                chat_id, "New job #9", datetime.now(UTC), markup=inline([Button("Take", "t")])
            ),
        )
        album = [Attachment(kind.PHOTO, photo) for photo in photos]
        await enqueue(session, messages(chat_id, "Maria's photos", datetime.now(UTC), media=album))
        await enqueue(
            session,
            messages(chat_id, "", datetime.now(UTC), media=[Attachment(kind.VOICE, voice)]),
        )
        await enqueue(
            session,
            messages(chat_id, "", datetime.now(UTC), media=[Attachment(kind.DOCUMENT, card)]),
        )
        await enqueue_edit(session, alert, "Job #9: taken by Petar", datetime.now(UTC))

    await expect(engineer.locator(".album.bot img")).to_have_count(2, timeout=TIMEOUT_MS)
    await expect(engineer.locator(".album.bot")).to_contain_text("Maria's photos")
    await expect(engineer.locator(".msg.bot audio")).to_have_count(1)
    await expect(engineer.locator(".msg.bot a.file", has_text="warranty-card.pdf")).to_be_visible()
    edited = await sees(engineer, "Job #9: taken by Petar")
    await expect(edited).to_contain_text("edited")
    await expect(engineer.locator(".bubble", has_text="New job #9")).to_have_count(0)
    await expect(engineer.locator(".inline button", has_text="Take")).to_have_count(0)
    # The voice message plays from the sandbox's copy of the file.
    source = await engineer.locator(".msg.bot audio").get_attribute("src")
    response = await page.request.get(demo.page_url.rstrip("/") + (source or ""))
    assert response.headers["content-type"] == "audio/wav"
    assert (await response.body()).startswith(b"RIFF")
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "demo-files.png"))
    await page.close()


async def test_the_service_report_opens_from_the_customers_pane(
    browser: Browser, demo: Demo
) -> None:
    """Maria confirms a resolved installation by clicking; the report arrives as a document
    link that serves the PDF; the managers check its code in their pane."""
    job = await resolved_installation(demo)
    page = await browser.new_page(viewport={"width": 1500, "height": 900})
    await page.goto(demo.page_url)
    customer, managers = pane(page, "customer"), pane(page, "manager")
    await sees(customer, f"#{job} is resolved")
    await click(customer, "Confirm the work is done")
    report = await sees(customer, "Verification code")
    link = report.locator("a.file", has_text=f"service-report-{job}.pdf")
    await expect(link).to_be_visible(timeout=TIMEOUT_MS)
    href = await link.get_attribute("href")
    assert href is not None
    served = await page.request.get(demo.page_url.rstrip("/") + href)
    assert served.headers["content-type"] == "application/pdf"
    assert (await served.body()).startswith(b"%PDF")
    code = (await report.inner_text()).split("Verification code: ")[1].split()[0]
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "demo-service-report.png"))

    await say(managers, f"/verify {code}")
    await sees(managers, f"The code {code} is genuine")
    await page.screenshot(path=str(ARTIFACTS / "demo-verify.png"))
