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


def search_forms(text: str) -> set[str]:
    """What a search compares: the folded query, and its transliteration when that differs
    (the query has Cyrillic letters that are not Latin look-alikes)."""
    return {form for form in (fold(text), translit(text)) if form}


def translit(text: str) -> str:
    return utils.default_process(text.upper().translate(_TRANSLIT))


@dataclass(frozen=True, slots=True)
class Match(Generic[K]):
    key: K
    label: str
    score: float


class FuzzyIndex(Generic[K]):
    """Choices folded once, searched many times (build it once per catalog and keep it: see
    :mod:`bot.services.catalogs`).

    Each label is kept folded and compacted; a query is compared in one form per alphabet
    (folded, and transliterated when it has Cyrillic letters) against the folded labels when
    it has several words, else against the compacted ones (``lamarzoko`` meets
    ``la marzocco``); words that find too few are tried once more run together. So a Latin
    query in a large catalog is one ``rapidfuzz`` pass over the labels, asking only for as
    many hits as can make ``limit`` distinct keys.
    """

    def __init__(self, items: Iterable[tuple[K, str]]) -> None:
        self._labels: list[str] = []
        self._keys: list[K] = []
        self._spaced: list[str] = []
        self._compact: list[str] = []
        per_key: dict[K, int] = {}
        for key, label in items:
            folded = fold(label)
            self._keys.append(key)
            self._labels.append(label)
            self._spaced.append(folded)
            self._compact.append(compact(folded))
            per_key[key] = per_key.get(key, 0) + 1
        self._most_per_key = max(per_key.values(), default=1)

    def __len__(self) -> int:
        return len(self._labels)

    def search(self, query: str, limit: int = 5, cutoff: float = DEFAULT_CUTOFF) -> list[Match[K]]:
        """Best distinct keys first; a key reached through several labels counts once."""
        best: dict[int, float] = {}
        for form in search_forms(query) if self._labels else ():
            self._extract(
                form, self._spaced if " " in form else self._compact, limit, cutoff, best
            )
            if " " in form and len({self._keys[index] for index in best}) < limit:
                # too few with the words as typed: try them run together (``lamarzoko linia``)
                self._extract(compact(form), self._compact, limit, cutoff, best)
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

    def _extract(
        self, form: str, choices: list[str], limit: int, cutoff: float, best: dict[int, float]
    ) -> None:
        for _, score, index in process.extract(
            form,
            choices,
            scorer=fuzz.WRatio,
            processor=None,
            score_cutoff=cutoff,
            limit=limit * self._most_per_key,
        ):
            best[index] = max(score, best.get(index, 0.0))
