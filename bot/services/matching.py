"""Fuzzy matching of what people type (model names, serials, part names) against a catalog.

Both sides are folded the same way: case, ``ё``/``е``, and Cyrillic letters that look like
Latin ones (``С``/``C``, ``Н``/``H``…), which people mix up in model names and serials. A query
is also tried transliterated, so ``Дайкин`` finds ``Daikin``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process, utils

K = TypeVar("K", bound=Hashable)

_LOOKALIKES = str.maketrans(
    {
        "Ё": "E",
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "У": "Y",
        "Х": "X",
        "І": "I",
        "Ѕ": "S",
    }
)
_TRANSLIT = str.maketrans(
    {
        "А": "A",
        "Б": "B",
        "В": "V",
        "Г": "G",
        "Д": "D",
        "Е": "E",
        "Ё": "E",
        "Ж": "ZH",
        "З": "Z",
        "И": "I",
        "Й": "I",
        "К": "K",
        "Л": "L",
        "М": "M",
        "Н": "N",
        "О": "O",
        "П": "P",
        "Р": "R",
        "С": "S",
        "Т": "T",
        "У": "U",
        "Ф": "F",
        "Х": "H",
        "Ц": "TS",
        "Ч": "CH",
        "Ш": "SH",
        "Щ": "SHT",
        "Ъ": "A",
        "Ы": "Y",
        "Ь": "",
        "Э": "E",
        "Ю": "YU",
        "Я": "YA",
    }
)
DEFAULT_CUTOFF = 75.0


def fold(text: str) -> str:
    """Normalise for comparison: look-alike letters to Latin, then rapidfuzz's default."""
    return utils.default_process(text.upper().translate(_LOOKALIKES))


def latin(text: str) -> str:
    """Upper case with Cyrillic look-alikes as the Latin letters they look like and the rest
    transliterated: for a serial that must travel where only ASCII goes (a /start payload)."""
    return text.upper().translate(_LOOKALIKES).translate(_TRANSLIT)


def compact(folded: str) -> str:
    """Without spaces, so ``lamarzoko`` can meet ``la marzocco``."""
    return folded.replace(" ", "")


def query_forms(text: str) -> set[str]:
    """The folded query, its transliteration when it has Cyrillic letters, and both compacted."""
    forms = {fold(text), utils.default_process(text.upper().translate(_TRANSLIT))}
    return {variant for form in forms if form for variant in (form, compact(form))}


@dataclass(frozen=True, slots=True)
class Match(Generic[K]):
    key: K
    label: str
    score: float


class FuzzyIndex(Generic[K]):
    """Choices folded once, searched many times."""

    def __init__(self, items: Iterable[tuple[K, str]]) -> None:
        self._labels: list[str] = []
        self._keys: list[K] = []
        self._folded: list[str] = []
        for key, label in items:
            folded = fold(label)
            for variant in {folded, compact(folded)}:
                self._keys.append(key)
                self._labels.append(label)
                self._folded.append(variant)

    def search(self, query: str, limit: int = 5, cutoff: float = DEFAULT_CUTOFF) -> list[Match[K]]:
        """Best distinct keys first; a key reached through several labels counts once."""
        best: dict[int, float] = {}
        for form in query_forms(query) if self._folded else ():
            for _, score, index in process.extract(
                form,
                self._folded,
                scorer=fuzz.WRatio,
                processor=None,
                score_cutoff=cutoff,
                limit=None,
            ):
                best[index] = max(score, best.get(index, 0.0))
        matches: list[Match[K]] = []
        seen: set[K] = set()
        for index, score in sorted(best.items(), key=lambda hit: (-hit[1], hit[0])):
            key = self._keys[index]
            if key in seen:
                continue
            seen.add(key)
            matches.append(Match(key, self._labels[index], score))
            if len(matches) == limit:
                break
        return matches
