"""Phones and fuzzy matching: what people type against what the company stored."""

from __future__ import annotations

import pytest

from bot.services import phones
from bot.services.matching import FuzzyIndex, fold

INDEX = FuzzyIndex(
    [
        (1, "Linea PB"),
        (1, "LM-PB-2231"),
        (2, "FTXM35R"),
        (2, "DK-35-8812"),
        (3, "FTXM50R"),
        (3, "DK-50-0042"),
        (4, "Xray Vision 5500"),
        (4, "SM-XR-5500"),
    ]
)


@pytest.mark.parametrize(
    ("a", "b"),
    [("+359 88 812 3456", "0888123456"), ("+7 (912) 345-67-89", "8 912 345 67 89")],
)
def test_phone_match_key_ignores_country_and_trunk_prefix(a: str, b: str) -> None:
    assert phones.match_key(a) == phones.match_key(b)


def test_fold_maps_cyrillic_lookalikes_and_yo() -> None:
    assert fold("СМ-ХР-5500") == fold("CM-XP-5500")
    assert fold("Ёлка") == fold("Елка")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("linia pb", 1),
        ("ftxm 35", 2),
        ("DK3588I2", 2),
        ("дк-50-0042", 3),
        ("xray vison", 4),
        ("Сименс хрей 5500", 4),
    ],
)
def test_typos_find_the_item(query: str, expected: int) -> None:
    matches = INDEX.search(query)
    assert matches and matches[0].key == expected


def test_nonsense_finds_nothing_and_keys_are_distinct() -> None:
    assert INDEX.search("qwerty zzz") == []
    keys = [match.key for match in INDEX.search("DK", limit=10)]
    assert len(keys) == len(set(keys))
