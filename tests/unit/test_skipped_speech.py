"""Speech no decoded word covers (sofacast.transcribe.faster_whisper_engine.skipped_stretches): a window
that leaves seconds of speech uncovered has those stretches decoded again, on their own, without names."""

from __future__ import annotations

from sofacast.media.vad import Span, speech_seconds
from sofacast.records import Segment, Word
from sofacast.transcribe.faster_whisper_engine import SKIPPED_SPEECH_SECONDS, skipped_stretches

WINDOW = Span(100.0, 160.0)
SPEECH = [Span(100.2, 130.0), Span(131.0, 159.8)]


def words_between(start: float, end: float) -> Segment:
    times = [start + i * 0.4 for i in range(int((end - start) / 0.4))]
    return Segment(0, start, end, "x", [Word(t, t + 0.35, " x") for t in times])


def test_words_that_cover_the_speech_leave_nothing() -> None:
    assert skipped_stretches([words_between(100.2, 129.9), words_between(131.0, 159.7)], WINDOW, SPEECH) == []


def test_an_opening_left_out_is_decoded_again() -> None:  # seen: tiny.en with hotwords dropped an 11 s welcome
    assert skipped_stretches([words_between(111.2, 129.9), words_between(131.0, 159.7)], WINDOW, SPEECH) == [Span(100.2, 111.2)]


def test_speech_left_out_in_the_middle_or_at_the_end_is_decoded_again() -> None:  # seen: a 23 s answer dropped
    middle = skipped_stretches([words_between(100.2, 120.0), words_between(143.0, 159.7)], WINDOW, SPEECH)
    assert len(middle) == 1 and abs(middle[0].start - 119.95) < 0.5 and middle[0].end == 143.0
    end = skipped_stretches([words_between(100.2, 129.9), words_between(131.0, 150.0)], WINDOW, SPEECH)
    assert len(end) == 1 and abs(end[0].start - 149.95) < 0.5 and end[0].end == 159.8  # trimmed to the speech


def test_a_long_silence_without_words_is_not_decoded_again() -> None:
    speech = [Span(100.2, 120.0), Span(140.0, 159.8)]  # twenty seconds of nothing said
    assert skipped_stretches([words_between(100.2, 119.9), words_between(140.0, 159.7)], WINDOW, speech) == []


def test_segments_without_word_timings_are_judged_by_their_bounds() -> None:
    assert skipped_stretches([Segment(0, 115.0, 159.7, "late start")], WINDOW, SPEECH) == [Span(100.2, 115.0)]
    assert skipped_stretches([Segment(0, 100.2, 159.7, "all of it")], WINDOW, SPEECH) == []


def test_speech_seconds_counts_only_the_overlap() -> None:
    assert speech_seconds(SPEECH, 125.0, 135.0) == 5.0 + 4.0
    assert SKIPPED_SPEECH_SECONDS == 2.0
