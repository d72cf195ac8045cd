"""The Podcasting 2.0 JSON transcript format (podcast:transcript type application/json).

    {"version": "1.0.0", "segments": [{"speaker": "Elena Marsh", "startTime": 0.0, "endTime": 4.2, "body": "…"}]}

Not the canonical transcript (transcripts/<slug>.json): apps read this one.
"""

from __future__ import annotations

import json

from sofacast.records import Transcript
from sofacast.sanitize import plain_text

VERSION = "1.0.0"


def render_podcast_json(transcript: Transcript) -> str:
    segments = []
    for segment in transcript.segments:
        item = {"startTime": round(segment.start, 3), "endTime": round(segment.end, 3), "body": plain_text(segment.text)}
        speaker = plain_text(segment.speaker)
        if speaker:
            item = {"speaker": speaker, **item}
        segments.append(item)
    return json.dumps({"version": VERSION, "segments": segments}, ensure_ascii=False, indent=1) + "\n"
