"""Cut segments into subtitle cues short enough to read (at most MAX_CUE_CHARS characters)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sofacast.records import Segment, Word

MAX_CUE_CHARS = 65


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    speaker: str | None


def cues(segments: list[Segment], max_chars: int = MAX_CUE_CHARS) -> Iterator[Cue]:
    for segment in segments:
        text = segment.text.strip()
        if not text:
            continue
        if len(text) <= max_chars:
            yield Cue(segment.start, segment.end, text, segment.speaker)
        elif segment.words:
            yield from _split_by_words(segment, max_chars)
        else:
            yield from _split_by_characters(segment, text, max_chars)


def _split_by_words(segment: Segment, max_chars: int) -> Iterator[Cue]:
    line: list[Word] = []
    for word in segment.words:
        candidate = "".join(w.word for w in [*line, word]).strip()
        if line and len(candidate) > max_chars:
            yield _cue_from_words(line, segment.speaker)
            line = []
        line.append(word)
    if line:
        yield _cue_from_words(line, segment.speaker)


def _cue_from_words(words: list[Word], speaker: str | None) -> Cue:
    text = "".join(w.word for w in words).strip()
    if len(text) > MAX_CUE_CHARS:  # a single over-long "word" (a URL, say)
        text = text[: MAX_CUE_CHARS - 1] + "…"
    return Cue(words[0].start, words[-1].end, text, speaker)


def _split_by_characters(segment: Segment, text: str, max_chars: int) -> Iterator[Cue]:
    """No word timings: share the segment's time out by character count."""
    pieces: list[str] = []
    current = ""
    for token in text.split():
        if current and len(current) + 1 + len(token) > max_chars:
            pieces.append(current)
            current = token
        else:
            current = f"{current} {token}".strip()
    pieces.append(current[:max_chars])
    total = sum(len(p) for p in pieces) or 1
    cursor = segment.start
    for piece in pieces:
        end = cursor + (segment.end - segment.start) * len(piece) / total
        yield Cue(cursor, end, piece, segment.speaker)
        cursor = end
