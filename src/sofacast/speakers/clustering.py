"""Group voice embeddings into speakers: the count found by splitting while voices differ, then spherical k-means.

Embeddings are unit vectors, so similarity is a dot product and every centroid is renormalized.
The random restarts use a fixed seed: the same recording always gets the same labels.

The count: start from one group and split a group in two (2-means) while its halves are two voices.
Halves are two voices when their centroids are clearly apart (`DISTINCT_VOICES`), or, for close
voices, when each half is more alike within itself than the two halves are to each other: split again,
each half comes apart less easily than the group did (`SPLIT_MARGIN`). The second test measures
against the recording's own spread of one voice, so it needs no absolute threshold for close voices,
but it needs enough windows on each side (`COMPARE_WINDOWS`). The expected count (hosts + guests) is
trusted as the least number of voices: up to it, a group is split whenever it can be (both halves hold
a speaker's worth of speech). No closeness tells two similar voices from one voice split in two on
every recording (two synthesized women: 0.86; one voice of a two-voice episode split a third time:
0.87), but the producer's list does. Past it, a speaker nobody listed is found on the same evidence as
without a hint. A listed guest who never speaks therefore splits someone's voice, as the list says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RESTARTS = 8
ITERATIONS = 30
MAX_SPEAKERS = 8
# A cluster with less speech than this is a stray (a laugh, a cough, crosstalk), not a person.
MIN_SPEAKER_SECONDS = 2.0
# Halves whose centroids are less alike than this are two people, however little either says. Measured
# (`closeness`): different real people 0.51-0.73 clean, 0.81 through a phone line; the best split of one
# voice 0.83-0.93 on 17-25 s of real speech and 0.93-0.97 on 70-250 s interviews. Every value from 0.73
# to 0.81 gives the same benchmark results; this is the middle.
DISTINCT_VOICES = 0.77
# Close voices: how much more easily the group splits than its halves do. Two close voices (two
# guests of one synthesizer, closeness 0.90) measured 0.044; one voice at most 0.006.
SPLIT_MARGIN = 0.02
# Windows each half needs for that comparison (about 12 s of speech): the best split of 7-12 windows of
# one voice ranges over 0.83-0.93, far more than the margin.
COMPARE_WINDOWS = 16


def unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-9)


def spherical_kmeans(points: np.ndarray, count: int, seed: int = 0) -> np.ndarray:
    """Labels 0..count-1; the best of several k-means++ starts by total similarity to the centroids."""
    rng = np.random.default_rng(seed)
    best_score, best_labels = -np.inf, np.zeros(len(points), int)
    for _ in range(RESTARTS):
        centroids = _plus_plus_start(points, count, rng)
        for _ in range(ITERATIONS):
            labels = np.argmax(points @ centroids.T, axis=1)
            moved = np.stack([unit(points[labels == j].mean(axis=0)) if np.any(labels == j) else centroids[j]
                              for j in range(count)])
            if np.allclose(moved, centroids):
                break
            centroids = moved
        score = float(np.sum(points * centroids[labels]))
        if score > best_score:
            best_score, best_labels = score, labels
    return best_labels


def _plus_plus_start(points: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    chosen = [points[rng.integers(len(points))]]
    for _ in range(1, count):
        distance = np.maximum(0.0, 1.0 - np.max(points @ np.stack(chosen).T, axis=1)) ** 2
        total = distance.sum()
        chosen.append(points[rng.choice(len(points), p=distance / total)] if total > 0 else points[rng.integers(len(points))])
    return np.stack(chosen)


def closeness(first: np.ndarray, second: np.ndarray) -> float:
    """How alike two groups of windows are: 1.0 for two samples of one voice, lower the more they differ.

    The mean similarity across the groups over the mean similarity within them (window pairs, no window
    with itself, so a small group is not made to look tighter than it is). A group that is no more alike
    within than across counts as alike as it is across; a single window is perfectly alike within.
    """
    sum_first, sum_second = first.sum(axis=0), second.sum(axis=0)
    across = float(sum_first @ sum_second) / (len(first) * len(second))
    if across <= 0:
        return across
    within = [max(_mean_pair_similarity(group, total), across) for group, total in ((first, sum_first), (second, sum_second))]
    return across / float(np.sqrt(within[0] * within[1]))


def _mean_pair_similarity(group: np.ndarray, total: np.ndarray) -> float:
    if len(group) < 2:
        return 1.0
    self_pairs = float(np.sum(group * group))
    return (float(total @ total) - self_pairs) / (len(group) * (len(group) - 1))


@dataclass(frozen=True)
class Split:
    """The best 2-means split of one group: which half each window goes to, and how the halves compare."""

    halves: np.ndarray  # 0 or 1 per window
    closeness: float
    margin: float  # how much less alike the halves are than each half's own best split; -inf if not measurable


def best_split(points: np.ndarray, seconds: np.ndarray) -> Split | None:
    """None when the group cannot be split into two halves that each hold a speaker's worth of speech."""
    halves = spherical_kmeans(points, 2)
    if min(float(seconds[halves == side].sum()) for side in (0, 1)) < MIN_SPEAKER_SECONDS:
        return None
    first, second = points[halves == 0], points[halves == 1]
    apart = closeness(first, second)
    if min(len(first), len(second)) < COMPARE_WINDOWS:
        return Split(halves, apart, -np.inf)
    return Split(halves, apart, min(_own_split_closeness(first), _own_split_closeness(second)) - apart)


def _own_split_closeness(points: np.ndarray) -> float:
    halves = spherical_kmeans(points, 2)
    if halves.min() == halves.max():
        return 1.0  # identical windows: no split at all
    return closeness(points[halves == 0], points[halves == 1])


def two_voices(split: Split, hinted: bool) -> bool:
    """Whether the halves are two people; `hinted` when the expected count is not reached yet."""
    return hinted or split.closeness < DISTINCT_VOICES or split.margin > SPLIT_MARGIN


def count_speakers(points: np.ndarray, seconds: np.ndarray, expected: int | None = None) -> int:
    """How many people: split the group whose halves are the most clearly two voices, while any group's are."""
    groups: list[tuple[np.ndarray, Split | None]] = [(np.arange(len(points)), best_split(points, seconds))]
    while len(groups) < MAX_SPEAKERS:
        hinted = expected is not None and len(groups) < expected
        candidates = [(index, split) for index, (_, split) in enumerate(groups)
                      if split is not None and two_voices(split, hinted)]
        if not candidates:
            break
        index, split = min(candidates, key=lambda candidate: candidate[1].closeness)
        members = groups.pop(index)[0]
        for side in (0, 1):
            half = members[split.halves == side]
            groups.append((half, best_split(points[half], seconds[half])))
    return len(groups)


def absorb_strays(points: np.ndarray, seconds: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Give the windows of too-small clusters to the nearest real speaker; labels renumbered 0..k-1."""
    total = float(seconds.sum())
    speech = {i: float(seconds[labels == i].sum()) for i in np.unique(labels)}
    keep = [i for i in speech if speech[i] >= min(MIN_SPEAKER_SECONDS, total)] or [max(speech, key=lambda label: speech[label])]
    centroids = unit(np.stack([points[labels == i].mean(axis=0) for i in keep]))
    labels = np.where(np.isin(labels, keep), labels, np.asarray(keep)[np.argmax(points @ centroids.T, axis=1)])
    return np.unique(labels, return_inverse=True)[1]


def cluster_speakers(points: np.ndarray, seconds: np.ndarray, expected: int | None = None) -> np.ndarray:
    """Speaker ids per embedding (`seconds`: speech per embedding).

    The count is found from the voices (see the module's notes); `expected` (hosts + guests) is the least
    count whenever the voices can be split that far, and does not cap it. With the count known,
    spherical k-means over all windows places the boundaries (a split taken early is not final), and
    clusters with too little speech join the nearest speaker.
    """
    if len(points) < 2:
        return np.zeros(len(points), int)
    count = count_speakers(points, seconds, expected)
    labels = spherical_kmeans(points, count) if count > 1 else np.zeros(len(points), int)
    return absorb_strays(points, seconds, labels)
