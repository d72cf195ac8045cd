"""An episode's audio at 16 kHz, decoded once, and only when some stage of transcribing needs it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sofacast.media import ffmpeg
from sofacast.media.vad import Span, speech_spans
from sofacast.speakers.channels import ChannelEvidence


class EpisodeAudio:
    """The episode's audio at 16 kHz, decoded once and only if some stage needs it.

    Decoded block by block into one preallocated mono array: a stereo file is mixed down while its
    channels are compared, so only a recording with one speaker per channel is ever held in stereo.
    """

    def __init__(self, media: Path) -> None:
        self.media = media
        self._mono: np.ndarray | None = None
        self._split = False
        self._speech: list[Span] | None = None

    def _load(self) -> np.ndarray:
        info = ffmpeg.probe(self.media)
        channels = 2 if info.channels == 2 else 1
        evidence = ChannelEvidence() if channels == 2 else None
        mono = _Samples(info.duration)
        for block in ffmpeg.stream(self.media, channels=channels):
            if evidence is not None:
                evidence.add(block)
            mono.append(block.mean(axis=1, dtype=np.float32) if channels == 2 else block[:, 0])
        self._split = evidence is not None and evidence.one_speaker_per_channel()
        return mono.array()

    def mono(self) -> np.ndarray:
        if self._mono is None:
            self._mono = self._load()
        return self._mono

    def sides(self) -> list[np.ndarray] | None:
        """Each channel alone, when the recording has one speaker per channel."""
        self.mono()
        if not self._split:
            return None
        stereo = ffmpeg.decode(self.media, channels=2)
        return [np.ascontiguousarray(stereo[:, channel]) for channel in range(2)]

    def duration(self) -> float:
        return len(self.mono()) / ffmpeg.SAMPLE_RATE

    def speech(self) -> list[Span]:
        """Voice activity of the mono mix, found once for both the engine and the speaker stage."""
        if self._speech is None:
            self._speech = speech_spans(self.mono())
        return self._speech


class _Samples:
    """A float32 array filled block by block, sized from the probed duration (grown if the probe was short)."""

    def __init__(self, seconds: float | None) -> None:
        self._data = np.empty(int(((seconds or 600.0) + 1.0) * ffmpeg.SAMPLE_RATE), np.float32)
        self._size = 0

    def append(self, block: np.ndarray) -> None:
        if self._size + len(block) > len(self._data):
            grown = np.empty(max(self._size + len(block), int(len(self._data) * 1.5)), np.float32)
            grown[:self._size] = self._data[:self._size]
            self._data = grown
        self._data[self._size:self._size + len(block)] = block
        self._size += len(block)

    def array(self) -> np.ndarray:
        return self._data[:self._size]
