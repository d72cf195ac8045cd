"""Group voice embeddings into speakers: spherical k-means, the count from a hint or the silhouette.

Embeddings are unit vectors, so similarity is a dot product and every centroid is renormalized.
The random restarts use a fixed seed: the same recording always gets the same labels.
"""

from __future__ import annotations

import numpy as np

RESTARTS = 8
ITERATIONS = 30
MAX_SPEAKERS = 8
# Below this best silhouette the windows do not fall into groups: one voice.
ONE_VOICE_SILHOUETTE = 0.2
# A cluster with less speech than this is a stray (a laugh, a cough, crosstalk), not a person.
MIN_SPEAKER_SECONDS = 2.0


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


def silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette with cosine distance (how much closer each point is to its own cluster than the next)."""
    count = int(labels.max()) + 1
    if count < 2:
        return 0.0
    distances = 1.0 - points @ points.T
    members = np.eye(count)[labels]
    sizes = members.sum(axis=0)
    sums = distances @ members
    own_size = sizes[labels]
    own = np.where(own_size > 1, sums[np.arange(len(points)), labels] / np.maximum(own_size - 1, 1), 0.0)
    others = sums / np.maximum(sizes, 1)
    others[np.arange(len(points)), labels] = np.inf
    others[:, sizes == 0] = np.inf
    nearest = others.min(axis=1)
    scores = np.where(own_size > 1, (nearest - own) / np.maximum(np.maximum(own, nearest), 1e-9), 0.0)
    return float(scores.mean())


def absorb_strays(points: np.ndarray, seconds: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Give the windows of too-small clusters to the nearest real speaker; labels renumbered 0..k-1."""
    total = float(seconds.sum())
    speech = {i: float(seconds[labels == i].sum()) for i in np.unique(labels)}
    keep = [i for i in speech if speech[i] >= min(MIN_SPEAKER_SECONDS, total)] or [max(speech, key=lambda label: speech[label])]
    centroids = unit(np.stack([points[labels == i].mean(axis=0) for i in keep]))
    labels = np.where(np.isin(labels, keep), labels, np.asarray(keep)[np.argmax(points @ centroids.T, axis=1)])
    return np.unique(labels, return_inverse=True)[1]


def cluster_speakers(points: np.ndarray, seconds: np.ndarray, expected: int | None = None) -> np.ndarray:
    """Speaker ids per embedding. `expected` (hosts + guests) is trusted when given; else the silhouette decides."""
    if len(points) < 2:
        return np.zeros(len(points), int)
    labels = spherical_kmeans(points, min(expected, len(points))) if expected else _best_by_silhouette(points)
    return absorb_strays(points, seconds, labels)


def _best_by_silhouette(points: np.ndarray) -> np.ndarray:
    best_score, best = ONE_VOICE_SILHOUETTE, np.zeros(len(points), int)
    for count in range(2, min(MAX_SPEAKERS, len(points) - 1) + 1):
        labels = spherical_kmeans(points, count)
        score = silhouette(points, labels)
        if score > best_score:
            best_score, best = score, labels
    return best
