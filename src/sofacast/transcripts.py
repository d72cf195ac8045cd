"""Reading an episode's derived files in transcripts/: the transcript, its Q&A chunks and chapters.

These files are made by `transcribe` and `chunk` and can always be made again, so one that cannot be
read (truncated, not JSON, the wrong shape) is treated as missing, with a warning that says which
command makes it again. A file that is missing is simply None.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sofacast.errors import WorkspaceError
from sofacast.formats.transcript_json import DamagedTranscriptError, finite_seconds, transcript_from_dict
from sofacast.jsonfile import MISSING, UnreadableJson, read_json
from sofacast.records import Transcript
from sofacast.workspace import Workspace

log = logging.getLogger(__name__)
CHUNKS_SUFFIX = ".chunks.json"
CHAPTERS_SUFFIX = ".chapters.json"


class DamagedFile(ValueError):
    """A derived file that exists but cannot be read."""

    def __init__(self, path: Path, reason: str, remedy: str) -> None:
        super().__init__(f"{path.parent.name}/{path.name} cannot be read ({reason})")
        self.path, self.reason, self.remedy = path, reason, remedy


def _json(path: Path, remedy: str) -> Any:
    """The parsed file, or MISSING; DamagedFile when it is there but not JSON."""
    try:
        return read_json(path)
    except UnreadableJson as exc:
        raise DamagedFile(path, exc.reason, remedy) from None


def derived_path(workspace: Workspace, slug: str, suffix: str = ".json") -> Path:
    """transcripts/<slug><suffix>, refused when it is a link that leads out of the workspace: whatever it points
    at would be read, published on the site and linked from the feed as the show's own text."""
    path = workspace.transcript_path(slug, suffix)
    resolved = Path(os.path.realpath(path))  # not Path.resolve: a link loop is a missing file here, not an error
    if not resolved.is_relative_to(os.path.realpath(workspace.root)):
        command = "chunk" if suffix in (CHUNKS_SUFFIX, CHAPTERS_SUFFIX) else "transcribe"
        raise WorkspaceError(f"transcripts/{path.name} is a link to {resolved}, outside the workspace",
                             f"Put the file itself there instead of the link, or delete the link and run "
                             f"'sofacast {command} {slug}' to make it again.")
    return path


def warn(damaged: DamagedFile) -> None:
    log.warning("%s; treating it as missing. %s", damaged, damaged.remedy)


def read_transcript(workspace: Workspace, slug: str, with_words: bool = True) -> Transcript | None:
    """The transcript, or None when there is none; DamagedFile when one exists but cannot be read."""
    path = derived_path(workspace, slug)
    remedy = f"Run 'sofacast transcribe {slug} --force' to make it again."
    data = _json(path, remedy)
    if data is MISSING:
        return None
    try:
        transcript = transcript_from_dict(data, with_words)
    except DamagedTranscriptError as exc:
        raise DamagedFile(path, str(exc), remedy) from None
    transcript.episode = slug  # the file's name says which episode it is, whatever it holds
    return transcript


def transcript_or_none(workspace: Workspace, slug: str, with_words: bool = True) -> Transcript | None:
    try:
        return read_transcript(workspace, slug, with_words)
    except DamagedFile as damaged:
        warn(damaged)
        return None


def _time_ok(value: Any) -> bool:
    return finite_seconds(value) is not None


def _chunk_ok(chunk: Any) -> bool:
    return (isinstance(chunk, dict) and _time_ok(chunk.get("start")) and _time_ok(chunk.get("end"))
            and isinstance(chunk.get("id", ""), str) and isinstance(chunk.get("question") or "", str)
            and (chunk.get("question_index") is None or type(chunk.get("question_index")) is int))


def _valid_chunks(data: Any) -> list[dict[str, Any]] | None:
    return data if isinstance(data, list) and all(_chunk_ok(chunk) for chunk in data) else None


def _valid_chapters(data: Any) -> list[dict[str, Any]] | None:
    chapters = data.get("chapters") if isinstance(data, dict) else None
    ok = isinstance(chapters, list) and all(
        isinstance(c, dict) and _time_ok(c.get("startTime")) and isinstance(c.get("title"), str) for c in chapters)
    return chapters if ok else None


def _derived(workspace: Workspace, slug: str, suffix: str, valid: Callable[[Any], Any], shape: str) -> Any:
    """A file `chunk` makes, checked by `valid`; None when missing, or damaged (with a warning)."""
    path = derived_path(workspace, slug, suffix)
    remedy = f"Run 'sofacast chunk {slug}' to make it again."
    try:
        data = _json(path, remedy)
        if data is MISSING:
            return None
        checked = valid(data)
        if checked is None:
            raise DamagedFile(path, f"not {shape}", remedy)
    except DamagedFile as damaged:
        warn(damaged)
        return None
    return checked


def chunks_or_none(workspace: Workspace, slug: str) -> list[dict[str, Any]] | None:
    """The Q&A chunks as stored (a list of objects with finite start/end), or None."""
    return _derived(workspace, slug, CHUNKS_SUFFIX, _valid_chunks, "a list of chunks with start and end times")


def chapters_or_none(workspace: Workspace, slug: str) -> list[dict[str, Any]] | None:
    """The chapters (objects with a finite startTime and a title), or None."""
    return _derived(workspace, slug, CHAPTERS_SUFFIX, _valid_chapters, "Podcasting 2.0 chapters")
