"""Reading Telegram's flood limits back from a log of send times: the most sends any window
of a given length holds, which a test compares with the limit it set."""

from __future__ import annotations

JITTER = 0.05  # seconds the sandbox's clock may see two of our sends closer than we sent them


def most_in_any_window(times: list[float], seconds: float) -> int:
    """The most of ``times`` that fall within any ``seconds`` from one of them (less JITTER)."""
    times = sorted(times)
    return max(
        (
            sum(1 for other in times[i:] if other < start + seconds - JITTER)
            for i, start in enumerate(times)
        ),
        default=0,
    )
