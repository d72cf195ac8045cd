"""Match the questions asked on air with the show-notes questions, keeping both in order.

A dynamic programme (like sequence alignment) picks the order-preserving pairing with the largest
total similarity; pairs below the threshold are never made, so notes questions that were never
asked and asked questions the notes do not list both stay unmatched.
"""

from __future__ import annotations

from collections.abc import Sequence

from sofacast.chunks.asking import question_similarity

# At least this share of a notes question's topic words must be heard for a match.
MATCH_THRESHOLD = 0.34


def align_questions(spoken: Sequence[str], written: Sequence[str], threshold: float = MATCH_THRESHOLD) -> dict[int, int]:
    """{index into spoken: index into written} for the best order-preserving matching."""
    score = [[question_similarity(w, s) for w in written] for s in spoken]
    rows, cols = len(spoken), len(written)
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            pair = score[i][j] + best[i + 1][j + 1] if score[i][j] >= threshold else -1.0
            best[i][j] = max(pair, best[i + 1][j], best[i][j + 1])
    matches: dict[int, int] = {}
    i = j = 0
    while i < rows and j < cols:
        if score[i][j] >= threshold and best[i][j] == score[i][j] + best[i + 1][j + 1]:
            matches[i] = j
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return matches
