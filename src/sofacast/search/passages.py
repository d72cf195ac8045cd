"""Answer-sized passages for search: consecutive sentences of one speaker within one Q&A chunk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sofacast.records import Episode, Transcript
from sofacast.sentences import split_sentences
from sofacast.transcripts import chunks_or_none, transcript_or_none
from sofacast.workspace import Workspace

# A passage stops growing at a sentence end past this many words, so a hit points near its words.
MAX_WORDS = 80


@dataclass
class Passage:
    episode: str
    speaker: str
    question: str
    question_index: int | None
    chunk: str
    start: float
    end: float
    text: str
    # Filled per episode:
    episode_title: str = ""
    published: str = ""
    guests: list[str] = field(default_factory=list)


def _chunk_at(chunks: list[dict[str, Any]], moment: float) -> dict[str, Any] | None:
    found = None
    for chunk in chunks:
        if chunk["start"] <= moment:
            found = chunk
        else:
            break
    return found


def build_passages(transcript: Transcript, chunks: list[dict[str, Any]]) -> list[Passage]:
    passages: list[Passage] = []
    chunks = sorted(chunks, key=lambda c: c["start"])
    for sentence in split_sentences(transcript.segments):
        text = sentence.text.strip()
        if not text:
            continue
        chunk = _chunk_at(chunks, (sentence.start + sentence.end) / 2) or {}
        speaker = sentence.speaker or ""
        key = (speaker, chunk.get("id", ""))
        last = passages[-1] if passages else None
        if last and (last.speaker, last.chunk) == key and len(last.text.split()) < MAX_WORDS:
            last.text = f"{last.text} {text}"
            last.end = sentence.end
            continue
        passages.append(Passage(transcript.episode, speaker, chunk.get("question") or "", chunk.get("question_index"),
                                chunk.get("id", ""), sentence.start, sentence.end, text))
    return passages


def episode_passages(workspace: Workspace, episode: Episode) -> list[Passage]:
    """The passages of one episode from its files; none if it has no transcript yet."""
    transcript = transcript_or_none(workspace, episode.slug)  # word timings: passages start on sentences
    if transcript is None:
        return []
    passages = build_passages(transcript, chunks_or_none(workspace, episode.slug) or [])
    for passage in passages:
        passage.episode = episode.slug
        passage.episode_title = episode.title
        passage.published = episode.published[:10]
        passage.guests = [guest.name for guest in episode.guests]
    return passages
