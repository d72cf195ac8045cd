"""The canonical transcript JSON (transcripts/<slug>.json): to and from the typed records.

Reading checks the shape as it goes: a file that is not this format (truncated, `null`, wrong types,
NaN times) raises `DamagedTranscriptError` rather than yielding a record that breaks later.
"""

from __future__ import annotations

import math
from typing import Any

from sofacast.records import Segment, Transcript, Word


class DamagedTranscriptError(ValueError):
    """The data is not a canonical transcript."""


def _round(seconds: float) -> float:
    return round(float(seconds), 3)


def transcript_to_dict(transcript: Transcript) -> dict[str, Any]:
    return {
        "episode": transcript.episode,
        "language": transcript.language,
        "duration": _round(transcript.duration),
        "engine": transcript.engine,
        "model": transcript.model,
        "options": transcript.options,
        "source": transcript.source,
        "speakers": transcript.speakers,
        "diarization": transcript.diarization,
        "segments": [
            {
                "id": s.id, "start": _round(s.start), "end": _round(s.end), "speaker": s.speaker,
                "label": s.label, "text": s.text.strip(),
                "words": [{"start": _round(w.start), "end": _round(w.end), "word": w.word,
                           "probability": round(w.probability, 3)} for w in s.words],
            }
            for s in transcript.segments
        ],
    }


def finite_seconds(value: Any) -> float | None:
    """`value` as seconds if it is a finite, non-negative number (a 400-digit integer is not), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        seconds = float(value)
    except OverflowError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _seconds(value: Any, what: str) -> float:
    seconds = finite_seconds(value)
    if seconds is None:
        raise DamagedTranscriptError(f"{what} is {str(value)[:40]}, not a time in seconds")
    return seconds


def _text(value: Any, what: str, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise DamagedTranscriptError(f"{what} is {type(value).__name__}, not text")
    return value


def _table(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DamagedTranscriptError(f"{what} is {type(value).__name__}, not an object")
    return value


def _word(data: Any) -> Word:
    data = _table(data, "a word")
    probability = finite_seconds(data.get("probability", 1.0))
    if probability is None:
        probability = 1.0
    return Word(_seconds(data.get("start"), "a word's start"), _seconds(data.get("end"), "a word's end"),
                _text(data.get("word"), "a word"), float(probability))


def _segment(data: Any, with_words: bool) -> Segment:
    data = _table(data, "a segment")
    words = data.get("words", [])
    if not isinstance(words, list):  # checked even when the words are not read: the file is damaged either way
        raise DamagedTranscriptError("a segment's words are not a list")
    words = words if with_words else []
    index = data.get("id", 0)
    return Segment(
        id=index if isinstance(index, int) and not isinstance(index, bool) else 0,
        start=_seconds(data.get("start"), "a segment's start"), end=_seconds(data.get("end"), "a segment's end"),
        text=_text(data.get("text"), "a segment's text"), speaker=_text(data.get("speaker"), "a speaker", optional=True),
        label=_text(data.get("label"), "a speaker label", optional=True), words=[_word(w) for w in words],
    )


def transcript_from_dict(data: Any, with_words: bool = True) -> Transcript:
    """The record; `with_words=False` skips the word timings (for readers that never use them: search)."""
    data = _table(data, "the transcript")
    segments = data.get("segments", [])
    if not isinstance(segments, list):
        raise DamagedTranscriptError("its segments are not a list")
    speakers = _table(data.get("speakers", {}), "speakers")
    return Transcript(
        episode=_text(data.get("episode", ""), "episode"), language=_text(data.get("language", "en"), "language"),
        duration=_seconds(data.get("duration", 0.0), "duration"), engine=_text(data.get("engine", ""), "engine"),
        model=_text(data.get("model", ""), "model"), options=_table(data.get("options", {}), "options"),
        source=_table(data.get("source", {}), "source"),
        speakers={str(k): _text(v, "a speaker name") for k, v in speakers.items()},
        diarization=_table(data.get("diarization", {}), "diarization"),
        segments=[_segment(s, with_words) for s in segments],
    )
