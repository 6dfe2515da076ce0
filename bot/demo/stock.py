"""The stock document and voice note demo users send, made in code like the stock photo (no
binary in the repository): a one-page PDF warranty card, and a short WAV recording of a
machine's rattle that a browser can play."""

from __future__ import annotations

import math
import struct
from functools import cache

DOCUMENT_NAME = "warranty-card.pdf"
VOICE_RATE = 8000  # samples per second, 8-bit mono: small and playable everywhere
VOICE_SECONDS = 2

_CARD = (
    "Warranty card",
    "Espresso machine LM-PB-2231",
    "Cafe Vitosha Ltd, bul. Vitosha 15, Sofia",
    "Service under warranty: parts and labour",
)


def _pdf_text(lines: tuple[str, ...]) -> bytes:
    """A page's content stream: each line in Helvetica, top to bottom."""
    commands = ["BT", "/F1 18 Tf", "72 760 Td"]
    for number, line in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        commands.append(f"({escaped}) Tj")
        if number == 0:
            commands.append("/F1 12 Tf")
        commands.append("0 -24 Td")
    commands.append("ET")
    return "\n".join(commands).encode("latin-1")


@cache
def warranty_pdf() -> bytes:
    """A valid one-page PDF (objects, cross-reference table and trailer written by hand)."""
    content = _pdf_text(_CARD)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _sample(index: int) -> int:
    """A rattle: a low hum with short bursts, as a phone held to a machine would record."""
    t = index / VOICE_RATE
    hum = 0.35 * math.sin(2 * math.pi * 110 * t) + 0.15 * math.sin(2 * math.pi * 220 * t)
    burst = 0.3 * math.sin(2 * math.pi * 660 * t) if (t * 4) % 1 < 0.3 else 0.0
    return 128 + round(127 * max(-1.0, min(1.0, hum + burst)))


@cache
def voice_note_wav() -> bytes:
    """The recording as an 8-bit mono WAV file."""
    samples = bytes(_sample(index) for index in range(VOICE_RATE * VOICE_SECONDS))
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(samples),
        b"WAVE",
        b"fmt ",
        16,
        1,  # PCM
        1,  # mono
        VOICE_RATE,
        VOICE_RATE,  # bytes per second
        1,  # block align
        8,  # bits per sample
        b"data",
        len(samples),
    )
    return header + samples
