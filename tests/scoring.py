"""Scoring helpers shared by the tests and the benchmarks."""

from __future__ import annotations

import re


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
