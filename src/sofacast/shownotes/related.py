"""Which earlier episodes are closest in topic: TF-IDF over transcripts, cosine similarity.

Each episode is its transcript (or, without one, its title and description) as stemmed topic
words. Terms are weighted by sublinear term frequency times smoothed inverse document frequency;
the reason given for a match is the terms that contribute most to the similarity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass

import numpy as np

from sofacast.text import STOPWORDS, stem, words

# Enough vocabulary for a large back catalogue, small enough for a dense matrix.
MAX_TERMS = 20000
MIN_SIMILARITY = 0.005  # some real overlap of topic words, however small the catalogue
# Conversation, not topic.
_SMALL_TALK = frozenset("thank thanks welcome hello okay yeah yes right time today pleasure glad sure great "
                        "next goodbye bye guest guests show episode".split())


@dataclass(frozen=True)
class Related:
    slug: str
    similarity: float
    shared_terms: tuple[str, ...]


class TopicIndex:
    def __init__(self, documents: dict[str, str], ignore: Set[str] = frozenset()) -> None:
        """`ignore`: words that say nothing about topic here (the show's title, the names of its people)."""
        self.slugs = list(documents)
        self.rows = {slug: row for row, slug in enumerate(self.slugs)}
        spellings: dict[str, Counter[str]] = {}
        counts = []
        for text in documents.values():
            count: Counter[str] = Counter()
            for word in words(text):
                if word in STOPWORDS or word in ignore or word in _SMALL_TALK or len(word) < 3 or word.isdigit():
                    continue
                term = stem(word)
                count[term] += 1
                spellings.setdefault(term, Counter())[word] += 1
            counts.append(count)
        frequency = Counter(term for count in counts for term in count)
        self.vocabulary = [term for term, _ in frequency.most_common(MAX_TERMS)]
        # Terms are stems; people are shown the most common spelling of each.
        self.shown = [spellings[term].most_common(1)[0][0] for term in self.vocabulary]
        column = {term: i for i, term in enumerate(self.vocabulary)}
        matrix = np.zeros((len(counts), len(self.vocabulary)), np.float32)
        for row, count in enumerate(counts):
            for term, n in count.items():
                if term in column:
                    matrix[row, column[term]] = 1.0 + np.log(n)
        document_frequency = (matrix > 0).sum(axis=0)
        # No +1 smoothing: a term every episode uses (the show's greeting) says nothing about any one of them.
        matrix *= np.log((1 + len(counts)) / (1 + document_frequency))
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self.vectors = matrix / np.maximum(norms, 1e-9)
        self.similarity = self.vectors @ self.vectors.T

    def related(self, slug: str, candidates: Sequence[str], limit: int = 3, terms: int = 3) -> list[Related]:
        """The `limit` candidates closest to `slug`, most similar first, each with its top shared terms."""
        row = self.rows[slug]
        scored = sorted(((float(self.similarity[row, self.rows[c]]), c) for c in candidates if c != slug), reverse=True)
        found = []
        for similarity, other in scored[:limit]:
            if similarity < MIN_SIMILARITY:
                break
            contribution = self.vectors[row] * self.vectors[self.rows[other]]
            top = [self.shown[i] for i in np.argsort(-contribution)[:terms] if contribution[i] > 0]
            found.append(Related(other, round(similarity, 3), tuple(top)))
        return found
