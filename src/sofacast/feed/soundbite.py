"""The episode's soundbite (`podcast:soundbite`): the most quotable 15-60 s of its answers.

How it is chosen, so that a producer can predict it (and override it in episode.toml with
`soundbite = {start = 62.5, duration = 30.0, title = "…"}`, or turn it off with `soundbite = false`):

1. Only answers count: the Q&A chunks that have a question (the intro and the outro have none), and
   in them only what the people answering say (the chunk's `speaker`), never the one who asked.
2. Answers are cut into sentences (`sofacast.sentences`: the same sentences as captions and search;
   they never cross a change of voice).
3. A candidate is a run of consecutive sentences of one answer, 15 to 60 s from its first word to its
   last, that holds no question (no sentence ending in `?`) and that nobody else interrupts.
4. Each candidate scores
       the mean probability of its words (0-1: how sure Whisper was of every word; 0.5 without words)
     + 0.5 if it starts a thought: the first word is capitalised and not a connective (and, but, because, so…)
     + 0.5 if it ends a thought: its last sentence ends in `.`, `!` or `…`
     + 0.25 × min(duration, 30 s) / 30 s: longer is better, up to half a minute
     − 0.5 for every change of voice inside it (two guests answering one question)
   The highest score wins; a tie goes to the earlier start, then to the shorter bite. The same
   chunks and transcript always give the same soundbite.
5. When no answer holds 15 s of uninterrupted speech, there is no soundbite.

Its title is the question it answers. Times are in the episode's own audio (before any intro clip).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sofacast.records import Chunk, Segment
from sofacast.sanitize import plain_text
from sofacast.sentences import split_sentences

MIN_SECONDS = 15.0
MAX_SECONDS = 60.0
TITLE_CHARS = 128  # Podcasting 2.0: longer titles may be cut by aggregators
NO_WORDS_PROBABILITY = 0.5  # a segment without word timestamps: neither trusted nor distrusted
CONNECTIVES = frozenset({"and", "but", "because", "so", "or", "then", "also", "which", "that", "yet", "plus", "nor"})
_CLOSING = " \"'”’»)]"


@dataclass(frozen=True)
class Soundbite:
    start: float  # seconds
    duration: float
    title: str = ""


@dataclass(frozen=True)
class Sentence:
    start: float
    end: float
    text: str
    speaker: str
    words: int
    probability_sum: float

    @property
    def is_question(self) -> bool:
        return self.text.rstrip(_CLOSING).endswith("?")


def chunks_from_stored(stored: list[dict[str, Any]]) -> list[Chunk]:
    """transcripts/<slug>.chunks.json (as sofacast.transcripts.chunks_or_none reads it) as Chunk records."""
    def names(value: Any) -> str | list[str] | None:
        if isinstance(value, list):
            return [name for name in value if isinstance(name, str)]
        return value if isinstance(value, str) else None

    return [Chunk(id=str(c.get("id", "")), episode=str(c.get("episode", "")), question_index=c.get("question_index"),
                  question=c.get("question"), asked=c.get("asked") if isinstance(c.get("asked"), str) else None,
                  asked_by=c.get("asked_by") if isinstance(c.get("asked_by"), str) else None,
                  speaker=names(c.get("speaker")), start=float(c["start"]), end=float(c["end"]),
                  text=str(c.get("text", ""))) for c in stored]


def _answers(sentence: Segment, chunk: Chunk) -> bool:
    """Whether the sentence is said by someone answering the chunk's question."""
    speakers = [chunk.speaker] if isinstance(chunk.speaker, str) else list(chunk.speaker or [])
    if speakers:
        return sentence.speaker in speakers
    return sentence.speaker != chunk.asked_by


def _sentence(sentence: Segment) -> Sentence:
    count = len(sentence.words) or max(1, len(sentence.text.split()))
    probability = sum(w.probability for w in sentence.words) if sentence.words else count * NO_WORDS_PROBABILITY
    return Sentence(sentence.start, sentence.end, sentence.text.strip(), sentence.speaker or "", count, probability)


def answer_stretches(chunk: Chunk, sentences: Sequence[Segment]) -> list[list[Sentence]]:
    """The chunk's answering speech (of the transcript's `sentences`), split wherever someone else (the asker) speaks."""
    stretches: list[list[Sentence]] = [[]]
    for sentence in sentences:
        if not chunk.start <= sentence.start < chunk.end:
            continue
        if _answers(sentence, chunk):
            stretches[-1].append(_sentence(sentence))
        elif stretches[-1]:
            stretches.append([])
    return [stretch for stretch in stretches if stretch]


def _starts_a_thought(sentence: Sentence) -> bool:
    words = sentence.text.split()
    first = words[0].strip("\"'“‘«([") if words else ""
    return bool(first) and (first[0].isupper() or first[0].isdigit()) and first.rstrip(",;:.!?").lower() not in CONNECTIVES


def _ends_a_thought(sentence: Sentence) -> bool:
    return sentence.text.rstrip(_CLOSING).endswith((".", "!", "…"))


def score(run: Sequence[Sentence]) -> float:
    """How quotable a run of sentences is (the module's docstring explains each term)."""
    words = sum(s.words for s in run)
    confidence = sum(s.probability_sum for s in run) / words if words else NO_WORDS_PROBABILITY
    duration = run[-1].end - run[0].start
    voice_changes = sum(1 for before, after in pairwise(run) if before.speaker != after.speaker)
    return (confidence + 0.5 * _starts_a_thought(run[0]) + 0.5 * _ends_a_thought(run[-1])
            + 0.25 * min(duration, 30.0) / 30.0 - 0.5 * voice_changes)


def candidates(stretch: list[Sentence]) -> Iterator[list[Sentence]]:
    """Every run of consecutive sentences of 15-60 s without a question."""
    for first in range(len(stretch)):
        for last in range(first, len(stretch)):
            if stretch[last].is_question:
                break
            duration = stretch[last].end - stretch[first].start
            if duration > MAX_SECONDS:
                break
            if duration >= MIN_SECONDS:
                yield stretch[first:last + 1]


def _title(question: str | None) -> str:
    text = plain_text(question)
    if len(text) <= TITLE_CHARS:
        return text
    return text[:TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def pick_soundbite(chunks: Sequence[Chunk], segments: Sequence[Segment]) -> Soundbite | None:
    """The most quotable run of answer sentences, or None when no answer has 15 s of uninterrupted speech."""
    best: tuple[tuple[float, float, float], Soundbite] | None = None
    sentences = split_sentences(sorted(segments, key=lambda s: (s.start, s.end)))
    for chunk in chunks:
        if chunk.question is None:  # the intro and the outro
            continue
        for stretch in answer_stretches(chunk, sentences):
            for run in candidates(stretch):
                start, duration = run[0].start, run[-1].end - run[0].start
                key = (score(run), -start, -duration)
                if best is None or key > best[0]:
                    best = (key, Soundbite(round(start, 3), round(duration, 3), _title(chunk.question)))
    return best[1] if best else None
