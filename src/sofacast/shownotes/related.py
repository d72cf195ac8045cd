"""Which earlier episodes are closest in topic: TF-IDF over transcripts, cosine similarity.

Each episode is its transcript (or, without one, its title and description) as stemmed topic words. Left
out: the stopwords of the show's language, small talk, the show's title, and the names of its people,
including the ways a speech recogniser misspells them ("Sarto" for Sato). Terms are weighted by
sublinear term frequency times inverse document frequency; the reason given for a match is the terms
that contribute most to the similarity.

An episode's related episodes are found in the catalogue as it stood when it was published: that episode
and the ones before it, document frequencies counted over those only. A new episode therefore never
changes what an older episode's notes say. The catalogue is walked once in publication order, adding one
episode's document frequencies at a time and scoring it, with sparse arrays, against the earlier episodes
that share a term with it.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

import jellyfish
import numpy as np
import stopwordsiso

from sofacast.text import STOPWORDS, stem, words

MIN_SIMILARITY = 0.005  # some real overlap of topic words, however small the catalogue
# Conversation, not topic.
_SMALL_TALK = frozenset("thank thanks welcome hello okay yeah yes right time today pleasure glad sure great "
                        "next goodbye bye guest guests show episode".split())
# A shorter transcript word is never taken for a misheard name: too many short words are one sound from one.
MIN_MISHEARD_LENGTH = 5
# Sounding the same (one Metaphone code) is not enough, the spelling must be close too (Jaro-Winkler): "saito" (0.95)
# is Sato, "march" (0.91) is not Marsh.
SAME_SOUND_SPELLING = 0.92
_ALWAYS = -1  # the position (in publication order) from which the show's own people are known: before the first
_NEVER = 2**62  # the position from which a word that is no name is taken for one
_NOT_TOPIC = (-1, _NEVER, -1)  # what _Vocabulary knows of a word that is never a topic word (a stopword)


@dataclass(frozen=True)
class Related:
    slug: str
    similarity: float
    shared_terms: tuple[str, ...]


@functools.lru_cache(maxsize=8)
def topic_stopwords(language: str) -> frozenset[str]:
    """Words of `language` (a BCP 47 tag: "en", "pt-BR") that carry no topic: stopwords-iso's list for its primary
    language when there is one, always with text.STOPWORDS (conversation in any language borrows English)."""
    primary = language.split("-")[0].lower()
    listed = stopwordsiso.stopwords(primary) if stopwordsiso.has_lang(primary) else set()
    # Spelled as text.words() spells transcript words, so that they compare equal.
    return STOPWORDS | frozenset(word.lower().replace("’", "'") for word in listed)


def sounds_like_name(word: str, name: str) -> bool:
    """Whether a transcript word (lower case) is likely a speech recogniser's spelling of a name word (lower case).

    Three ways a name is misheard, each strict enough to keep topic words: "security" is not "Secura", "media" is
    not "Medina", "generic" is not "Henrik" (thresholds chosen against ~28,000 English words and 250 names):
    - it sounds the same (one Metaphone code) and is spelled nearly the same: "saito", "satoh" for Sato;
    - it is the name with one letter added that is not heard, an h or an r after a vowel: "thomas", "sarto";
    - only its first sound differs, and that is one easily misheard at the start of an unfamiliar name (one vowel
      for another, f for h), the rest spelled the same but for a letter: "fenric" for Henrik, "alina" for Elena.
    Words shorter than MIN_MISHEARD_LENGTH are taken for a name only when spelled exactly as it is.
    """
    if word == name:
        return True
    if len(word) < MIN_MISHEARD_LENGTH or len(name) < 3:
        return False
    heard, said = jellyfish.metaphone(word), jellyfish.metaphone(name)
    if (heard == said and abs(len(word) - len(name)) <= 1
            and jellyfish.jaro_winkler_similarity(word, name) >= SAME_SOUND_SPELLING):
        return True
    if _unheard_letter_added(word, name):
        return True
    return (len(said) >= 3 and len(word) == len(name) and heard[1:] == said[1:]
            and _easily_confused(heard[0], said[0]) and jellyfish.levenshtein_distance(word[1:], name[1:]) <= 1)


def _unheard_letter_added(word: str, name: str) -> bool:
    """Whether `word` is `name` with one letter added that the ear does not hear: an h, or an r after a vowel."""
    return len(word) == len(name) + 1 and any(
        word[:i] + word[i + 1:] == name for i, letter in enumerate(word)
        if letter == "h" or (letter == "r" and i > 0 and word[i - 1] in "aeiou"))


def _easily_confused(first: str, other: str) -> bool:
    """Two different first sounds (Metaphone letters) a listener swaps: two vowels, or f and h."""
    vowels = "AEIOUY"
    return first != other and ((first in vowels and other in vowels) or {first, other} == {"F", "H"})


def _bare(word: str) -> str:
    """The word without a possessive or stray apostrophes: "sato's" -> "sato"."""
    return word.removesuffix("'s").strip("'")


def _spelled_words(phrase: str) -> set[str]:
    """A name's or title's words as transcript words are compared with them: "O'Brien's" -> o'brien, o, brien."""
    spelled = {_bare(word) for word in words(phrase)}
    return {part for word in spelled for part in (word, *word.split("'")) if part}


class _PeopleNames:
    """The words of the show's people's names, each with the position (in publication order) of the first episode
    that has that person, and which transcript words are taken for them."""

    def __init__(self, known: Iterable[tuple[str, int]]) -> None:
        self.since: dict[str, int] = {}
        for name, position in known:
            for word in _spelled_words(name):
                self.since[word] = min(position, self.since.get(word, position))
        # Every name sounds_like_name could accept for a word is in one of these (or is the word less a letter).
        self.by_code: dict[str, list[str]] = {}
        self.by_code_tail: dict[str, list[str]] = {}  # the code less its first sound
        for word in sorted(self.since):
            code = jellyfish.metaphone(word)
            self.by_code.setdefault(code, []).append(word)
            self.by_code_tail.setdefault(code[1:], []).append(word)

    def known_since(self, word: str) -> int | None:
        """The position from which `word` is taken for a name, None if never."""
        word = _bare(word)
        if not self.since or not word:
            return None
        code = jellyfish.metaphone(word)
        one_letter_less = (word[:i] + word[i + 1:] for i in range(len(word)))
        candidates = {*self.by_code.get(code, ()), *self.by_code_tail.get(code[1:], ()),
                      *(shorter for shorter in one_letter_less if shorter in self.since)}
        return min((self.since[name] for name in candidates if sounds_like_name(word, name)), default=None)


@dataclass(frozen=True)
class _Document:
    """One episode as topic terms."""

    terms: np.ndarray  # term ids, ascending
    weights: np.ndarray  # 1 + log(count) per term: sublinear term frequency
    spellings: np.ndarray  # per term, the id of its most common spelling in this episode (what reasons show)


class _Vocabulary:
    """Turns texts into _Documents. Ids are handed out in order of first use, so that the episodes before any one
    get the same ids whatever comes after them."""

    def __init__(self, stopwords: Set[str], ignore: Set[str], names: _PeopleNames) -> None:
        self.stopwords, self.ignore, self.names = stopwords, ignore, names
        self.term_ids: dict[str, int] = {}
        self.spellings: list[str] = []
        # word -> (term id, from which position it is a name, spelling id); _NOT_TOPIC if never a topic word
        self._words: dict[str, tuple[int, int, int]] = {}

    def document(self, text: str, position: int) -> _Document:
        counts: dict[int, int] = {}
        shown: dict[int, tuple[int, str, int]] = {}  # term id -> (count, word, spelling id) of its commonest spelling
        for word, count in Counter(words(text)).items():
            known = self._words.get(word) or self._learn(word)
            term, name_since, spelling = known
            if term < 0 or name_since <= position:
                continue
            counts[term] = counts.get(term, 0) + count
            if term not in shown or (-count, word) < (-shown[term][0], shown[term][1]):  # ties: alphabetical
                shown[term] = (count, word, spelling)
        terms = sorted(counts)
        return _Document(np.array(terms, dtype=np.int64),
                         1.0 + np.log(np.array([counts[t] for t in terms], dtype=np.float64)),
                         np.array([shown[t][2] for t in terms], dtype=np.int64))

    def _learn(self, word: str) -> tuple[int, int, int]:
        if (word in self.stopwords or word in _SMALL_TALK or len(word) < 3 or word.isdigit()
                or _bare(word) in self.ignore):
            known = _NOT_TOPIC
        else:
            name_since = self.names.known_since(word)
            self.spellings.append(word)
            known = (self.term_ids.setdefault(stem(word), len(self.term_ids)),
                     _NEVER if name_since is None else name_since, len(self.spellings) - 1)
        self._words[word] = known
        return known


class _Postings:
    """For every term, the episodes that use it, in publication order, with its weight in each (one flat array, a
    slice per term)."""

    def __init__(self, documents: Sequence[_Document], term_count: int) -> None:
        per_term = np.zeros(term_count, dtype=np.int64)
        for document in documents:
            per_term[document.terms] += 1
        self.start = np.concatenate(([0], np.cumsum(per_term)[:-1])).astype(np.int64)
        self.episodes = np.empty(int(per_term.sum()), dtype=np.int64)
        self.weights = np.empty(int(per_term.sum()), dtype=np.float64)
        filled = self.start.copy()
        for position, document in enumerate(documents):
            self.episodes[filled[document.terms]] = position
            self.weights[filled[document.terms]] = document.weights
            filled[document.terms] += 1
        self.squares = self.weights ** 2

    def first(self, terms: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """The indices of the first counts[i] postings of each terms[i], concatenated."""
        ends = np.cumsum(counts)
        total = int(ends[-1]) if len(ends) else 0
        return np.repeat(self.start[terms] - (ends - counts), counts) + np.arange(total)


class _Catalogue:
    """The catalogue as it stood when one episode was published (it and the ones before it): document frequencies
    and vector norms as of then, and that episode's cosine similarity to each earlier one.

    idf(t) = log((1 + N) / (1 + df(t))) = L - l(t), with L = log(1 + N), l(t) = log(1 + df(t)) (no +1 smoothing: a
    term every episode uses, the show's greeting, says nothing about any one of them). An episode's squared norm,
    sum over its terms of w² (L - l)², is L² sum(w²) - 2L sum(w² l) + sum(w² l²): adding an episode changes N for
    every term but l only for its own terms, so only the episodes sharing one of them need their sums updated —
    the same postings its similarities are computed from.
    """

    def __init__(self, documents: Sequence[_Document], postings: _Postings, term_count: int) -> None:
        self.documents, self.postings = documents, postings
        self.size = 0  # episodes in it
        self.frequency = np.zeros(term_count, dtype=np.int64)  # document frequency
        count = len(documents)
        self.squares = np.array([float(np.sum(d.weights ** 2)) for d in documents])  # sum(w²), fixed
        self.squares_log = np.zeros(count)  # sum(w² l)
        self.squares_log2 = np.zeros(count)  # sum(w² l²)
        self.similarity = np.zeros(0)  # of the newest episode to each earlier one

    def rarity(self, terms: np.ndarray) -> np.ndarray:
        """The terms' inverse document frequency as of now."""
        return np.log(1.0 + self.size) - np.log1p(self.frequency[terms])

    def add_next(self) -> None:
        position, document = self.size, self.documents[self.size]
        before = self.frequency[document.terms]
        log_before, log_after = np.log1p(before), np.log1p(before + 1)
        postings = self.postings.first(document.terms, before)  # of the earlier episodes with these terms
        episodes, squares = self.postings.episodes[postings], self.postings.squares[postings]

        def per_posting(per_term: np.ndarray) -> np.ndarray:
            return np.repeat(per_term, before)

        self.squares_log[:position] += np.bincount(
            episodes, weights=squares * per_posting(log_after - log_before), minlength=position)
        self.squares_log2[:position] += np.bincount(
            episodes, weights=squares * per_posting(log_after ** 2 - log_before ** 2), minlength=position)
        own = document.weights ** 2
        self.squares_log[position], self.squares_log2[position] = np.sum(own * log_after), np.sum(own * log_after ** 2)
        self.frequency[document.terms] += 1
        self.size += 1

        query = document.weights * self.rarity(document.terms) ** 2  # the idf factor of both sides
        dots = np.bincount(episodes, weights=self.postings.weights[postings] * per_posting(query), minlength=position)
        norms = self._norms()
        self.similarity = dots / np.maximum(norms[position] * norms[:position], 1e-12)

    def _norms(self) -> np.ndarray:
        held = slice(0, self.size)
        scale = np.log(1.0 + self.size)
        squared = scale ** 2 * self.squares[held] - 2 * scale * self.squares_log[held] + self.squares_log2[held]
        return np.sqrt(np.maximum(squared, 0.0))  # rounding must not make a norm of 0 the root of a negative


class TopicIndex:
    def __init__(self, documents: Mapping[str, str], ignore: Set[str] = frozenset(), *, people: Iterable[str] = (),
                 episode_people: Mapping[str, Iterable[str]] | None = None, language: str = "en") -> None:
        """`documents`: each episode's text by slug, in publication order. `ignore`: words (or phrases) that say
        nothing about topic here (the show's title). `people`: the show's own people, whose names (and mishearings of
        them) are left out everywhere; `episode_people`: each episode's guests and hosts, left out from that episode
        on — before it, the name was just a word, and leaving it out there would change older episodes' notes.
        `language`: the show's language tag, for its stopwords."""
        self.slugs = list(documents)
        self.positions = {slug: position for position, slug in enumerate(self.slugs)}
        self._slug_rank = np.argsort(np.argsort(np.array(self.slugs, dtype=object)))  # for ties: by slug
        known = [(name, _ALWAYS) for name in people]
        known += [(name, self.positions[slug]) for slug, names in (episode_people or {}).items()
                  if slug in self.positions for name in names]
        ignored = {word for phrase in ignore for word in _spelled_words(phrase)}
        vocabulary = _Vocabulary(topic_stopwords(language), ignored, _PeopleNames(known))
        self._documents = [vocabulary.document(text, position) for position, text in enumerate(documents.values())]
        self._spellings = vocabulary.spellings
        self._term_count = len(vocabulary.term_ids)
        self._postings = _Postings(self._documents, self._term_count)
        self._catalogue = self._empty_catalogue()

    def related(self, slug: str, candidates: Sequence[str], limit: int = 3, terms: int = 3) -> list[Related]:
        """The `limit` candidates closest to `slug`, most similar first (equal ones by slug), each with its top shared
        terms, as the catalogue stood when `slug` was published: candidates published after it are not compared.

        Cheapest asked in publication order (as the feed does): each call moves the catalogue on from the last."""
        position = self.positions[slug]
        catalogue = self._catalogue_at(position)
        if list(candidates) == self.slugs[:len(candidates)]:  # the feed's: every episode up to the previous ones
            earlier = np.arange(min(len(candidates), position))
        else:
            asked = np.fromiter((self.positions.get(c, position) for c in candidates), np.int64, len(candidates))
            earlier = np.unique(asked[asked < position])
        similarity = catalogue.similarity[earlier]
        close = similarity >= MIN_SIMILARITY
        earlier, similarity = earlier[close], similarity[close]
        # Rounding noise (episodes' sums are built up in different orders) must not decide between equal ones.
        best = np.lexsort((self._slug_rank[earlier], -np.round(similarity, 9)))[:limit]
        return [Related(self.slugs[earlier[i]], round(float(similarity[i]), 3),
                        self._shared_terms(catalogue, position, int(earlier[i]), terms)) for i in best]

    def _shared_terms(self, catalogue: _Catalogue, position: int, other: int, limit: int) -> tuple[str, ...]:
        """The terms that make up most of the two episodes' similarity, as this episode spells them."""
        mine, theirs = self._documents[position], self._documents[other]
        if limit <= 0:
            return ()
        shared, in_mine, in_theirs = np.intersect1d(mine.terms, theirs.terms, assume_unique=True, return_indices=True)
        contribution = mine.weights[in_mine] * theirs.weights[in_theirs] * catalogue.rarity(shared) ** 2
        if len(contribution) > limit:  # only the top few (and any equal to the last of them) need their words
            floor = np.partition(contribution, len(contribution) - limit)[len(contribution) - limit]
            top = np.flatnonzero(contribution >= floor)
        else:
            top = np.arange(len(contribution))
        ranked = sorted((-float(contribution[i]), self._spellings[mine.spellings[in_mine[i]]]) for i in top)
        return tuple(word for negative, word in ranked[:limit] if negative < 0)

    def _catalogue_at(self, position: int) -> _Catalogue:
        if self._catalogue.size > position + 1:  # asked about an earlier episode: start again from the first
            self._catalogue = self._empty_catalogue()
        while self._catalogue.size <= position:
            self._catalogue.add_next()
        return self._catalogue

    def _empty_catalogue(self) -> _Catalogue:
        return _Catalogue(self._documents, self._postings, self._term_count)
