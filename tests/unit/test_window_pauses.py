"""Where a full Whisper window ends (sofacast.media.vad.pack_windows with the audio): at a long pause in its
later half, not at whatever breath the next span crosses 30 s at. Silero's padded spans touch where a pause
is shorter than twice its padding, so the pause is measured in the audio (pause_seconds)."""

from __future__ import annotations

import numpy as np

from sofacast.media.ffmpeg import SAMPLE_RATE
from sofacast.media.vad import Span, pack_windows, pause_seconds


def noise_with_pauses(seconds: float, pauses: dict[float, float]) -> np.ndarray:
    """Loud noise (speech, as far as energy goes) with silences of the given lengths centred on the given times."""
    audio = np.random.default_rng(0).normal(0.0, 0.1, int(seconds * SAMPLE_RATE)).astype(np.float32)
    for centre, length in pauses.items():
        audio[int((centre - length / 2) * SAMPLE_RATE):int((centre + length / 2) * SAMPLE_RATE)] = 0.0
    return audio


def test_pause_seconds_measures_the_quiet_around_a_point() -> None:
    audio = noise_with_pauses(10.0, {3.0: 0.6, 7.0: 0.15})
    assert abs(pause_seconds(audio, 3.0) - 0.6) <= 0.03
    assert abs(pause_seconds(audio, 7.0) - 0.15) <= 0.03
    assert pause_seconds(audio, 5.0) == 0.0  # inside speech


def test_a_full_window_ends_at_the_long_pause_not_at_the_breath_where_thirty_seconds_run_out() -> None:
    # Touching spans, as Silero pads them: a full stop (0.6 s) at 20 s, a breath inside a sentence (0.1 s) at 28 s.
    spans = [Span(0.0, 10.0), Span(10.0, 20.0), Span(20.0, 28.0), Span(28.0, 35.0)]
    audio = noise_with_pauses(35.0, {10.0: 0.3, 20.0: 0.6, 28.0: 0.1})
    assert pack_windows(spans) == [Span(0.0, 28.0), Span(28.0, 35.0)]  # without the audio: as full as fits
    assert pack_windows(spans, audio=audio) == [Span(0.0, 20.0), Span(20.0, 35.0)]


def test_the_longest_pause_wins_and_of_equally_long_ones_the_latest() -> None:
    spans = [Span(0.0, 16.0), Span(16.0, 24.0), Span(24.0, 29.0), Span(29.0, 40.0)]
    longest_first = noise_with_pauses(40.0, {16.0: 0.7, 24.0: 0.5, 29.0: 0.1})
    assert pack_windows(spans, audio=longest_first) == [Span(0.0, 16.0), Span(16.0, 40.0)]
    equally_long = noise_with_pauses(40.0, {16.0: 0.6, 24.0: 0.6, 29.0: 0.1})
    assert pack_windows(spans, audio=equally_long) == [Span(0.0, 24.0), Span(24.0, 40.0)]


def test_a_gap_between_spans_counts_as_a_pause_longer_than_any_touching_one() -> None:
    spans = [Span(0.0, 18.0), Span(18.5, 25.0), Span(25.0, 33.0)]  # 0.5 s between padded spans: over 1.3 s of quiet
    audio = noise_with_pauses(33.0, {18.25: 1.3, 25.0: 0.7})
    assert pack_windows(spans, audio=audio) == [Span(0.0, 18.0), Span(18.5, 33.0)]
