"""A publisher's own transcript and chapters, brought in beside the media when the feed links them.

They are kept as the publisher wrote them, in the episode's folder (`publisher-transcript.<ext>`,
`publisher-chapters.json`); `transcribe` reads the transcript instead of running Whisper (unless
`--force`), and `chunk` publishes the publisher's chapters instead of one per detected question.
A link that cannot be fetched or is not what it claims is reported and left out: the episode is still pulled.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sofacast import atomic
from sofacast.errors import SourceError
from sofacast.formats.chapters_json import chapter, chapters_json
from sofacast.pull import ytdlp
from sofacast.pull.facts import SourceFacts, TranscriptRef
from sofacast.workspace import PUBLISHER_CHAPTERS_FILE as CHAPTERS_FILE
from sofacast.workspace import PUBLISHER_TRANSCRIPT_STEM as TRANSCRIPT_STEM

log = logging.getLogger(__name__)
MAX_BYTES = 10 * 1024 * 1024
# Transcript formats sofacast reads, best first: JSON and VTT name the speakers, SRT does not.
TRANSCRIPT_FORMATS = {"application/json": ".json", "text/vtt": ".vtt", "application/x-subrip": ".srt",
                      "application/srt": ".srt", "text/srt": ".srt"}


@dataclass(frozen=True)
class PublisherFiles:
    files: dict[str, bytes]  # file name in the episode's folder -> content
    said: list[str]  # what was imported, for the pull's output ("transcript (VTT)", "chapters")


def publisher_files(facts: SourceFacts) -> PublisherFiles:
    files: dict[str, bytes] = {}
    said: list[str] = []
    transcript = _best_transcript(facts.transcripts)
    if transcript is not None:
        suffix = TRANSCRIPT_FORMATS[transcript.mime]
        body = _download(transcript.url, "transcript")
        if body is not None and _looks_like(suffix, body):
            files[TRANSCRIPT_STEM + suffix] = body
            said.append(f"transcript ({suffix[1:].upper()})")
    chapters = _chapters(facts)
    if chapters is not None:
        files[CHAPTERS_FILE] = chapters
        said.append("chapters")
    return PublisherFiles(files, said)


def _best_transcript(refs: tuple[TranscriptRef, ...]) -> TranscriptRef | None:
    usable = [ref for ref in refs if ref.mime in TRANSCRIPT_FORMATS]
    order = list(TRANSCRIPT_FORMATS)
    return min(usable, key=lambda ref: order.index(ref.mime), default=None)


def _chapters(facts: SourceFacts) -> bytes | None:
    if facts.chapters_url:
        body = _download(facts.chapters_url, "chapters")
        document = _json_object(body) if body is not None else None
        if document is not None and isinstance(document.get("chapters"), list):
            return body
    if facts.chapters:  # psc:chapters, inline in the feed: kept in the JSON chapters format
        return atomic.dump_json(chapters_json(chapter(c.start, c.title) for c in facts.chapters)).encode()
    return None


def _download(url: str, what: str) -> bytes | None:
    try:
        fetched = ytdlp.fetch(url, MAX_BYTES)
    except SourceError as exc:
        log.warning("the publisher's %s was not imported: %s", what, exc.problem)
        return None
    if not fetched.complete:
        log.warning("the publisher's %s at %s is larger than %d MB, so it was not imported", what, url, MAX_BYTES // 2**20)
        return None
    return fetched.body


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _looks_like(suffix: str, body: bytes) -> bool:
    """A cheap check of the format a link claims, so an error page is not kept as a transcript."""
    if suffix == ".json":
        return _json_object(body) is not None
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if suffix == ".vtt":
        return text.lstrip().startswith("WEBVTT")
    return "-->" in text
