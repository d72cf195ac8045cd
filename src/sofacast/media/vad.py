"""Voice activity (Silero, shipped inside faster-whisper) and how speech is cut for decoding.

One pass of voice activity serves both transcription and speakers: Whisper's windows are cut at its
pauses, and the speaker encoder's windows never cross one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from sofacast.media.ffmpeg import SAMPLE_RATE

# Silences at least this long end a span. Speaker turns often change at pauses this quick, and
# faster-whisper's batched pipeline cuts its windows at 160 ms pauses too.
MIN_SILENCE_MS = 150
# Whisper hears 30 s at a time; Silero cuts longer speech at its quietest point.
WINDOW_SECONDS = 30.0
# A silence longer than this is left out of every window: Whisper has nothing to hear there.
MAX_GAP_SECONDS = 2.0
# Voice activity is found this much audio at a time, hearing this much before and after (see speech_spans).
BLOCK_SECONDS = 600.0
CONTEXT_SECONDS = 5.0
# Speech padding kept around each chunk, so no word is clipped at a cut.
PAD_SECONDS = 0.2


@dataclass(frozen=True)
class Span:
    start: float
    end: float


def speech_spans(audio: np.ndarray, min_silence_ms: int = MIN_SILENCE_MS, block_seconds: float = BLOCK_SECONDS) -> list[Span]:
    """Speech, none longer than one Whisper window, found `block_seconds` at a time.

    Silero over a whole hour holds two more copies of the audio (padded, and cut into overlapping
    frames): a block at a time keeps that to minutes. Each block is heard with a few seconds before
    and after it, so Silero's state has settled and its padding is whole at the block's edges; then
    its spans are clipped to the block, and speech running across a block's end is joined again.
    """
    block, duration = int(block_seconds * SAMPLE_RATE), len(audio) / SAMPLE_RATE
    spans: list[Span] = []
    for first in range(0, len(audio), block):
        start, end = first / SAMPLE_RATE, min(duration, (first + block) / SAMPLE_RATE)
        heard_from = max(0.0, start - CONTEXT_SECONDS)
        heard = audio[int(heard_from * SAMPLE_RATE):int((end + CONTEXT_SECONDS) * SAMPLE_RATE)]
        for span in _silero(heard, min_silence_ms):
            span = Span(max(start, span.start + heard_from), min(end, span.end + heard_from))
            if span.end <= span.start:
                continue
            if spans and span.start == start == spans[-1].end and span.end - spans[-1].start <= WINDOW_SECONDS:
                spans[-1] = Span(spans[-1].start, span.end)
            else:
                spans.append(span)
    return spans


def _silero(audio: np.ndarray, min_silence_ms: int) -> list[Span]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=min_silence_ms, max_speech_duration_s=WINDOW_SECONDS)
    stamps = get_speech_timestamps(audio, options)
    return [Span(float(s["start"]) / SAMPLE_RATE, float(s["end"]) / SAMPLE_RATE) for s in stamps]


def pack_windows(spans: list[Span], seconds: float = WINDOW_SECONDS, max_gap_seconds: float = MAX_GAP_SECONDS) -> list[Span]:
    """Consecutive speech gathered into windows as full as fit in `seconds`, each starting and ending
    with speech, so each can be decoded on its own and in a batch with the others."""
    windows: list[Span] = []
    for span in _no_longer_than(spans, seconds):
        if windows and span.end - windows[-1].start <= seconds and span.start - windows[-1].end <= max_gap_seconds:
            windows[-1] = Span(windows[-1].start, span.end)
        else:
            windows.append(span)
    return windows


def _no_longer_than(spans: list[Span], seconds: float) -> Iterator[Span]:
    for span in spans:
        start = span.start
        while span.end - start > seconds:  # only if Silero's own cut failed: cut blindly
            yield Span(start, start + seconds)
            start += seconds
        yield Span(start, span.end)


def plan_chunks(audio: np.ndarray, target_seconds: float, max_gap_seconds: float = MAX_GAP_SECONDS,
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
