"""The canonical transcript JSON (transcripts/<slug>.json): to and from the typed records.

Reading checks the shape as it goes: a file that is not this format (truncated, `null`, wrong types,
NaN times) raises `DamagedTranscriptError` rather than yielding a record that breaks later.
"""

from __future__ import annotations

import math
from dataclasses import asdict, fields
from typing import Any

from sofacast.records import DiarizationInputs, DiarizationRecord, MadeFrom, Segment, TranscribeOptions, Transcript, Word


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
        "options": asdict(transcript.options),
        "source": asdict(transcript.source) if transcript.source else {},
        "speakers": transcript.speakers,
        "diarization": _diarization_to_dict(transcript.diarization),
        "segments": [
            {
                "id": s.id, "start": _round(s.start), "end": _round(s.end), "speaker": s.speaker,
                "label": s.label, "text": s.text.strip(),
                "words": [_word_dict(w) for w in s.words],
            }
            for s in transcript.segments
        ],
    }


def _word_dict(word: Word) -> dict[str, Any]:
    data: dict[str, Any] = {"start": _round(word.start), "end": _round(word.end), "word": word.word,
                            "probability": round(word.probability, 3)}
    if word.heard is not None:
        data["heard"] = word.heard
    return data


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
                _text(data.get("word"), "a word"), float(probability), _text(data.get("heard"), "a word as heard", optional=True))


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
    """The record; `with_words=False` skips the word timings (for readers that never use them: related episodes)."""
    data = _table(data, "the transcript")
    segments = data.get("segments", [])
    if not isinstance(segments, list):
        raise DamagedTranscriptError("its segments are not a list")
    speakers = _table(data.get("speakers", {}), "speakers")
    engine = _text(data.get("engine", ""), "engine")
    options = {**_before_devices(engine), **_table(data.get("options", {}), "options")}
    return Transcript(
        episode=_text(data.get("episode", ""), "episode"), language=_text(data.get("language", "en"), "language"),
        duration=_seconds(data.get("duration", 0.0), "duration"), engine=engine,
        model=_text(data.get("model", ""), "model"), options=_options(options),
        source=_made_from(_table(data.get("source", {}), "source")),
        speakers={str(k): _text(v, "a speaker name") for k, v in speakers.items()},
        diarization=_diarization(_table(data.get("diarization", {}), "diarization")),
        segments=[_segment(s, with_words) for s in segments],
    )


def _diarization_to_dict(record: DiarizationRecord) -> dict[str, Any]:
    if not (record.method or record.names or record.named_by):
        return {}
    inputs = None if record.inputs is None else {
        "version": record.inputs.version, **({"expected": record.inputs.expected} if record.inputs.expected is not None else {})}
    return {"method": record.method, "inputs": inputs, "seconds": record.seconds, "voiceprints": record.voiceprints,
            "names": record.names, "named_by": record.named_by}


def _options(data: dict[str, Any]) -> TranscribeOptions:
    """Settings of the known names and types; anything else (a newer or older sofacast's) is left at its default."""
    defaults = TranscribeOptions()
    known = {f.name: data[f.name] for f in fields(TranscribeOptions)
             if f.name in data and _same_kind(data[f.name], getattr(defaults, f.name))}
    return TranscribeOptions(**known)


def _same_kind(value: Any, default: Any) -> bool:
    return type(value) is type(default) or (type(default) is float and type(value) is int)


def _made_from(data: dict[str, Any]) -> MadeFrom | None:
    """None unless every field is there: a transcript of unknown making is redone rather than trusted."""
    names = [f.name for f in fields(MadeFrom) if f.name != "options"]
    if not all(isinstance(data.get(name), str) for name in names) or not isinstance(data.get("options"), dict):
        return None
    stored = {**_before_devices(data["engine"]), **data["options"]}
    options = _options(stored)
    if asdict(options) != stored:
        return None
    return MadeFrom(**{name: data[name] for name in names}, options=options)


def _before_devices(engine: str) -> dict[str, str]:
    """What a transcript written before sofacast recorded its device was made with: the CPU, at each engine's
    precision there (so an upgrade does not redo every transcript)."""
    return {"device": "cpu", "compute_type": "float32" if engine == "openai-whisper" else "int8"}


def _labelled(value: Any, what: str, kind: type | tuple[type, ...]) -> dict[str, Any]:
    """A table label -> value whose values are all of `kind` (booleans are not numbers here)."""
    table = _table(value, what)
    if not all(isinstance(item, kind) and not isinstance(item, bool) for item in table.values()):
        raise DamagedTranscriptError(f"{what} hold a value of the wrong type")
    return table


def _diarization(data: dict[str, Any]) -> DiarizationRecord:
    voiceprints = _labelled(data.get("voiceprints", {}), "the voiceprints", list)
    return DiarizationRecord(
        method=_text(data.get("method", ""), "the diarization method"), inputs=_diarization_inputs(data.get("inputs")),
        seconds={label: float(v) for label, v in _labelled(data.get("seconds", {}), "the speech seconds", (int, float)).items()},
        voiceprints={label: [float(x) for x in vector if isinstance(x, (int, float))] for label, vector in voiceprints.items()},
        names=_labelled(data.get("names", {}), "the found names", str),
        named_by=_labelled(data.get("named_by", {}), "how names were found", str),
    )


def _diarization_inputs(value: Any) -> DiarizationInputs | None:
    """None (diarization is redone) unless the stored inputs are whole numbers, as written."""
    if value is None:
        return None
    table = _table(value, "the diarization inputs")
    version, expected = table.get("version"), table.get("expected")
    if type(version) is not int or not (expected is None or type(expected) is int):
        return None
    return DiarizationInputs(version, expected)
