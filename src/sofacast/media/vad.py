"""Voice activity (Silero, shipped inside faster-whisper) and the plan of chunks transcribed in parallel."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from sofacast.media.ffmpeg import SAMPLE_RATE

# Silences at least this long may end a chunk; shorter pauses sit inside sentences.
MIN_SILENCE_MS = 300
# Speech padding kept around each chunk, so no word is clipped at a cut.
PAD_SECONDS = 0.2


@dataclass(frozen=True)
class Span:
    start: float
    end: float


def speech_spans(audio: np.ndarray, min_silence_ms: int = MIN_SILENCE_MS) -> list[Span]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    stamps = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=min_silence_ms))
    return [Span(float(s["start"]) / SAMPLE_RATE, float(s["end"]) / SAMPLE_RATE) for s in stamps]


def plan_chunks(audio: np.ndarray, target_seconds: float, max_gap_seconds: float = 2.0,
                spans: list[Span] | None = None) -> list[Span]:
    """Group speech into chunks of about `target_seconds`, cut in the middle of silences.

    Each chunk is decoded on its own (in parallel), so cuts must fall where nobody speaks. A silence
    longer than `max_gap_seconds` is left out of every chunk: Whisper has nothing to hear there.
    `spans`: the audio's speech, when the caller has found it already.
    """
    duration = len(audio) / SAMPLE_RATE
    spans = speech_spans(audio) if spans is None else spans
    if not spans:
        return []
    chunks: list[Span] = []
    start = max(0.0, spans[0].start - PAD_SECONDS)
    for previous, following in itertools.pairwise(spans):
        gap = following.start - previous.end
        long_enough = previous.end - start >= target_seconds
        if gap > max_gap_seconds or long_enough:
            cut = previous.end + min(gap / 2, PAD_SECONDS * 2)
            chunks.append(Span(start, cut))
            start = max(cut, following.start - min(gap / 2, PAD_SECONDS * 2))
    chunks.append(Span(start, min(duration, spans[-1].end + PAD_SECONDS * 2)))
    return chunks


def speech_seconds(spans: list[Span], start: float, end: float) -> float:
    """How much of [start, end] is speech."""
    return sum(max(0.0, min(end, span.end) - max(start, span.start)) for span in spans)
