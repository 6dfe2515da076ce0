"""The stock photo demo users send: a small PNG drawn in code (no binary in the repository, no
imaging library): an espresso machine with a puddle under it and a warning sign."""

from __future__ import annotations

import struct
import zlib
from functools import cache

WIDTH, HEIGHT = 480, 360
Color = tuple[int, int, int]

WALL: Color = (233, 228, 218)
COUNTER: Color = (122, 92, 66)
BODY: Color = (176, 182, 190)
PANEL: Color = (60, 64, 72)
GROUP: Color = (40, 42, 46)
CUP: Color = (250, 250, 250)
WATER: Color = (92, 160, 220)
SIGN: Color = (230, 60, 40)
MARK: Color = (255, 255, 255)


def _pixel(x: int, y: int) -> Color:
    """The colour of one pixel: a few shapes painted back to front."""
    color = WALL if y < 250 else COUNTER
    if 120 <= x <= 360 and 90 <= y <= 250:
        color = BODY
    if 140 <= x <= 340 and 105 <= y <= 140:
        color = PANEL
    for centre in (185, 295):
        if abs(x - centre) <= 22 and 150 <= y <= 172:
            color = GROUP
        if abs(x - centre) <= 14 and 205 <= y <= 245:
            color = CUP
    if ((x - 250) / 150) ** 2 + ((y - 270) / 22) ** 2 <= 1 and y >= 250:
        color = WATER
    # a warning triangle in the top right corner, with an exclamation mark
    if 40 <= y <= 110 and abs(x - 410) <= (y - 40) * 0.6:
        color = SIGN
        if abs(x - 410) <= 4 and (55 <= y <= 88 or 96 <= y <= 103):
            color = MARK
    return color


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


@cache
def breakdown_png() -> bytes:
    """The PNG bytes, drawn once per process."""
    rows = bytearray()
    for y in range(HEIGHT):
        rows.append(0)  # filter: none
        for x in range(WIDTH):
            rows.extend(_pixel(x, y))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )
