"""``fieldbot run`` counting the SQL statements it executes, for ``benchmarks/inbound.py
--statements``: on SIGUSR1 the count so far is written to the file named by
``BENCH_STATEMENTS_FILE`` (the benchmark reads it before and after a case). Run:

    python benchmarks/counted_run.py   (with the environment of ``fieldbot run``)
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

executed = 0
kinds: Counter[str] = Counter()  # statements by their first words, for the curious


def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
    global executed
    executed += 1
    kinds[" ".join(statement.split()[:6])[:70]] += 1


def write(*_: Any) -> None:
    path = Path(os.environ["BENCH_STATEMENTS_FILE"])
    path.with_suffix(".kinds").write_text(
        "\n".join(f"{n} {kind}" for kind, n in kinds.most_common())
    )
    path.write_text(str(executed))


if __name__ == "__main__":
    event.listen(Engine, "before_cursor_execute", count)
    signal.signal(signal.SIGUSR1, write)
    sys.argv = ["fieldbot", "run"]
    runpy.run_module("bot.cli", run_name="__main__")
