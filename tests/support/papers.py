"""Reading papers back the way a person would: a PDF's text, the QR codes on its pages, and
the documents the bot sent in an update."""

from __future__ import annotations

import io

import pypdf
import pypdfium2
import zxingcpp

from bot.core.replies import Reply, Send


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def qr_texts(data: bytes, scale: float = 3.0) -> list[str]:
    """Every QR code on every page, rasterised as a phone camera would see it printed."""
    found: list[str] = []
    document = pypdfium2.PdfDocument(data)
    try:
        for page in document:
            image = page.render(scale=scale).to_pil()
            found += [code.text for code in zxingcpp.read_barcodes(image)]
    finally:
        document.close()
    return found


def documents(replies: list[Reply]) -> list[Send]:
    """The uploaded files among an update's replies."""
    return [reply for reply in replies if isinstance(reply, Send) and reply.document is not None]
