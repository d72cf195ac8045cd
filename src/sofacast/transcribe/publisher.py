"""A publisher's own transcript (pulled from its feed) read into segments, with webvtt-py for VTT and SRT.

Podcasting 2.0 JSON transcripts often hold one word per segment: those are joined into sentences
(a new segment at a change of speaker, after a sentence's end or at a pause), keeping each word's
times. VTT voices (`<v Name>`) and JSON `speaker` fields become the speakers' names.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import webvtt

from sofacast.errors import WorkspaceError
from sofacast.records import Segment, Word
from sofacast.sanitize import plain_text
from sofacast.workspace import PUBLISHER_TRANSCRIPT_STEM, PUBLISHER_TRANSCRIPT_SUFFIXES

ENGINE = "publisher"
PAUSE_SECONDS = 1.5
MAX_SEGMENT_SECONDS = 30.0
_SENTENCE_END = re.compile(r"[.?!…][\"')\]]*$")


@dataclass(frozen=True)
class _Piece:
    start: float
    end: float
    text: str
    speaker: str
    word: bool = False  # a JSON segment of one word: its times are a word's times


def publisher_transcript(folder: Path) -> Path | None:
    return next((folder / (PUBLISHER_TRANSCRIPT_STEM + suffix) for suffix in PUBLISHER_TRANSCRIPT_SUFFIXES
                 if (folder / (PUBLISHER_TRANSCRIPT_STEM + suffix)).is_file()), None)


def read_publisher_transcript(path: Path) -> list[Segment]:
    """The transcript's segments in time order, each with its speaker's name (or None) in `speaker`."""
    try:
        text = path.read_text("utf-8-sig")
        pieces = list(_json_pieces(text) if path.suffix == ".json" else _caption_pieces(text, path.suffix[1:]))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError, webvtt.errors.MalformedFileError) as exc:
        raise WorkspaceError(f"{path.name} is not a transcript sofacast can read ({str(exc)[:100]})",
                             f"Delete {path.name} and run 'sofacast transcribe' to transcribe the audio instead.") from None
    segments = list(_segments(sorted(pieces, key=lambda p: (p.start, p.end))))
    if not segments:
        raise WorkspaceError(f"{path.name} holds no timed text",
                             f"Delete {path.name} and run 'sofacast transcribe' to transcribe the audio instead.")
    return segments


def _caption_pieces(text: str, kind: str) -> Iterator[_Piece]:
    captions = webvtt.from_buffer(io.StringIO(text), format=kind)
    for caption in captions.captions:
        start, end = caption.start_time.in_milliseconds() / 1000, caption.end_time.in_milliseconds() / 1000
        # Cue text is markup: its tags are gone (webvtt-py), its entities are decoded here, once.
        words = plain_text(unescape(caption.text))
        if words and end >= start:
            yield _Piece(start, end, words, plain_text(getattr(caption, "voice", None) or ""))


def _json_pieces(text: str) -> Iterator[_Piece]:
    data = json.loads(text)
    entries = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError("no 'segments' list")
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        start, end = _seconds(entry.get("startTime")), _seconds(entry.get("endTime"))
        body = plain_text(unescape(str(entry.get("body") or "")))
        if start is not None and end is not None and end >= start and body:
            yield _Piece(start, end, body, plain_text(str(entry.get("speaker") or "")), word=" " not in body)


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if 0 <= value < 1e7 else None


def _segments(pieces: Iterable[_Piece]) -> Iterator[Segment]:
    group: list[_Piece] = []
    for piece in pieces:
        if group and _breaks(group, piece):
            yield _segment(group)
            group = []
        group.append(piece)
    if group:
        yield _segment(group)


def _breaks(group: list[_Piece], piece: _Piece) -> bool:
    last = group[-1]
    if piece.speaker != last.speaker or piece.start - last.end > PAUSE_SECONDS:
        return True
    if piece.end - group[0].start > MAX_SEGMENT_SECONDS:
        return True
    return len(group) > 1 and bool(_SENTENCE_END.search(last.text)) and piece.word and last.word


def _segment(group: list[_Piece]) -> Segment:
    # One-word pieces are word timings worth keeping; caption cues are not words.
    words = [Word(p.start, p.end, (" " if i else "") + p.text) for i, p in enumerate(group)] if all(
        p.word for p in group) else []
    return Segment(id=0, start=group[0].start, end=group[-1].end, text=" ".join(p.text for p in group),
                   words=words, speaker=group[0].speaker or None)
