"""Which ratings the managers hear of: the service decides, the notices only word it."""

from __future__ import annotations

import pytest

from bot.services import closing


@pytest.mark.parametrize(("rating", "low"), [(1, True), (2, True), (3, False), (5, False)])
def test_ratings_of_two_or_less_are_low(rating: int, low: bool) -> None:
    assert closing.is_low(rating) is low
