"""QR sticker sheets: what the printed codes decode to, from the command line and from chat."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.papers.stickers import Sticker, render, start_payload
from tests.support.papers import pdf_text, qr_texts
from tests.support.seed import CUSTOMERS, EQUIPMENT


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FIELDBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("FIELDBOT_BOT_USERNAME", "acme_service_bot")
    monkeypatch.setenv("FIELDBOT_COMPANY_PHONE", "+359 2 900 1000")
    for kind, text in (("customers", CUSTOMERS), ("equipment", EQUIPMENT)):
        (tmp_path / f"{kind}.csv").write_text(text, encoding="utf-8")
        assert main(["import", kind, str(tmp_path / f"{kind}.csv")]) == 0
    return tmp_path


def test_a_customers_sheet_decodes_to_its_machines_links(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = workdir / "acme.pdf"
    assert main(["stickers", "--customer", "ACME", "-o", str(out)]) == 0
    assert "2 stickers written" in capsys.readouterr().out
    pdf = out.read_bytes()
    assert sorted(qr_texts(pdf)) == [
        "https://t.me/acme_service_bot?start=eq_DK-35-8812",
        "https://t.me/acme_service_bot?start=eq_LM-PB-2231",
    ]
    text = pdf_text(pdf)
    for expected in ("Linea PB", "S/N LM-PB-2231", "FTXM35R", "+359 2 900 1000"):
        assert expected in text


def test_chosen_serials_and_an_unknown_one(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = workdir / "two.pdf"
    assert main(["stickers", "--serial", "SM-XR-5500", "NOPE-1", "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert "no equipment with serial 'NOPE-1'" in captured.err
    assert qr_texts(out.read_bytes()) == ["https://t.me/acme_service_bot?start=eq_SM-XR-5500"]


def test_a_full_sheet_and_a_serial_only_cyrillic_can_print() -> None:
    stickers = [Sticker("Витрина Бирюса", "СН 12/34")] + [
        Sticker("Linea PB", f"LM-{n:04}") for n in range(24)
    ]
    pdf = render(stickers, "acme_service_bot", "+359 2 900 1000", "Сервиз ООД")
    codes = qr_texts(pdf)
    assert len(codes) == 25  # 24 on the first page, one on the second
    assert "https://t.me/acme_service_bot?start=eq_CH-12-34" in codes
    assert start_payload("СН 12/34") == "eq_CH-12-34"  # ASCII, as /start payloads must be
