"""Grouping voice embeddings into speakers (sofacast.speakers.clustering), on synthetic unit vectors.

Each synthetic speaker is a random direction in the 256-dimensional embedding space with every
window a noisy copy of it, so the true grouping is known: spherical k-means must find it, the
silhouette must pick the true count when none is given, and stray clusters with too little speech
must be absorbed by the nearest real speaker.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sofacast.speakers.clustering import MIN_SPEAKER_SECONDS, absorb_strays, cluster_speakers, silhouette, spherical_kmeans, unit

SIZE = 256


def voices(windows: list[int], noise: float = 0.04, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Unit embeddings of len(windows) speakers (windows[i] each) and the true speaker of each."""
    rng = np.random.default_rng(seed)
    centres = unit(rng.standard_normal((len(windows), SIZE)))
    noisy = [unit(centre + noise * rng.standard_normal((count, SIZE))) for centre, count in zip(centres, windows, strict=True)]
    points = np.concatenate(noisy)
    return points, np.repeat(np.arange(len(windows)), windows)


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
def test_silhouette_picks_the_true_speaker_count_when_none_is_given(speakers: int) -> None:
    points, truth = voices([12] * speakers, seed=speakers)
    labels = cluster_speakers(points, np.ones(len(points)))
    assert same_grouping(labels, truth)


def test_an_expected_count_is_trusted_over_the_silhouette() -> None:
    points, truth = voices([12, 12])
    labels = cluster_speakers(points, np.ones(len(points)), expected=3)
    assert len(set(labels.tolist())) == 3
    assert all(len(set(truth[labels == label].tolist())) == 1 for label in set(labels.tolist()))  # one voice split, never mixed


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


def test_silhouette_of_perfect_groups_is_one_and_of_one_group_zero() -> None:
    points = np.repeat(np.eye(SIZE)[:3], 4, axis=0)
    labels = np.repeat(np.arange(3), 4)
    assert silhouette(points, labels) == pytest.approx(1.0)
    assert silhouette(points, np.zeros(12, int)) == 0.0


def test_silhouette_of_a_wrong_grouping_is_worse_than_of_the_right_one() -> None:
    points, truth = voices([6, 6])
    assert silhouette(points, 1 - truth) == pytest.approx(silhouette(points, truth))  # label numbers do not matter
    mixed = np.tile([0, 1], 6)
    assert silhouette(points, mixed) < 0.0 < silhouette(points, truth)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(3, 12), st.just(8)), elements=st.floats(-1, 1)), st.data())
def test_silhouette_lies_between_minus_one_and_one(raw: np.ndarray, data: st.DataObject) -> None:
    points = unit(raw + 1e-3)  # no zero vectors
    labels = np.array(data.draw(st.lists(st.integers(0, 3), min_size=len(points), max_size=len(points))))
    labels = np.unique(labels, return_inverse=True)[1]
    assert -1.0 - 1e-9 <= silhouette(points, labels) <= 1.0 + 1e-9
