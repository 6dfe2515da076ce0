"""How the bot writes a number with its unit: a no-break space (U+00A0) between them, so a
phone never shows "3" at the end of one line and "hr" at the start of the next."""

from __future__ import annotations

import re

NBSP = "\u00a0"
AFTER_NUMBER = re.compile(r"(?<=[\d≥≤]) ")


def nb(text: str) -> str:
    """``text`` with each plain space after a number (or ``≥``/``≤``) made no-break:
    ``nb("2 hr 15 min")`` is ``"2\\xa0hr 15\\xa0min"``; spaces between the pairs stay."""
    return AFTER_NUMBER.sub(NBSP, text)
