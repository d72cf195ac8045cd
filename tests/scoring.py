"""Scoring helpers shared by the tests and the benchmarks."""

from __future__ import annotations

import itertools
import re

import numpy as np


def normalize_words(text: str) -> list[str]:
    """Lowercase words without punctuation; British and American spellings of the scripts made equal."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"(\w)-(\w)", r"\1 \2", text)
    words = re.sub(r"[^a-z0-9' ]+", " ", text).split()
    american = {"defence": "defense", "labelled": "labeled", "practise": "practice", "behaviour": "behavior",
                "defences": "defenses", "okay": "ok"}
    return [american.get(w, w) for w in words]


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    row = list(range(len(hypothesis) + 1))
    for i, ref_word in enumerate(reference, 1):
        diagonal, row[0] = row[0], i
        for j, hyp_word in enumerate(hypothesis, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (ref_word != hyp_word))
    return row[-1]


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref = normalize_words(reference)
    return edit_distance(ref, normalize_words(hypothesis)) / max(1, len(ref))


def diarization_error_rate(reference: list[tuple[float, float, str]], hypothesis: list[tuple[float, float, str]],
                           collar: float = 0.25, step: float = 0.01) -> float:
    """NIST-style DER: (missed + false alarm + confusion) / reference speech, on a 10 ms grid.

    Hypothesis speakers are mapped one-to-one onto reference speakers to maximise overlap (the
    labels may differ: S1 vs a name). Time within `collar` seconds of a reference boundary is not scored.
    """
    end = max([e for _, e, _ in reference + hypothesis] + [0.0])
    frames = int(end / step) + 2

    def activity(turns):
        names = sorted({name for _, _, name in turns})
        grid = np.zeros((len(names), frames), bool)
        for start, stop, name in turns:
            grid[names.index(name), round(start / step):round(stop / step)] = True
        return names, grid

    _, ref = activity(reference)
    _, hyp = activity(hypothesis)
    scored = np.ones(frames, bool)
    for start, stop, _ in reference:
        for boundary in (start, stop):
            scored[max(0, round((boundary - collar) / step)):round((boundary + collar) / step)] = False
    ref, hyp = ref[:, scored], hyp[:, scored]
    overlap = (ref[:, None, :] & hyp[None, :, :]).sum(axis=2)
    correct = _best_mapping(overlap)
    ref_count, hyp_count = ref.sum(axis=0), hyp.sum(axis=0)
    errors = int(np.maximum(ref_count, hyp_count).sum()) - correct
    return errors / max(1, int(ref_count.sum()))


def _best_mapping(overlap: np.ndarray) -> int:
    """Largest total overlap of a one-to-one speaker mapping (exhaustive: a handful of speakers)."""
    refs, hyps = overlap.shape
    if refs == 0 or hyps == 0:
        return 0
    if refs > hyps:
        return _best_mapping(overlap.T)
    return max(int(sum(overlap[r, c] for r, c in enumerate(choice))) for choice in itertools.permutations(range(hyps), refs))


def loudness_and_true_peak(samples: np.ndarray, sample_rate: int) -> tuple[float, float]:
    """Integrated loudness (LUFS, pyloudnorm's BS.1770-4) and true peak (dBTP: 4x oversampled, as BS.1770 defines it).

    An independent meter: ffmpeg makes the podcast MP3, so ffmpeg must not be the one to judge it.
    """
    import pyloudnorm
    from scipy.signal import resample_poly

    lufs = pyloudnorm.Meter(sample_rate).integrated_loudness(samples)
    oversampled = resample_poly(samples, 4, 1, axis=0)
    return float(lufs), float(20 * np.log10(np.abs(oversampled).max()))
