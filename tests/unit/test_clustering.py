"""Grouping voice embeddings into speakers (sofacast.speakers.clustering), on synthetic unit vectors.

Each synthetic speaker is a random direction in the 256-dimensional embedding space with every
window a noisy copy of it, so the true grouping is known: spherical k-means must find it, the
divisive count must find the true count when none is given (close voices too, given enough speech),
a hint must help without forcing a count, and stray clusters with too little speech must be absorbed
by the nearest real speaker.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sofacast.speakers.clustering import (
    COMPARE_WINDOWS,
    DISTINCT_VOICES,
    MIN_SPEAKER_SECONDS,
    SPLIT_MARGIN,
    Split,
    absorb_strays,
    best_split,
    closeness,
    cluster_speakers,
    spherical_kmeans,
    two_voices,
    unit,
)

SIZE = 256


def voices(windows: list[int], noise: float = 0.04, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Unit embeddings of len(windows) speakers (windows[i] each) and the true speaker of each."""
    rng = np.random.default_rng(seed)
    centres = unit(rng.standard_normal((len(windows), SIZE)))
    noisy = [unit(centre + noise * rng.standard_normal((count, SIZE))) for centre, count in zip(centres, windows, strict=True)]
    points = np.concatenate(noisy)
    return points, np.repeat(np.arange(len(windows)), windows)


def close_voices(similarity: float, windows: int, noise: float = 0.04, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Two speakers whose voices (directions) have the given cosine similarity, `windows` windows each."""
    rng = np.random.default_rng(seed)
    first, other = unit(rng.standard_normal((2, SIZE)))
    other = unit(other - (other @ first) * first)
    second = similarity * first + np.sqrt(1 - similarity**2) * other
    points = np.concatenate([unit(centre + noise * rng.standard_normal((windows, SIZE))) for centre in (first, second)])
    return points, np.repeat([0, 1], windows)


def count(labels: np.ndarray) -> int:
    return len(set(labels.tolist()))


def same_grouping(found: np.ndarray, truth: np.ndarray) -> bool:
    """The same partition, whatever the label numbers."""
    pairs = set(zip(found.tolist(), truth.tolist(), strict=True))
    return len(pairs) == len(set(found.tolist())) == len(set(truth.tolist()))


def test_spherical_kmeans_recovers_well_separated_groups() -> None:
    points, truth = voices([10, 7, 12])
    labels = spherical_kmeans(points, 3)
    assert set(labels.tolist()) == {0, 1, 2}
    assert same_grouping(labels, truth)


@pytest.mark.parametrize("speakers", [1, 2, 3, 4, 5])
def test_the_true_speaker_count_is_found_when_none_is_given(speakers: int) -> None:
    points, truth = voices([12] * speakers, seed=speakers)
    labels = cluster_speakers(points, np.ones(len(points)))
    assert same_grouping(labels, truth)


@pytest.mark.parametrize("speakers", [2, 3, 4])
def test_a_hint_one_too_low_does_not_hide_the_speaker_nobody_listed(speakers: int) -> None:
    points, truth = voices([12] * speakers, seed=speakers)
    assert same_grouping(cluster_speakers(points, np.ones(len(points)), expected=speakers - 1), truth)


def test_the_listed_count_is_the_least_count_whenever_the_voices_can_be_split_that_far() -> None:
    points, _ = voices([30])
    assert count(cluster_speakers(points, np.ones(len(points)), expected=2)) == 2  # as the list says
    identical = np.tile(points[:1], (30, 1))
    assert count(cluster_speakers(identical, np.ones(30), expected=3)) == 1  # nothing to split


def test_close_voices_are_told_apart_with_enough_speech_of_each() -> None:
    points, truth = close_voices(0.9, COMPARE_WINDOWS + 4)  # closer than DISTINCT_VOICES
    split = best_split(points, np.ones(len(points)))
    assert split is not None and split.closeness > DISTINCT_VOICES and split.margin > SPLIT_MARGIN
    assert same_grouping(cluster_speakers(points, np.ones(len(points))), truth)


def test_close_voices_with_too_little_speech_to_compare_stay_one_speaker_unless_listed() -> None:
    points, truth = close_voices(0.9, COMPARE_WINDOWS // 2)
    split = best_split(points, np.ones(len(points)))
    assert split is not None and split.margin == -np.inf
    assert count(cluster_speakers(points, np.ones(len(points)))) == 1
    assert same_grouping(cluster_speakers(points, np.ones(len(points)), expected=2), truth)


def test_the_hint_is_enough_for_voices_that_are_plausibly_two() -> None:
    points, truth = close_voices(0.8, 8)  # closer than DISTINCT_VOICES, too few windows to compare
    assert count(cluster_speakers(points, np.ones(len(points)))) == 1
    assert same_grouping(cluster_speakers(points, np.ones(len(points)), expected=2), truth)


@pytest.mark.parametrize(("apart", "margin", "hinted", "two"), [
    (DISTINCT_VOICES - 0.01, -np.inf, False, True),
    (DISTINCT_VOICES + 0.01, -np.inf, False, False),
    (DISTINCT_VOICES + 0.01, -np.inf, True, True),
    (0.99, -np.inf, True, True),  # the list says there is another voice
    (0.95, SPLIT_MARGIN + 0.01, False, True),
    (0.95, SPLIT_MARGIN - 0.01, False, False),
])
def test_two_voices_decision(apart: float, margin: float, hinted: bool, two: bool) -> None:
    assert two_voices(Split(np.zeros(1, int), apart, margin), hinted) is two


def test_a_split_leaving_too_little_speech_on_one_side_is_no_split() -> None:
    points, truth = voices([10, 2])
    seconds = np.where(truth == 1, (MIN_SPEAKER_SECONDS - 0.5) / 2, 1.5)
    assert best_split(points, seconds) is None


def test_more_speakers_expected_than_windows_gives_at_most_one_label_per_window() -> None:
    points, _ = voices([1, 1, 1])
    labels = cluster_speakers(points, np.full(3, 5.0), expected=6)
    assert sorted(labels.tolist()) == [0, 1, 2]


def test_one_embedding_is_one_speaker_and_none_is_no_speaker() -> None:
    points, _ = voices([1])
    assert cluster_speakers(points, np.ones(1)).tolist() == [0]
    assert cluster_speakers(np.zeros((0, SIZE)), np.zeros(0)).tolist() == []


@pytest.mark.parametrize("expected", [None, 3])
def test_identical_embeddings_are_one_speaker(expected: int | None) -> None:
    point, _ = voices([1])
    points = np.repeat(point, 9, axis=0)
    assert cluster_speakers(points, np.ones(9), expected=expected).tolist() == [0] * 9


def test_the_same_recording_always_gets_the_same_labels() -> None:
    points, _ = voices([8, 9, 10], noise=0.08)
    first = cluster_speakers(points, np.ones(len(points)))
    assert np.array_equal(first, cluster_speakers(points, np.ones(len(points))))


def test_a_stray_cluster_joins_the_nearest_real_speaker() -> None:
    rng = np.random.default_rng(3)
    a, b = unit(rng.standard_normal((2, SIZE)))
    near_a = unit(a + 0.3 * unit(rng.standard_normal(SIZE)))
    points = np.stack([a, a, a, b, b, b, near_a, near_a])
    labels = np.array([0, 0, 0, 2, 2, 2, 1, 1])
    seconds = np.array([3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 0.5, 0.5])  # 1 s of cluster 1: a cough, not a person
    assert absorb_strays(points, seconds, labels).tolist() == [0, 0, 0, 1, 1, 1, 0, 0]  # renumbered 0..k-1


def test_a_distinct_voice_with_too_little_speech_is_not_a_speaker() -> None:
    points, truth = voices([10, 10, 3])
    seconds = np.where(truth == 2, (MIN_SPEAKER_SECONDS - 0.5) / 3, 1.5)
    labels = cluster_speakers(points, seconds)
    assert len(set(labels.tolist())) == 2
    assert same_grouping(labels[truth < 2], truth[truth < 2])


def test_when_every_cluster_is_short_the_longest_keeps_all_the_speech() -> None:
    points, truth = voices([2, 1])
    seconds = np.array([0.5, 0.5, 0.5])  # 1.5 s in all: neither cluster holds all of it
    assert absorb_strays(points, seconds, truth).tolist() == [0, 0, 0]


def test_closeness_of_two_samples_of_one_voice_is_about_one_whatever_their_sizes() -> None:
    points, _ = voices([40], noise=0.06)
    assert closeness(points[:3], points[3:]) == pytest.approx(1.0, abs=0.05)  # a plain centroid cosine says 0.87
    assert closeness(points[:20], points[20:]) == pytest.approx(1.0, abs=0.05)


def test_closeness_of_two_voices_is_the_cosine_of_their_directions() -> None:
    points, truth = close_voices(0.6, 20)
    assert closeness(points[truth == 0], points[truth == 1]) == pytest.approx(0.6, abs=0.05)
    assert closeness(np.eye(SIZE)[:2], np.eye(SIZE)[2:4]) == 0.0


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(2, 12), st.just(8)), elements=st.floats(-1, 1)), st.data())
def test_closeness_is_symmetric_and_lies_between_minus_one_and_one(raw: np.ndarray, data: st.DataObject) -> None:
    points = unit(raw + 1e-3)  # no zero vectors
    cut = data.draw(st.integers(1, len(points) - 1))
    first, second = points[:cut], points[cut:]
    assert -1.0 - 1e-9 <= closeness(first, second) <= 1.0 + 1e-9
    assert closeness(first, second) == pytest.approx(closeness(second, first))
