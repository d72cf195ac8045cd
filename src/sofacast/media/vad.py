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
# Silero pads each span with this much audio; a shorter silence than twice it is shared out between the two
# spans around it, so they touch, and how long that silence was is no longer in the spans (see pause_seconds).
SPEECH_PAD_SECONDS = 0.4
# A full window ends at the longest pause in its part past this share of WINDOW_SECONDS, not at whatever
# pause the next span happens to cross 30 s at: one cut at a 0.2 s breath inside a sentence made tiny.en skip
# the 18 words after it (samples/recordings/undersea-cables.mp3), and a window that ended 0.1 s
# after a short answer ("Some do.") dropped it. benchmarks/bench_transcribe.py measures it.
MIN_WINDOW_SHARE = 0.5


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

    options = VadOptions(min_silence_duration_ms=min_silence_ms, max_speech_duration_s=WINDOW_SECONDS,
                         speech_pad_ms=round(SPEECH_PAD_SECONDS * 1000))
    stamps = get_speech_timestamps(audio, options)
    return [Span(float(s["start"]) / SAMPLE_RATE, float(s["end"]) / SAMPLE_RATE) for s in stamps]


def pack_windows(spans: list[Span], seconds: float = WINDOW_SECONDS, max_gap_seconds: float = MAX_GAP_SECONDS,
                 audio: np.ndarray | None = None) -> list[Span]:
    """Consecutive speech gathered into windows of up to `seconds`, each starting and ending with speech,
    so each can be decoded on its own and in a batch with the others.

    A window that the next span would take past `seconds` ends at the longest pause in its later part
    (past MIN_WINDOW_SHARE of it; the latest of equally long ones, so windows stay full): Whisper hears
    a window on its own, so a cut inside a sentence loses words on both sides of it. A gap
    between spans is a pause of more than twice Silero's padding; where spans touch, the pause is measured
    in `audio` (without it, touching spans count as no pause, and the window is as full as fits).
    """
    pieces = list(_no_longer_than(spans, seconds))
    windows: list[Span] = []
    first = 0
    while first < len(pieces):
        start, last = pieces[first].start, first
        while (last + 1 < len(pieces) and pieces[last + 1].end - start <= seconds
               and pieces[last + 1].start - pieces[last].end <= max_gap_seconds):
            last += 1
        if last + 1 < len(pieces) and pieces[last + 1].start - pieces[last].end <= max_gap_seconds:  # full
            later = [k for k in range(first, last + 1) if pieces[k].end - start >= MIN_WINDOW_SHARE * seconds]
            if later:
                last = max(later, key=lambda k: (round(_pause_after(pieces, k, audio), 2), k))
        windows.append(Span(start, pieces[last].end))
        first = last + 1
    return windows


def _pause_after(spans: list[Span], k: int, audio: np.ndarray | None) -> float:
    gap = spans[k + 1].start - spans[k].end
    if gap > 0:
        return gap + 2 * SPEECH_PAD_SECONDS
    return pause_seconds(audio, spans[k].end) if audio is not None else 0.0


def pause_seconds(audio: np.ndarray, at: float, reach: float = SPEECH_PAD_SECONDS, context: float = 1.0) -> float:
    """How long the quiet around `at` lasts (up to `reach` either side): 10 ms frames 20 dB under the
    loud frames of the `context` seconds around it. Where Silero's padded spans touch, `at` is the middle
    of a pause shorter than twice its padding; this tells a breath from a full stop (measured against
    Silero's own unpadded silences on the benchmark interview: correlation 0.88)."""
    hop = SAMPLE_RATE // 100
    low, high = max(0, int((at - context) * SAMPLE_RATE)), min(len(audio), int((at + context) * SAMPLE_RATE))
    frames = (high - low) // hop
    if frames == 0:
        return 0.0
    rms = np.sqrt(np.square(audio[low:low + frames * hop].reshape(frames, hop), dtype=np.float64).mean(axis=1))
    quiet = rms <= 0.1 * np.percentile(rms, 90)
    centre = min(frames - 1, max(0, int((at * SAMPLE_RATE - low) / hop)))
    if not quiet[centre]:
        return 0.0
    steps = round(reach * 100)
    left = centre
    while left > 0 and quiet[left - 1] and centre - left < steps:
        left -= 1
    right = centre
    while right < frames - 1 and quiet[right + 1] and right - centre < steps:
        right += 1
    return (right - left + 1) / 100


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
