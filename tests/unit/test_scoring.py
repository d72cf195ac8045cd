"""The scoring helpers the tests and benchmarks share (tests/scoring.py): what counts as the same word."""

from __future__ import annotations

import pytest

from tests.scoring import normalize_words, word_error_rate


@pytest.mark.parametrize(("written", "said"), [
    ("5-5, 8 of spades", "Five, five, eight of spades"),
    ("10 years", "ten years"),
    ("42 states", "forty-two states"),
    ("Mr. Dashwood", "mister Dashwood"),
    ("Okay.", "OK"),
    ("the defence", "the defense"),
])
def test_a_word_written_another_way_is_the_same_word(written: str, said: str) -> None:
    assert normalize_words(written) == normalize_words(said)
    assert word_error_rate(said, written) == 0.0


def test_large_numbers_stay_as_written_and_different_words_still_count() -> None:
    assert normalize_words("In 2026, 100 cables") == ["in", "2026", "100", "cables"]
    assert word_error_rate("ten of clubs", "10 of clothes") == pytest.approx(1 / 3)
