"""Voice activity and chunk planning (sofacast.media.vad).

`plan_chunks` is tested on hand-made speech spans (speech_spans patched), so its rules are checked
exactly: cuts fall in silences, a chunk closes at the first silence after its speech reaches the
target, silences longer than `max_gap_seconds` are left out, and every span lies in one chunk, in
order, without overlap. `speech_spans` runs the real Silero model on a few seconds of synthetic
vowels at 16 kHz (tens of milliseconds).
"""

from __future__ import annotations

import itertools
import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sofacast.media import vad
from sofacast.media.ffmpeg import SAMPLE_RATE
from sofacast.media.vad import PAD_SECONDS, WINDOW_SECONDS, Span, pack_windows, plan_chunks, speech_spans

EPS = 1e-9

# --- synthetic speech: vowels as harmonics of a pitch shaped by formants --------------------------

_VOWELS = [(730, 1090, 2440), (270, 2290, 3010), (300, 870, 2240), (530, 1840, 2480), (570, 840, 2410)]


def _syllable(seconds: float, pitch: float, formants: tuple[int, int, int]) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    phase = 2 * np.pi * np.cumsum(pitch * (1 + 0.08 * np.sin(2 * np.pi * 2 * t))) / SAMPLE_RATE
    signal = np.zeros_like(t)
    for k in range(1, int(4000 / pitch)):
        gain = sum(1 / (1 + ((k * pitch - f) / (60 + 0.06 * f)) ** 2) for f in formants)
        signal += gain * np.sin(k * phase) / math.sqrt(k)
    return signal * np.sin(np.pi * np.arange(len(t)) / len(t)) ** 0.5


def voice(seconds: float, pitch: float = 120.0) -> np.ndarray:
    parts = [_syllable(0.25, pitch * (1 + 0.05 * (i * 7 % 3)), _VOWELS[i * 3 % 5]) for i in range(int(seconds / 0.25))]
    signal = np.concatenate(parts)
    return (0.3 * signal / np.abs(signal).max()).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), np.float32)


def lazy_audio(seconds: float) -> np.ndarray:
    """An audio array of that duration without the memory (only its length matters once speech_spans is patched)."""
    return np.broadcast_to(np.float32(0.0), (math.ceil(seconds * SAMPLE_RATE),))


def planned(spans: list[Span], seconds: float, target: float, max_gap: float = 2.0) -> list[Span]:
    with mock.patch.object(vad, "speech_spans", return_value=spans):
        return plan_chunks(lazy_audio(seconds), target, max_gap)


# --- speech_spans on synthetic audio --------------------------------------------------------------

def test_speech_spans_find_each_burst_of_vowels_between_silences() -> None:
    bursts = [(1.0, 2.5), (4.5, 6.0)]
    audio = np.concatenate([silence(1.0), voice(1.5), silence(2.0), voice(1.5), silence(1.5)])
    spans = speech_spans(audio)
    assert len(spans) == len(bursts)
    for span, (start, end) in zip(spans, bursts, strict=True):
        assert start - 0.6 <= span.start <= start + 0.3  # Silero pads speech by up to 0.4 s
        assert end - 0.3 <= span.end <= end + 0.6
    assert not any(span.start <= 3.5 <= span.end for span in spans)  # the middle of the long silence


def test_speech_found_block_by_block_is_the_speech_found_at_once() -> None:
    """An hour is searched ten minutes at a time: a block's end inside speech must not split it."""
    audio = np.concatenate([silence(3.0), voice(3.0), silence(2.0), voice(1.5), silence(1.5),
                            voice(2.0), silence(3.0)])
    whole = speech_spans(audio)
    # Blocks of a few seconds, heard with less context than the real ten-minute blocks, so each block
    # is heard apart: the block ends fall inside bursts and inside pauses.
    with mock.patch.object(vad, "CONTEXT_SECONDS", 3.0):
        blocked_runs = {block: speech_spans(audio, block_seconds=block) for block in (2.0, 2.5, 4.5, 5.0)}
    for block_seconds, blocked in blocked_runs.items():
        assert len(blocked) == len(whole), block_seconds
        for one, other in zip(whole, blocked, strict=True):
            # Silero restarted a few seconds earlier pads a span's edges a little differently (measured: ≤ 0.3 s).
            assert abs(one.start - other.start) <= 0.3 and abs(one.end - other.end) <= 0.3, (block_seconds, whole, blocked)


def test_speech_spans_of_silence_are_empty() -> None:
    assert speech_spans(silence(3.0)) == []


def test_a_pause_shorter_than_min_silence_does_not_split_speech() -> None:
    audio = np.concatenate([silence(0.5), voice(1.5), silence(1.0), voice(1.5), silence(0.5)])
    assert len(speech_spans(audio)) == 2  # the default 300 ms: a one-second pause separates
    assert len(speech_spans(audio, min_silence_ms=2000)) == 1


def test_plan_chunks_on_real_voice_activity_leaves_long_silences_out() -> None:
    audio = np.concatenate([silence(1.0), voice(1.5), silence(4.0), voice(1.5), silence(1.0)])
    chunks = plan_chunks(audio, target_seconds=60.0)
    assert len(chunks) == 2
    assert chunks[0].start <= 1.0 and chunks[0].end >= 2.5
    assert chunks[1].start <= 6.5 and chunks[1].end >= 8.0
    assert chunks[1].start - chunks[0].end > 2.0  # most of the 4-second silence is decoded by nobody


def test_no_speech_plans_no_chunks() -> None:
    assert plan_chunks(silence(2.0), target_seconds=30.0) == []


# --- plan_chunks on hand-made spans ---------------------------------------------------------------

def test_a_chunk_closes_at_the_first_silence_after_reaching_the_target() -> None:
    spans = [Span(0.5 + 10.5 * i, 10.5 + 10.5 * i) for i in range(6)]  # 10 s of speech, then 0.5 s pauses
    chunks = planned(spans, 64.0, target=30.0)
    assert len(chunks) == 2
    assert chunks[0] == Span(0.5 - PAD_SECONDS, 31.5 + 0.25)  # three spans reach 30 s; cut mid-pause
    assert chunks[1].start == chunks[0].end  # a short pause is split between its neighbours, not dropped
    assert chunks[1].end == 63.0 + 2 * PAD_SECONDS


def test_speech_without_any_silence_stays_one_chunk_longer_than_the_target() -> None:
    chunks = planned([Span(1.0, 301.0)], 301.1, target=60.0)
    assert chunks == [Span(1.0 - PAD_SECONDS, 301.1)]  # padding never runs past the end of the audio


def test_a_silence_longer_than_max_gap_ends_a_chunk_early() -> None:
    chunks = planned([Span(1.0, 3.0), Span(8.0, 10.0)], 12.0, target=60.0)
    assert chunks == [Span(0.8, 3.0 + 2 * PAD_SECONDS), Span(8.0 - 2 * PAD_SECONDS, 10.0 + 2 * PAD_SECONDS)]


def test_short_pauses_under_the_target_do_not_split() -> None:
    chunks = planned([Span(1.0, 3.0), Span(4.0, 6.0), Span(7.5, 9.0)], 10.0, target=60.0)
    assert chunks == [Span(0.8, 9.0 + 2 * PAD_SECONDS)]


@st.composite
def speech(draw: st.DrawFn) -> tuple[list[Span], float]:
    pieces = draw(st.lists(st.tuples(st.floats(0.0, 8.0), st.floats(0.05, 40.0)), min_size=1, max_size=25))
    spans, time = [], 0.0
    for gap, length in pieces:
        start = round(time + gap, 3)
        spans.append(Span(start, round(start + length, 3)))
        time = spans[-1].end
    return spans, time + draw(st.floats(0.0, 5.0))


@settings(max_examples=300, deadline=None)
@given(speech(), st.floats(1.0, 120.0), st.floats(0.5, 5.0))
def test_chunks_cover_all_speech_in_order_and_cut_only_in_silence(sample: tuple[list[Span], float], target: float,
                                                                   max_gap: float) -> None:
    spans, duration = sample
    chunks = planned(spans, duration, target, max_gap)
    assert chunks[0].start >= 0.0 and chunks[-1].end <= len(lazy_audio(duration)) / SAMPLE_RATE
    assert all(c.start < c.end for c in chunks)
    assert all(a.end <= b.start + EPS for a, b in itertools.pairwise(chunks))  # in order, no overlap
    members: list[list[Span]] = [[] for _ in chunks]
    for span in spans:  # every span lies wholly inside exactly one chunk: no cut inside speech
        holders = [i for i, c in enumerate(chunks) if c.start - EPS <= span.start and span.end <= c.end + EPS]
        assert len(holders) == 1, (span, chunks)
        members[holders[0]].append(span)
    assert [s for group in members for s in group] == spans  # chunks take the spans in order
    for index, (chunk, group) in enumerate(zip(chunks, members, strict=True)):
        assert group, "a chunk without speech"
        assert group[0].start - chunk.start <= 2 * PAD_SECONDS + EPS  # only padding around the speech
        assert chunk.end - group[-1].end <= 2 * PAD_SECONDS + EPS
        assert all(b.start - a.end <= max_gap for a, b in itertools.pairwise(group))  # long silences are cut out
        if len(group) > 1:  # no earlier silence was passed over after the target was reached
            assert group[-2].end - chunk.start < target
        if index + 1 < len(chunks):  # a chunk ends early only at a long silence
            following = members[index + 1][0]
            assert group[-1].end - chunk.start >= target or following.start - group[-1].end > max_gap


# --- pack_windows: speech gathered into Whisper windows ----------------------------------------------

def test_windows_fill_up_to_thirty_seconds_and_start_and_end_with_speech() -> None:
    spans = [Span(0.5 + 10.5 * i, 10.5 + 10.5 * i) for i in range(6)]  # 10 s of speech, then 0.5 s pauses
    assert pack_windows(spans) == [Span(0.5, 21.0), Span(21.5, 42.0), Span(42.5, 63.0)]  # a third span would pass 30 s


def test_a_long_silence_ends_a_window_and_is_left_out() -> None:
    assert pack_windows([Span(1.0, 3.0), Span(8.0, 10.0)]) == [Span(1.0, 3.0), Span(8.0, 10.0)]
    assert pack_windows([Span(1.0, 3.0), Span(4.5, 10.0)]) == [Span(1.0, 10.0)]


def test_speech_longer_than_a_window_is_cut_into_windows() -> None:
    assert pack_windows([Span(0.0, 70.0)]) == [Span(0.0, 30.0), Span(30.0, 60.0), Span(60.0, 70.0)]


@settings(max_examples=300, deadline=None)
@given(speech(), st.floats(0.5, 5.0))
def test_windows_hold_all_speech_in_order_and_never_pass_thirty_seconds(sample: tuple[list[Span], float], max_gap: float) -> None:
    spans, _duration = sample
    windows = pack_windows(spans, max_gap_seconds=max_gap)
    assert all(w.end - w.start <= WINDOW_SECONDS + EPS for w in windows)
    assert all(a.end <= b.start for a, b in itertools.pairwise(windows))
    for span in spans:  # every moment of speech lies in a window
        covered = sum(max(0.0, min(w.end, span.end) - max(w.start, span.start)) for w in windows)
        assert math.isclose(covered, span.end - span.start, abs_tol=1e-6)


@pytest.mark.slow
def test_real_speech_found_block_by_block_covers_the_same_time() -> None:
    """On a real recording, blocks much shorter than the real ten minutes: speech lost or gained at the
    block ends stays under 1% of the speech (measured on the benchmark interview: 0.15 s and 0.37 s of 242 s)."""
    from pathlib import Path

    from sofacast.media import ffmpeg

    audio = ffmpeg.decode(Path(__file__).parents[1] / "data" / "interviews" / "city-signals.mp3")

    def centiseconds(spans: list[Span]) -> np.ndarray:
        mask = np.zeros(len(audio) // 160 + 1, bool)
        for span in spans:
            mask[int(span.start * 100):int(span.end * 100)] = True
        return mask

    whole = centiseconds(speech_spans(audio, block_seconds=len(audio) / SAMPLE_RATE + 1))
    blocked = centiseconds(speech_spans(audio, block_seconds=10.0))
    assert whole.sum() > 1000  # there is speech to compare
    assert (whole ^ blocked).sum() <= 0.01 * whole.sum()
