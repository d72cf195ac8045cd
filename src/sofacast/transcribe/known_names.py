"""Known names heard right: a close mishearing of a name the show knows is written as that name.

tiny.en has rarely heard the names of a show's people and writes what they sound like: "Fenric" for
Henrik, "Sarto" for Sato, "Alina" for Elena. Every one of those names is known before transcribing
(the hosts and people of sofacast.toml, the guests and hosts of episode.toml), so a word is taken for
a misheard name when all of these hold:
  - it is written as a name (capitalised) and is not itself a known name;
  - it is not a common word of the show's language (wordfreq's Zipf frequency below COMMON_ZIPF: "March"
    stays March even on a show hosted by Elena Marsh, and so do common names like Thomas);
  - it differs from a name, or from a whole name written as one word, by at most a few letters
    (Damerau-Levenshtein, relative to the name's length).
The word record keeps what the engine wrote (`heard`), so the correction can be checked and undone, and
it is redone from what was heard on every run: renaming a guest in episode.toml applies at once.

Giving the engine the names as hotwords or a prompt was measured too (README, "How names are found"):
with tiny.en it drops or invents speech near the start of a window, so it is not done.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

import jellyfish
from wordfreq import available_languages, zipf_frequency

from sofacast.records import Episode, Segment, Show, Word
from sofacast.sentences import whole_words, words_spell_text

# Zipf frequency 3.5 is about three uses per million words: "march", "eleven", "thomas" are above it;
# "alina", "sarto", "fenric" are below.
COMMON_ZIPF = 3.5
# How many letters a mishearing may differ by, per letter of the name (at least one).
EDITS_PER_LETTER = 0.4
MIN_NAME_LETTERS = 3
_AFFIXES = re.compile(r"^(?P<lead>\W*)(?P<core>[\w'’-]+?)(?P<tail>(?:['’]s)?\W*)$")


def episode_people(show: Show, episode: Episode) -> list[str]:
    """Who is on this episode: its hosts (a guest host, else the show's) and guests (what the engine is told)."""
    names = [*episode.host_names(show), *(guest.name for guest in episode.guests)]
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))


def people_names(show: Show, episode: Episode) -> list[str]:
    """Everyone the show and the episode name, in a stable order (what a misheard word may be)."""
    others = [*show.hosts, *show.people]  # a regular host away this week is still mentioned by name
    return list(dict.fromkeys([*episode_people(show, episode), *(name.strip() for name in others if name.strip())]))


def _name_words(names: Iterable[str]) -> dict[str, str]:
    """Lowercased letters-only form -> the name as written ("okafor" -> "Okafor"): each word of each name,
    and each whole name, which the engine sometimes writes as one word ("Pre-Aremen" for Priya Raman)."""
    words: dict[str, str] = {}
    for name in names:
        parts = [word.strip(",.;:") for word in name.split() if word[:1].isupper()]
        for written in [*parts, " ".join(parts)] if len(parts) > 1 else parts:
            key = _letters(written)
            if len(key) >= MIN_NAME_LETTERS:
                words.setdefault(key, written)
    return words


def _letters(word: str) -> str:
    return re.sub(r"[^\w]|_", "", word).lower()


class NameHearing:
    """Finds which known name a written word is a mishearing of."""

    def __init__(self, names: Iterable[str], language: str) -> None:
        self.known = _name_words(names)
        self.language = language if language in available_languages() else None

    def name_for(self, written: str) -> str | None:
        """The known name word `written` (one word, no spaces or punctuation) mishears, or None."""
        key = _letters(written)
        if (not self.language or not written[:1].isupper() or len(key) < MIN_NAME_LETTERS or key in self.known
                or zipf_frequency(key, self.language) >= COMMON_ZIPF):
            return None
        scored = sorted((jellyfish.damerau_levenshtein_distance(key, name), name) for name in self.known
                        if jellyfish.damerau_levenshtein_distance(key, name) <= max(1, round(EDITS_PER_LETTER * len(name))))
        if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
            return None  # nothing close, or two names equally close: which one was meant is not known
        return self.known[scored[0][1]]


def restore_heard(segments: Sequence[Segment]) -> None:
    """Put back what the engine wrote wherever a name was put in its place."""
    for segment in segments:
        if any(word.heard is not None for word in segment.words):
            spelled = words_spell_text(segment)
            segment.words = [replace(word, word=word.heard, heard=None) if word.heard is not None else word
                             for word in segment.words]
            if spelled:
                segment.text = "".join(word.word for word in segment.words).strip()


def correct_names(segments: Sequence[Segment], hearing: NameHearing) -> int:
    """Write known names where they were misheard (words and text); returns how many words changed."""
    changed = 0
    for segment in segments:
        if not segment.words or not words_spell_text(segment):
            continue  # without word records (or with a text a person corrected) nothing can keep what was heard
        words: list[Word] = []
        for group in whole_words(segment.words):
            corrected = _corrected(group, hearing)
            changed += corrected is not None
            words += [corrected] if corrected is not None else group
        if len(words) != len(segment.words) or any(a is not b for a, b in zip(words, segment.words, strict=True)):
            segment.words = words
            segment.text = "".join(word.word for word in words).strip()
    return changed


def _corrected(group: list[Word], hearing: NameHearing) -> Word | None:
    """The pieces of one spoken word as one word with the name written in, or None if it is no mishearing."""
    spelled = "".join(word.word for word in group)
    match = _AFFIXES.match(spelled.strip())
    if not match:
        return None
    name = hearing.name_for(match["core"])
    if name is None:
        return None
    leading_space = spelled[: len(spelled) - len(spelled.lstrip())]
    written = f"{leading_space}{match['lead']}{name}{match['tail']}"
    return Word(group[0].start, group[-1].end, written, min(word.probability for word in group), heard=spelled)
