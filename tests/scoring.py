"""Scoring helpers shared by the tests and the benchmarks."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence

import numpy as np

_SMALL_NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                  "sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# One form for what is written two ways and said one: a reference that says "ten" or "mister" is not misheard
# by an engine that writes "10" or "Mr." (every system is scored the same way).
_SAME_WORD = {"defence": "defense", "labelled": "labeled", "practise": "practice", "behaviour": "behavior",
              "defences": "defenses", "okay": "ok", "mr": "mister", "mrs": "missus", "dr": "doctor"}


def _number_words(digits: str) -> list[str]:
    """0-99 as words ("5" -> five, "42" -> forty two); other numbers as written."""
    value = int(digits)
    if value < 20:
        return [_SMALL_NUMBERS[value]]
    if value < 100:
        return [_TENS[value // 10 - 2]] + ([_SMALL_NUMBERS[value % 10]] if value % 10 else [])
    return [digits]


def normalize_words(text: str) -> list[str]:
    """Lowercase words without punctuation; British and American spellings of the scripts made equal, and small
    numbers written as words."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"(\w)-(\w)", r"\1 \2", text)
    words = re.sub(r"[^a-z0-9' ]+", " ", text).split()
    normal: list[str] = []
    for word in words:
        normal += _number_words(word) if word.isdigit() and len(word) <= 2 else [_SAME_WORD.get(word, word)]
    return normal


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


NEUTRAL_LABEL = re.compile(r"(Speaker \d+|S\d+)")


def wrong_name_seconds(reference: Sequence[tuple[float, float, str]], hypothesis: Sequence[tuple[float, float, str]],
                       names: Mapping[str, str | None], collar: float = 0.25, step: float = 0.01) -> float:
    """Seconds of reference speech under a name other than the one expected: what a listener reads wrong.

    `reference` turns name voices (the keys of `names`); `hypothesis` turns carry what the transcript
    shows (a person's name, or a neutral label such as "Speaker 2" or "S1"). A voice with an expected
    name is wrong wherever the transcript shows speech but not that name. A voice whose expected name is
    None (nobody listed is this voice) is wrong wherever the transcript shows a person's name, or a
    neutral label that belongs to another voice (the one it covers most): two people under one label
    are merged. Where voices overlap, a voice is right if its label is among those shown. Speech the
    transcript leaves unlabelled is a miss, which DER counts, not a wrong name.
    Time within `collar` of a reference boundary is not scored (as in diarization_error_rate);
    overlapped speech counts once for each voice.
    """
    end = max([e for _, e, _ in [*reference, *hypothesis]] + [0.0])
    frames = int(end / step) + 2
    scored = np.ones(frames, bool)
    for start, stop, _ in reference:
        for boundary in (start, stop):
            scored[max(0, round((boundary - collar) / step)):round((boundary + collar) / step)] = False
    ref, hyp = _grid(reference, frames, step), _grid(hypothesis, frames, step)
    if not ref:
        return 0.0
    owners = {label: max(ref, key=lambda voice: int((ref[voice] & on & scored).sum())) for label, on in hyp.items()}
    shown = np.zeros(frames, bool)
    for on in hyp.values():
        shown |= on
    wrong = 0
    for voice, speaking in ref.items():
        expected = names.get(voice)
        right = np.zeros(frames, bool)  # where a label this voice may carry is shown (in overlaps, among others)
        for label, on in hyp.items():
            if label == expected or (expected is None and NEUTRAL_LABEL.fullmatch(label) and owners[label] == voice):
                right |= on
        wrong += int((speaking & scored & shown & ~right).sum())
    return wrong * step


def _grid(turns: Sequence[tuple[float, float, str]], frames: int, step: float) -> dict[str, np.ndarray]:
    """Each label's activity on the scoring grid."""
    grid: dict[str, np.ndarray] = {}
    for start, stop, label in turns:
        grid.setdefault(label, np.zeros(frames, bool))[round(start / step):round(stop / step)] = True
    return grid
