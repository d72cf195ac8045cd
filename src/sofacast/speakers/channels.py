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


def frame_levels(channel: np.ndarray) -> np.ndarray:
    """RMS level in dBFS per 50 ms frame."""
    size = int(FRAME_SECONDS * SAMPLE_RATE)
    count = len(channel) // size
    frames = channel[:count * size].reshape(count, size).astype(np.float64)
    return 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-10)


def one_speaker_per_channel(stereo: np.ndarray) -> bool:
    if stereo.ndim != 2 or stereo.shape[1] != 2 or len(stereo) < SAMPLE_RATE:
        return False
    left, right = stereo[:, 0].astype(np.float64), stereo[:, 1].astype(np.float64)
    if left.std() == 0 or right.std() == 0:
        return False  # one side silent: a mono recording in a stereo file
    if abs(float(np.corrcoef(left, right)[0, 1])) > MAX_CORRELATION:
        return False
    left_db, right_db = frame_levels(left), frame_levels(right)
    loudest = np.maximum(left_db, right_db)
    sounding = loudest > max(-50.0, float(loudest.max()) - 40.0)
    if not sounding.any():
        return False
    difference = (left_db - right_db)[sounding]
    left_leads = np.mean(difference > DOMINANCE_DB)
    right_leads = np.mean(difference < -DOMINANCE_DB)
    return left_leads + right_leads >= DOMINATED_SHARE and min(left_leads, right_leads) >= LEADING_SHARE
