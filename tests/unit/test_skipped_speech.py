"""The guard on names given as hotwords (sofacast.transcribe.faster_whisper_engine.skipped_speech): a chunk
whose decoded words leave seconds of speech uncovered is decoded again without them."""

from __future__ import annotations

from sofacast.media.vad import Span, speech_seconds
from sofacast.records import Segment, Word
from sofacast.transcribe.faster_whisper_engine import SKIPPED_SPEECH_SECONDS, skipped_speech

CHUNK = Span(100.0, 160.0)
SPEECH = [Span(100.2, 130.0), Span(131.0, 159.8)]


def words_between(start: float, end: float) -> Segment:
    times = [start + i * 0.4 for i in range(int((end - start) / 0.4))]
    return Segment(0, start, end, "x", [Word(t, t + 0.35, " x") for t in times])


def test_words_that_cover_the_speech_are_no_skip() -> None:
    assert not skipped_speech([words_between(100.2, 129.9), words_between(131.0, 159.7)], CHUNK, SPEECH)


def test_an_opening_left_out_is_a_skip() -> None:  # seen: tiny.en with hotwords dropped an 11 s welcome
    assert skipped_speech([words_between(111.2, 129.9), words_between(131.0, 159.7)], CHUNK, SPEECH)


def test_speech_left_out_in_the_middle_or_at_the_end_is_a_skip() -> None:  # seen: a 23 s answer dropped
    assert skipped_speech([words_between(100.2, 120.0), words_between(143.0, 159.7)], CHUNK, SPEECH)
    assert skipped_speech([words_between(100.2, 129.9), words_between(131.0, 150.0)], CHUNK, SPEECH)


def test_a_long_silence_without_words_is_no_skip() -> None:
    speech = [Span(100.2, 120.0), Span(140.0, 159.8)]  # twenty seconds of nothing said
    assert not skipped_speech([words_between(100.2, 119.9), words_between(140.0, 159.7)], CHUNK, speech)


def test_segments_without_word_timings_are_judged_by_their_bounds() -> None:
    assert skipped_speech([Segment(0, 115.0, 159.7, "late start")], CHUNK, SPEECH)
    assert not skipped_speech([Segment(0, 100.2, 159.7, "all of it")], CHUNK, SPEECH)


def test_speech_seconds_counts_only_the_overlap() -> None:
    assert speech_seconds(SPEECH, 125.0, 135.0) == 5.0 + 4.0
    assert SKIPPED_SPEECH_SECONDS == 2.0
