"""The service report in ``fieldbot demo``: the customer confirms a resolved installation in
their pane and gets the PDF there as a document the page can open (served as a PDF under its
own name)."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.demo import data
from bot.demo.run import DemoOptions, running_demo
from tests.demo.test_demo_run import call, wait_for_text
from tests.support.demo_jobs import resolved_installation
from tests.support.papers import pdf_text


async def test_the_customer_gets_the_report_in_their_pane(tmp_path: Path) -> None:
    options = DemoOptions(database=tmp_path / "demo.sqlite3", port=0)
    async with running_demo(options) as demo, aiohttp.ClientSession() as http:
        job = await resolved_installation(demo)
        asked = await wait_for_text(http, demo, data.CUSTOMER.user_id, f"#{job} is resolved")
        await call(
            http,
            demo,
            f"sandbox/users/{data.CUSTOMER.user_id}/press",
            {"message_id": asked["message_id"], "data": f"cf:ok:{job}"},
        )
        sent = await wait_for_text(http, demo, data.CUSTOMER.user_id, "Verification code")
        document = sent.get("document") or {}
        assert document.get("file_name") == f"service-report-{job}.pdf"
        url = f"{demo.page_url}demo/files/{document['file_id']}"
        async with http.get(url) as response:
            assert response.status == 200 and response.content_type == "application/pdf"
            disposition = response.headers["Content-Disposition"]
            assert disposition == f"inline; filename*=UTF-8''service-report-{job}.pdf"
            pdf = await response.read()
        text = pdf_text(pdf)
        assert "Vitosha Field Service Ltd" in text and "Installed, commissioned" in text
        assert "LM-PB-3307" in text and sent["caption"].split(": ")[-1] in text
