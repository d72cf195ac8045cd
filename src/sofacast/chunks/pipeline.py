"""`sofacast chunk`: read an episode's transcript, write its Q&A chunks and chapters."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sofacast import atomic
from sofacast.chunks.build import chunks_from_boundaries, find_boundaries
from sofacast.chunks.chapters import chapters_document, publisher_chapters
from sofacast.chunks.overrides import edited_boundaries
from sofacast.errors import WorkspaceError
from sofacast.records import Chunk, Episode
from sofacast.transcripts import CHAPTERS_SUFFIX, CHUNKS_SUFFIX, DamagedFile, read_transcript
from sofacast.workspace import PUBLISHER_CHAPTERS_FILE, Workspace


@dataclass
class ChunkResult:
    slug: str
    chunks: list[Chunk]
    edited: bool  # boundaries came from episode.toml
    missing_questions: list[str]  # notes questions no chunk answers
    written: list[Path] = field(default_factory=list)

    @property
    def up_to_date(self) -> bool:
        return not self.written


def chunk_to_dict(chunk: Chunk) -> dict[str, Any]:
    return asdict(chunk)


def chunk_episode(workspace: Workspace, slug: str) -> ChunkResult:
    episode = workspace.load_episode(slug)
    show = workspace.show()
    try:
        transcript = read_transcript(workspace, slug)
    except DamagedFile as damaged:
        raise WorkspaceError(str(damaged), damaged.remedy) from None
    if transcript is None:
        raise WorkspaceError(f"{slug} has no transcript yet", f"Run: sofacast transcribe {slug}")
    detected = find_boundaries(transcript, episode, episode.host_names(show))
    edited = edited_boundaries(episode, detected)
    chunks = chunks_from_boundaries(transcript, episode, edited if edited is not None else detected)
    result = ChunkResult(slug, chunks, edited is not None, _missing(episode, chunks))
    # The publisher's own chapters, when its feed had some, rather than one per question found.
    chapters = publisher_chapters(workspace.episode_dir(slug) / PUBLISHER_CHAPTERS_FILE) or chapters_document(chunks)
    documents = {
        workspace.transcript_path(slug, CHUNKS_SUFFIX): [chunk_to_dict(c) for c in chunks],
        workspace.transcript_path(slug, CHAPTERS_SUFFIX): chapters,
    }
    for target, document in documents.items():
        if atomic.write_text_if_changed(target, atomic.dump_json(document)):
            result.written.append(target)
    return result


def _missing(episode: Episode, chunks: list[Chunk]) -> list[str]:
    found = {chunk.question_index for chunk in chunks}
    return [question for index, question in enumerate(episode.questions, 1) if index not in found]
