"""Who spoke when, from the voice alone: Silero speech spans, GE2E window embeddings, clustering.

Windows of 1.5 s every 0.75 s never cross a pause that Silero hears (the same voice activity the
transcription was cut at, found once), so turn changes at pauses are exact; changes inside continuous
speech are located to about one hop. Clustering is in `clustering`; the expected speaker count
(hosts + guests) guides it when known.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sofacast.media.ffmpeg import SAMPLE_RATE
from sofacast.media.vad import Span, speech_spans
from sofacast.records import SpeakerTurn
from sofacast.speakers.clustering import cluster_speakers, unit
from sofacast.speakers.voice_encoder import FRAMES_PER_SECOND, VoiceEncoder, mel_frames, volume_gain

# Called with (windows embedded so far, windows in all).
Progress = Callable[[int, int], None]

WINDOW_SECONDS = 1.5
HOP_SECONDS = 0.75
MIN_WINDOW_SECONDS = 0.4
GRID_SECONDS = 0.05
# Same-speaker speech separated by a pause shorter than this is one turn.
JOIN_PAUSE_SECONDS = 1.0


@dataclass
class Diarization:
    turns: list[SpeakerTurn]
    method: str  # "voices" (embeddings) or "channels" (one speaker per stereo channel)
    voiceprints: dict[str, np.ndarray] = field(default_factory=dict)  # label -> mean embedding


@dataclass(frozen=True)
class _Window:
    start: float
    end: float


def plan_windows(spans: list[Span]) -> list[_Window]:
    windows = []
    for span in spans:
        length = span.end - span.start
        if length < MIN_WINDOW_SECONDS:
            continue
        if length <= WINDOW_SECONDS:
            windows.append(_Window(span.start, span.end))
            continue
        count = int(np.ceil((length - WINDOW_SECONDS) / HOP_SECONDS)) + 1
        starts = np.linspace(span.start, span.end - WINDOW_SECONDS, count)
        windows += [_Window(float(s), float(s) + WINDOW_SECONDS) for s in starts]
    return windows


def embed_windows(audio: np.ndarray, windows: list[_Window], encoder: VoiceEncoder, batch: int = 64,
                  on_progress: Progress | None = None) -> np.ndarray:
    """One embedding per window, equal-length windows batched together; reports windows done."""
    mels = mel_frames(audio, volume_gain(audio))
    by_length: dict[int, list[int]] = defaultdict(list)
    slices = []
    for index, window in enumerate(windows):
        first = round(window.start * FRAMES_PER_SECOND)
        last = min(len(mels), round(window.end * FRAMES_PER_SECOND))
        slices.append((first, last))
        by_length[last - first].append(index)
    embeddings = np.zeros((len(windows), 256), np.float32)
    done = 0
    for indices in by_length.values():
        for offset in range(0, len(indices), batch):
            group = indices[offset:offset + batch]
            embeddings[group] = encoder.embed(np.stack([mels[slices[i][0]:slices[i][1]] for i in group]))
            done += len(group)
            if on_progress:
                on_progress(done, len(windows))
    return embeddings


def turns_from_windows(windows: list[_Window], labels: np.ndarray, names: dict[int, str], spans: list[Span],
                       duration: float) -> list[SpeakerTurn]:
    """Vote on a fine time grid inside speech, then join each speaker's runs into turns."""
    steps = int(np.ceil(duration / GRID_SECONDS)) + 1
    count = int(labels.max()) + 1 if len(labels) else 0
    votes = np.zeros((steps, max(count, 1)), np.float32)
    for window, label in zip(windows, labels, strict=True):
        first, last = int(window.start / GRID_SECONDS), int(np.ceil(window.end / GRID_SECONDS))
        # Weigh a window's middle above its edges: the middle is what it heard best.
        votes[first:last, label] += np.hanning(last - first + 2)[1:-1]
    in_speech = np.zeros(steps, bool)
    for span in spans:
        in_speech[int(span.start / GRID_SECONDS):int(np.ceil(span.end / GRID_SECONDS))] = True
    grid = np.where(in_speech & (votes.sum(axis=1) > 0), votes.argmax(axis=1), -1)
    grid = _fill_unvoted_speech(grid, in_speech)
    return _join(_runs(grid), names)


def _fill_unvoted_speech(grid: np.ndarray, in_speech: np.ndarray) -> np.ndarray:
    """Speech too short to embed on its own takes the label of the nearest voted speech."""
    voted = np.flatnonzero(grid >= 0)
    if len(voted) == 0:
        return grid
    missing = np.flatnonzero(in_speech & (grid < 0))
    if len(missing):
        nearest = np.clip(np.searchsorted(voted, missing), 1, len(voted) - 1)
        left, right = voted[nearest - 1], voted[nearest]
        choose = np.where(missing - left <= right - missing, left, right)
        grid = grid.copy()
        grid[missing] = grid[choose]
    return grid


def order_labels(windows: list[_Window], labels: np.ndarray) -> dict[int, str]:
    """S1, S2, ... in order of first appearance."""
    names: dict[int, str] = {}
    for index in np.argsort([w.start for w in windows], kind="stable"):
        value = labels[index]
        if int(value) not in names:
            names[int(value)] = f"S{len(names) + 1}"
    return names


def _runs(grid: np.ndarray) -> list[tuple[float, float, int]]:
    runs = []
    start = None
    for index in range(len(grid) + 1):
        value = grid[index] if index < len(grid) else -1
        if start is not None and value != grid[start]:
            runs.append((start * GRID_SECONDS, index * GRID_SECONDS, int(grid[start])))
            start = None
        if start is None and value >= 0:
            start = index
    return runs


def _join(runs: list[tuple[float, float, int]], names: dict[int, str]) -> list[SpeakerTurn]:
    turns: list[SpeakerTurn] = []
    for start, end, value in runs:
        label = names[value]
        if turns and turns[-1].label == label and start - turns[-1].end < JOIN_PAUSE_SECONDS:
            turns[-1] = SpeakerTurn(turns[-1].start, round(end, 3), label)
        else:
            turns.append(SpeakerTurn(round(start, 3), round(end, 3), label))
    return turns


def diarize_voices(audio: np.ndarray, expected: int | None = None, encoder: VoiceEncoder | None = None,
                   on_progress: Progress | None = None, speech: list[Span] | None = None) -> Diarization:
    """Speaker turns labelled S1, S2, ... by first appearance, and each label's mean voice embedding.
    `speech`: the audio's voice activity, when the caller has found it already."""
    encoder = encoder or VoiceEncoder.bundled()
    duration = len(audio) / SAMPLE_RATE
    spans = speech_spans(audio) if speech is None else speech
    windows = plan_windows(spans)
    if not windows:
        return Diarization([], "voices")
    embeddings = embed_windows(audio, windows, encoder, on_progress=on_progress)
    durations = np.array([w.end - w.start for w in windows])
    labels = cluster_speakers(embeddings, durations, expected)
    names = order_labels(windows, labels)
    turns = turns_from_windows(windows, labels, names, spans, duration)
    prints = {names[i]: unit(embeddings[labels == i].mean(axis=0)) for i in np.unique(labels)}
    return Diarization(turns, "voices", prints)
