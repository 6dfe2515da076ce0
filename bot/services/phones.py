"""Phone numbers as people type them, reduced to something comparable."""

from __future__ import annotations

import re

MATCH_DIGITS = 9


def normalize(phone: str) -> str:
    """``+359 (88) 123-45-67`` → ``359881234567``: digits only."""
    return re.sub(r"\D", "", phone)


def match_key(phone: str) -> str:
    """The last nine digits: the part that stays the same with or without a country code or
    trunk prefix (``+359 88…`` and ``088…``, ``+7 912…`` and ``8 912…``)."""
    return normalize(phone)[-MATCH_DIGITS:]
