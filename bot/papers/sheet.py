"""An A4 page with the DejaVu fonts registered and fixed metadata, so the same content gives
the same bytes; and QR codes drawn onto it."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
import segno
from fpdf import FPDF

FONT = "DejaVu"
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def font_dir() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def new_pdf(title: str) -> FPDF:
    pdf = FPDF(format="A4", unit="mm")
    fonts = font_dir()
    pdf.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_font(FONT, size=10)
    pdf.set_title(title)
    pdf.set_creator("fieldbot")
    pdf.set_producer("fieldbot")
    pdf.set_creation_date(_EPOCH)
    pdf.set_auto_page_break(auto=True, margin=15)
    return pdf


def draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """A QR code of ``data``, ``size`` mm square (its quiet zone included) at ``x``, ``y``."""
    image = io.BytesIO()
    segno.make(data, error="m", micro=False).save(image, kind="png", scale=8, border=2)
    image.seek(0)
    pdf.image(image, x=x, y=y, w=size, h=size)


def finish(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
