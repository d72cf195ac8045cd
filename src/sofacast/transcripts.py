"""Reading an episode's derived files in transcripts/: the transcript, its Q&A chunks and chapters.

These files are made by `transcribe` and `chunk` and can always be made again, so one that cannot be
read (truncated, not JSON, the wrong shape) is treated as missing, with a warning that says which
command makes it again. A file that is missing is simply None.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import Any

from sofacast.formats.transcript_json import DamagedTranscriptError, transcript_from_dict
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


MISSING = object()


def _json(path: Path, remedy: str) -> Any:
    """The parsed file, or MISSING; DamagedFile when it is there but not JSON."""
    try:
        return json.loads(path.read_bytes().decode("utf-8"), parse_constant=_no_constants)
    except FileNotFoundError:
        return MISSING
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DamagedFile(path, _reason(exc), remedy) from None


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def warn(damaged: DamagedFile) -> None:
    log.warning("%s; treating it as missing. %s", damaged, damaged.remedy)


def read_transcript(workspace: Workspace, slug: str, with_words: bool = True) -> Transcript | None:
    """The transcript, or None when there is none; DamagedFile when one exists but cannot be read."""
    path = workspace.transcript_path(slug)
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
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _chunk_ok(chunk: Any) -> bool:
    return (isinstance(chunk, dict) and _time_ok(chunk.get("start")) and _time_ok(chunk.get("end"))
            and isinstance(chunk.get("id", ""), str) and isinstance(chunk.get("question") or "", str)
            and (chunk.get("question_index") is None or type(chunk.get("question_index")) is int))


def chunks_or_none(workspace: Workspace, slug: str) -> list[dict[str, Any]] | None:
    """The Q&A chunks as stored (a list of objects with finite start/end), or None (warning when damaged)."""
    path = workspace.transcript_path(slug, CHUNKS_SUFFIX)
    remedy = f"Run 'sofacast chunk {slug}' to make it again."
    try:
        data = _json(path, remedy)
        if data is MISSING:
            return None
        if not (isinstance(data, list) and all(_chunk_ok(chunk) for chunk in data)):
            raise DamagedFile(path, "not a list of chunks with start and end times", remedy)
    except DamagedFile as damaged:
        warn(damaged)
        return None
    return data


def chapters_or_none(workspace: Workspace, slug: str) -> list[dict[str, Any]] | None:
    """The chapters (objects with a finite startTime and a title), or None (warning when damaged)."""
    path = workspace.transcript_path(slug, CHAPTERS_SUFFIX)
    remedy = f"Run 'sofacast chunk {slug}' to make it again."
    try:
        data = _json(path, remedy)
        if data is MISSING:
            return None
        chapters = data.get("chapters") if isinstance(data, dict) else None
        if not (isinstance(chapters, list) and all(isinstance(c, dict) and _time_ok(c.get("startTime"))
                                                   and isinstance(c.get("title"), str) for c in chapters)):
            raise DamagedFile(path, "not Podcasting 2.0 chapters", remedy)
    except DamagedFile as damaged:
        warn(damaged)
        return None
    return chapters
