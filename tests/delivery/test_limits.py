"""The flood windows count a send from when it finished, and hold its slot while in flight:
a slow request can never let the next one reach Telegram too soon."""

from __future__ import annotations

import pytest

from bot.delivery.limits import IN_FLIGHT_POLL, WINDOW_MARGIN, Rate, SendLimits, SlidingWindow


def test_n_sends_per_window() -> None:
    window = SlidingWindow(Rate(2, 1.0))
    for moment in (0.0, 0.1):
        assert window.wait(moment) == 0.0
        window.start()
        window.finish(moment)
    assert window.wait(0.2) == pytest.approx(1.0 + WINDOW_MARGIN - 0.2)  # the first leaves first
    assert window.wait(1.1) == 0.0


def test_a_send_in_flight_holds_its_slot_and_counts_from_its_end() -> None:
    limits = SendLimits(Rate(30, 1.0), Rate(1, 1.0), Rate(20, 60.0))
    limits.start(42)
    assert limits.wait(42, 0.5) == IN_FLIGHT_POLL  # still in flight: nothing to count down yet
    assert limits.wait(43, 0.5) == 0.0  # other chats are free
    limits.finish(42, 3.0)  # a slow answer: Telegram may have seen it as late as this
    assert limits.wait(42, 3.5) == pytest.approx(1.0 + WINDOW_MARGIN - 0.5)
    assert limits.wait(42, 4.1) == 0.0


def test_an_album_takes_a_slot_per_message() -> None:
    limits = SendLimits(Rate(30, 1.0), Rate(1, 1.0), Rate(20, 60.0))
    group = -100500
    limits.start(group, 10)
    limits.finish(group, 0.0, 10)
    assert limits.wait(group, 0.1, 10) == 0.0  # twenty messages fit in the group's minute
    limits.start(group, 10)
    limits.finish(group, 0.1, 10)
    assert limits.wait(group, 0.2) == pytest.approx(60.0 + WINDOW_MARGIN - 0.2)


def test_an_album_larger_than_the_window_waits_for_an_empty_one() -> None:
    window = SlidingWindow(Rate(1, 1.0))  # a private chat
    assert window.wait(0.0, 10) == 0.0
    window.start(10)
    assert window.wait(0.5, 10) == IN_FLIGHT_POLL
    window.finish(0.5, 10)
    assert window.wait(1.0) == pytest.approx(1.0 + WINDOW_MARGIN - 0.5)
    assert window.wait(1.6, 10) == 0.0
