"""Fuzzy lookup over a large catalog against a raw ``rapidfuzz.process.extract``.

Builds ``--labels`` part-like labels (numbers and names, some in Cyrillic), prepares a
:class:`~bot.services.matching.FuzzyIndex` once, then times ``--queries`` typed queries (typos,
look-alike letters, missing spaces) through it and through one raw ``process.extract`` with the
same scorer (WRatio, cutoff and limit) over the same folded labels; ``--runs`` times each. Then
the service call ``parts.search`` on SQLite with as many parts: the first call prepares the
catalog, the next ones reuse it after one query for the catalog's version. Run:

    .venv/bin/python benchmarks/fuzzy.py [--labels 100000] [--queries 20] [--runs 5]

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.services import parts
from bot.services.matching import DEFAULT_CUTOFF, FuzzyIndex, fold
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Part

WORDS = [
    "valve", "pump", "gasket", "filter", "sensor", "boiler", "grinder", "burr", "motor", "relay",
    "thermostat", "nozzle", "hose", "seal", "bearing", "fan", "compressor", "heater", "switch",
    "board", "display", "spring", "clamp", "cable",
]  # fmt: skip
RU = ["клапан", "насос", "фильтр", "датчик", "мотор", "реле", "шланг", "вентилятор"]
LIMIT = 6


def catalog(size: int, rng: random.Random) -> list[tuple[int, str]]:
    """``(part id, label)``: a number and an English name per part, a Russian one for some."""
    labels = []
    for part_id in range(1, size // 2 + 1):
        labels.append((part_id, f"{rng.choice('ABCDKLM')}{rng.choice('XPKT')}-{part_id:06d}"))
        name = " ".join(rng.sample(WORDS, 2)) + f" {rng.randint(10, 999)}"
        labels.append((part_id, name if part_id % 5 else f"{rng.choice(RU)} {name}"))
    return labels[:size]


def typo(label: str, rng: random.Random) -> str:
    """What someone types: a letter dropped or doubled, spaces lost, lower case."""
    text = label.lower()
    at = rng.randrange(len(text))
    text = text[:at] + text[at + 1 :] if rng.random() < 0.5 else text[:at] + text[at] + text[at:]
    return text.replace(" ", "") if rng.random() < 0.3 else text


def timed(work: list[str], search: object) -> float:
    started = time.perf_counter()
    for query in work:
        search(query)  # type: ignore[operator]
    return time.perf_counter() - started


async def service(size: int, labels: list[tuple[int, str]], work: list[str], runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/fuzzy.sqlite3"
        await upgrade(url)
        db = Database(url)
        rows = {}
        for part_id, label in labels:
            row = rows.setdefault(part_id, {"id": part_id, "number": label, "name": label})
            row["name"] = label
        async with db.transaction() as session:
            await session.execute(insert(Part), list(rows.values()))
        times = []
        for run in range(runs + 1):
            started = time.perf_counter()
            async with db.transaction() as session:
                for query in work:
                    await parts.search(session, query)
            times.append(time.perf_counter() - started)
            if run == 0:
                print(f"parts.search, first call (prepares {size:,} labels): {times[0]:.2f} s")
        each = sorted(times[1:])
        print(
            f"parts.search, {len(work)} queries on SQLite, prepared: "
            f"{each[0]:.3f} / {statistics.median(each):.3f} / {each[-1]:.3f} s"
        )
        await db.dispose()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--labels", type=int, default=100_000)
    options.add_argument("--queries", type=int, default=20)
    options.add_argument("--runs", type=int, default=5)
    args = options.parse_args()
    rng = random.Random(11)
    labels = catalog(args.labels, rng)
    work = [typo(rng.choice(labels)[1], rng) for _ in range(args.queries)]
    started = time.perf_counter()
    index = FuzzyIndex(labels)
    print(
        f"FuzzyIndex over {len(labels):,} labels prepared in {time.perf_counter() - started:.2f} s"
    )
    folded = [fold(label) for _, label in labels]

    def raw(query: str) -> object:
        return process.extract(
            fold(query),
            folded,
            scorer=fuzz.WRatio,
            processor=None,
            score_cutoff=DEFAULT_CUTOFF,
            limit=LIMIT,
        )

    ours, theirs = [], []
    for _ in range(args.runs):
        theirs.append(timed(work, raw))
        ours.append(timed(work, lambda query: index.search(query, LIMIT)))
    ratios = sorted(a / b for a, b in zip(ours, theirs, strict=True))
    print(
        f"{args.queries} queries, {args.runs} runs (s min/median/max): "
        f"raw extract {min(theirs):.3f}/{statistics.median(theirs):.3f}/{max(theirs):.3f}, "
        f"FuzzyIndex {min(ours):.3f}/{statistics.median(ours):.3f}/{max(ours):.3f}"
    )
    print(
        f"ratio FuzzyIndex ÷ raw: {ratios[0]:.2f} / {statistics.median(ratios):.2f} / "
        f"{ratios[-1]:.2f}  (target ≤ 1.2×: "
        f"{'met' if statistics.median(ratios) <= 1.2 else 'MISSED'})"
    )
    asyncio.run(service(len(labels), labels, work, args.runs))


if __name__ == "__main__":
    main()
