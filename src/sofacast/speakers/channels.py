"""Stereo recordings with one speaker per channel (double-enders, phone bridges): who is on which side.

Such a file needs no voice clustering: each channel is one person. It is recognized by channels
that do not carry the same signal (low correlation) and where, whenever someone talks, one side is
clearly louder than the other.
"""

from __future__ import annotations

import numpy as np

from sofacast.media.ffmpeg import SAMPLE_RATE

FRAME_SECONDS = 0.05
# Channels of an ordinary stereo mix are strongly correlated; separate microphones are not.
MAX_CORRELATION = 0.5
# In a split recording the talking side is at least this much louder than the other...
DOMINANCE_DB = 6.0
# ...in most frames with sound, and each side leads in a fair share of them.
DOMINATED_SHARE = 0.6
LEADING_SHARE = 0.1


FRAME_SAMPLES = int(FRAME_SECONDS * SAMPLE_RATE)


class ChannelEvidence:
    """What tells a split recording from a stereo mix, gathered block by block: a long stereo file is never
    held whole (its mono mix is made from the same blocks)."""

    def __init__(self) -> None:
        self._sums = np.zeros(5)  # left, right, left², right², left·right
        self._count = 0
        self._levels: list[np.ndarray] = []  # per 50 ms frame: (left dB, right dB)
        self._rest = np.zeros((0, 2), np.float32)

    def add(self, block: np.ndarray) -> None:
        """`block`: (samples, 2) float32."""
        block = np.concatenate([self._rest, block]) if len(self._rest) else block
        left, right = block[:, 0].astype(np.float64), block[:, 1].astype(np.float64)
        self._sums += [left.sum(), right.sum(), left @ left, right @ right, left @ right]
        self._count += len(block)
        whole = len(block) // FRAME_SAMPLES * FRAME_SAMPLES
        frames = block[:whole].reshape(-1, FRAME_SAMPLES, 2).astype(np.float64)
        self._levels.append(10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-10))
        self._rest = block[whole:]
        self._sums -= self._rest_sums()  # the rest is counted again with the next block
        self._count -= len(self._rest)

    def _rest_sums(self) -> np.ndarray:
        left, right = self._rest[:, 0].astype(np.float64), self._rest[:, 1].astype(np.float64)
        return np.array([left.sum(), right.sum(), left @ left, right @ right, left @ right])

    def one_speaker_per_channel(self) -> bool:
        if self._count < SAMPLE_RATE:
            return False
        mean_left, mean_right, square_left, square_right, product = self._sums / self._count
        var_left, var_right = square_left - mean_left ** 2, square_right - mean_right ** 2
        if var_left <= 1e-12 or var_right <= 1e-12:
            return False  # one side silent: a mono recording in a stereo file
        if abs(product - mean_left * mean_right) / np.sqrt(var_left * var_right) > MAX_CORRELATION:
            return False
        levels = np.concatenate(self._levels)
        return _each_side_leads(levels[:, 0], levels[:, 1])


def _each_side_leads(left_db: np.ndarray, right_db: np.ndarray) -> bool:
    loudest = np.maximum(left_db, right_db)
    sounding = loudest > max(-50.0, float(loudest.max()) - 40.0)
    if not sounding.any():
        return False
    difference = (left_db - right_db)[sounding]
    left_leads = np.mean(difference > DOMINANCE_DB)
    right_leads = np.mean(difference < -DOMINANCE_DB)
    return left_leads + right_leads >= DOMINATED_SHARE and min(left_leads, right_leads) >= LEADING_SHARE


def one_speaker_per_channel(stereo: np.ndarray) -> bool:
    if stereo.ndim != 2 or stereo.shape[1] != 2:
        return False
    evidence = ChannelEvidence()
    evidence.add(stereo)
    return evidence.one_speaker_per_channel()
