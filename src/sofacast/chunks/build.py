"""Cut a labelled transcript into Q&A chunks: intro, one chunk per question asked, outro.

Everything is judged on sentences, not on the engine's segments. A question turn is a host turn
that asks (or puts a show-notes question) and is answered by someone else; sentences that welcome,
introduce the guests or thank are never the question, even when they name a guest and what they do.
Chunks start where question turns start, so every boundary sits on a speaker turn, except in the
episode's opening turn, where the welcome before the first question becomes the intro.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sofacast.questions import align_questions, asking_part, asking_scores, asking_start, asks, is_ceremony
from sofacast.records import Chunk, Episode, Segment, Transcript
from sofacast.sentences import split_at, split_sentences
from sofacast.turns import Turn, group_turns

KINDS = ("intro", "question", "outro", "section")


@dataclass(frozen=True)
class Boundary:
    """Where a chunk starts, and what it is: a question (spoken, maybe matched to the notes) or intro/outro."""

    start: float
    kind: str  # one of KINDS; "section" is an edited chunk with no question
    asked: str | None = None
    asked_by: str | None = None
    question_index: int | None = None  # 1-based


@dataclass(frozen=True)
class _Asked:
    """A host turn's asking part: from its first asking sentence (or, with none, its first sentence that is
    not ceremony), and whether any sentence asks."""

    turn: Turn
    first: int
    asks: bool

    @property
    def text(self) -> str:
        return " ".join(sentence.text.strip() for sentence in self.turn.sentences[self.first:])


def interviewers(turns: Sequence[Turn], hosts: Sequence[str], questions: Sequence[str]) -> set[str]:
    """The show's hosts heard in this episode; if none is named, the voice that asks most."""
    heard = {turn.who for turn in turns if turn.who}
    present = heard & set(hosts)
    if present:
        return present
    scores = asking_scores(turns, questions)
    return {max(scores, key=lambda label: scores[label])} if scores and max(scores.values()) > 0 else set()


def _asking_part(turn: Turn) -> _Asked | None:
    texts = [sentence.text for sentence in turn.sentences]
    first = asking_part(texts)
    if first is not None:
        return _Asked(turn, first, True)
    plain = next((index for index, text in enumerate(texts) if not is_ceremony(text)), None)
    return None if plain is None else _Asked(turn, plain, False)


def question_turns(turns: Sequence[Turn], askers: set[str], questions: Sequence[str]) -> list[tuple[_Asked, int | None]]:
    """(asking part, 0-based notes index or None) for each question put on air, in order."""
    parts = [_asking_part(turn) for index, turn in enumerate(turns)
             if turn.who in askers and index + 1 < len(turns) and turns[index + 1].who not in askers]
    candidates = [part for part in parts if part is not None]
    matches = align_questions([part.text for part in candidates], questions)
    return [(part, matches.get(i)) for i, part in enumerate(candidates) if i in matches or part.asks]


def chunk_sentences(segments: Sequence[Segment]) -> list[Segment]:
    """The transcript's sentences, each one that opens the show and asks in one breath cut in two there."""
    cut: list[Segment] = []
    for sentence in split_sentences(segments):
        start = asking_start(sentence.text)
        cut += split_at(sentence, start) if start else [sentence]
    return cut


def find_boundaries(transcript: Transcript, episode: Episode, hosts: Sequence[str]) -> list[Boundary]:
    turns = group_turns(chunk_sentences(transcript.segments))
    if not turns:
        return []
    askers = interviewers(turns, hosts, episode.questions)
    boundaries = [Boundary(_start(part, turns[0]), "question", part.text, part.turn.who, None if index is None else index + 1)
                  for part, index in question_turns(turns, askers, episode.questions)]
    if not boundaries or boundaries[0].start > turns[0].start:
        # From the very start, as the last chunk runs to the very end: music or silence before the first
        # word belongs to the intro (and the first word's time depends on how Whisper was run).
        boundaries.insert(0, Boundary(0.0, "intro"))
    outro = _outro_start(turns, askers, boundaries[-1].start)
    if outro is not None:
        boundaries.append(Boundary(outro, "outro"))
    return boundaries


def _start(part: _Asked, opening: Turn) -> float:
    """A question starts where its turn starts; in the episode's opening turn, where the asking starts,
    so that the welcome before it is the intro."""
    return part.turn.sentences[part.first].start if part.turn is opening else part.turn.start


def _outro_start(turns: Sequence[Turn], askers: set[str], last_start: float) -> float | None:
    """The closing words: host turns after the last answer, when they do not ask anything."""
    closing = []
    for turn in reversed(turns):
        if turn.who not in askers or turn.start <= last_start or asks(turn.text):
            break
        closing.append(turn)
    answered = any(turn.who not in askers and turn.start > last_start for turn in turns)
    return closing[-1].start if closing and answered else None


def chunks_from_boundaries(transcript: Transcript, episode: Episode, boundaries: Sequence[Boundary]) -> list[Chunk]:
    if not boundaries:
        return []
    chunks = []
    ends = [b.start for b in boundaries[1:]] + [max([transcript.duration] + [s.end for s in transcript.segments])]
    extra = 0
    sentences = chunk_sentences(transcript.segments)
    for position, (boundary, end) in enumerate(zip(boundaries, ends, strict=True), 1):
        inside = [s for s in sentences if boundary.start <= (s.start + s.end) / 2 < end]
        if boundary.kind == "question" and boundary.question_index is None:
            extra += 1
        chunks.append(Chunk(
            id=_chunk_id(episode.slug, boundary, extra, position), episode=episode.slug, question_index=boundary.question_index,
            question=_question_text(episode, boundary), asked=boundary.asked, asked_by=boundary.asked_by,
            speaker=_answering(inside, boundary), start=round(boundary.start, 3), end=round(end, 3),
            text=" ".join(s.text.strip() for s in inside).strip(),
        ))
    return chunks


def _chunk_id(slug: str, boundary: Boundary, extra: int, position: int) -> str:
    if boundary.kind == "section":
        return f"{slug}-part{position}"
    if boundary.kind != "question":
        return f"{slug}-{boundary.kind}"
    return f"{slug}-q{boundary.question_index}" if boundary.question_index else f"{slug}-extra{extra}"


def _question_text(episode: Episode, boundary: Boundary) -> str | None:
    if boundary.kind != "question":
        return None
    if boundary.question_index:
        return episode.questions[boundary.question_index - 1]
    return boundary.asked


def _answering(segments: Sequence[Segment], boundary: Boundary) -> str | list[str] | None:
    """Who answers (everyone but the asker, in order of appearance); for intro/outro, everyone heard."""
    heard = list(dict.fromkeys(s.speaker for s in segments if s.speaker))
    people = [who for who in heard if who != boundary.asked_by] if boundary.kind == "question" else heard
    if not people:
        return None
    return people[0] if len(people) == 1 else people


