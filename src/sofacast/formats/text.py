"""Readable text: one paragraph per speaker turn, each with its start time."""

from sofacast.formats.timestamps import short_clock
from sofacast.records import Transcript
from sofacast.sanitize import plain_text


def render_text(transcript: Transcript) -> str:
    paragraphs: list[tuple[float, str | None, list[str]]] = []
    for segment in transcript.segments:
        text = plain_text(segment.text)
        if not text:
            continue
        if paragraphs and paragraphs[-1][1] == segment.speaker:
            paragraphs[-1][2].append(text)
        else:
            paragraphs.append((segment.start, segment.speaker, [text]))
    lines = []
    for start, speaker, texts in paragraphs:
        name = plain_text(speaker)
        who = f" {name}:" if name else ""
        lines.append(f"[{short_clock(start)}]{who} {' '.join(texts)}")
    return "\n\n".join(lines) + "\n"
