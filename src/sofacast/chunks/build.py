"""Cut a labelled transcript into Q&A chunks: intro, one chunk per question asked, outro.

A question turn is a host turn that asks (or puts a show-notes question) and is answered by
someone else. Chunks start where question turns start, so every boundary sits on a speaker turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sofacast.questions import align_questions, asking_scores, asks
from sofacast.records import Chunk, Episode, Segment, Transcript
from sofacast.turns import Turn, group_turns


@dataclass(frozen=True)
class Boundary:
    """Where a chunk starts, and what it is: a question (spoken, maybe matched to the notes) or intro/outro."""

    start: float
    kind: str  # "intro", "question", "outro", or "section" (an edited chunk with no question)
    asked: str | None = None
    asked_by: str | None = None
    question_index: int | None = None  # 1-based


def interviewers(transcript: Transcript, hosts: Sequence[str], questions: Sequence[str]) -> set[str]:
    """The show's hosts heard in this episode; if none is named, the voice that asks most."""
    heard = {s.speaker for s in transcript.segments if s.speaker}
    present = heard & set(hosts)
    if present:
        return present
    scores = asking_scores(group_turns(transcript.segments), questions)
    return {max(scores, key=lambda label: scores[label])} if scores and max(scores.values()) > 0 else set()


def question_turns(turns: Sequence[Turn], askers: set[str], questions: Sequence[str]) -> list[tuple[Turn, int | None]]:
    """(turn, 0-based notes index or None) for each question put on air, in order."""
    candidates = [turn for index, turn in enumerate(turns)
                  if turn.who in askers and index + 1 < len(turns) and turns[index + 1].who not in askers]
    matches = align_questions([turn.text for turn in candidates], questions)
    return [(turn, matches.get(i)) for i, turn in enumerate(candidates) if i in matches or asks(turn.text)]


def find_boundaries(transcript: Transcript, episode: Episode, hosts: Sequence[str]) -> list[Boundary]:
    turns = group_turns(transcript.segments)
    if not turns:
        return []
    askers = interviewers(transcript, hosts, episode.questions)
    asked = question_turns(turns, askers, episode.questions)
    boundaries = [Boundary(turn.start, "question", turn.text, turn.who, None if index is None else index + 1)
                  for turn, index in asked]
    if asked and asked[0][0] is turns[0]:
        boundaries[0] = _after_welcome(asked[0][0], boundaries[0])
    if not boundaries or boundaries[0].start > turns[0].start:
        boundaries.insert(0, Boundary(turns[0].start, "intro"))
    outro = _outro_start(turns, askers, boundaries[-1].start)
    if outro is not None:
        boundaries.append(Boundary(outro, "outro"))
    return boundaries


def _after_welcome(opening: Turn, boundary: Boundary) -> Boundary:
    """When the host's first words both welcome and ask, the question starts at its first asking segment.

    Only the episode's opening turn is cut inside a turn: an intro chunk must exist for the welcome.
    """
    for index, segment in enumerate(opening.segments):
        if asks(segment.text):
            if index == 0:
                return boundary
            asked = " ".join(s.text.strip() for s in opening.segments[index:])
            return Boundary(segment.start, "question", asked, boundary.asked_by, boundary.question_index)
    return boundary


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
    for position, (boundary, end) in enumerate(zip(boundaries, ends, strict=True), 1):
        inside = [s for s in transcript.segments if boundary.start <= (s.start + s.end) / 2 < end]
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


