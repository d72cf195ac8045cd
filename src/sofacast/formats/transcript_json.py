"""The canonical transcript JSON (transcripts/<slug>.json): to and from the typed records."""

from __future__ import annotations

from typing import Any

from sofacast.records import Segment, Transcript, Word


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


def transcript_from_dict(data: dict[str, Any]) -> Transcript:
    return Transcript(
        episode=data["episode"], language=data.get("language", "en"), duration=float(data.get("duration", 0.0)),
        engine=data.get("engine", ""), model=data.get("model", ""), options=data.get("options", {}),
        source=data.get("source", {}), speakers=data.get("speakers", {}),
        diarization=data.get("diarization", {}),
        segments=[
            Segment(
                id=s["id"], start=float(s["start"]), end=float(s["end"]), text=s["text"], speaker=s.get("speaker"),
                label=s.get("label"), words=[Word(float(w["start"]), float(w["end"]), w["word"], float(w.get("probability", 1.0)))
                       for w in s.get("words", [])],
            )
            for s in data.get("segments", [])
        ],
    )
