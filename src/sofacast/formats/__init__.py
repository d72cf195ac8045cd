"""Renderings of a canonical transcript: VTT, SRT, plain text, Podcasting 2.0 JSON, and the canonical JSON."""

from collections.abc import Callable

from sofacast.formats.podcast_json import render_podcast_json
from sofacast.formats.srt import render_srt
from sofacast.formats.text import render_text
from sofacast.formats.vtt import render_vtt
from sofacast.records import Transcript

# One renderer per file suffix: adding a format is adding a line here.
RENDERERS: dict[str, Callable[[Transcript], str]] = {
    ".vtt": render_vtt,
    ".srt": render_srt,
    ".txt": render_text,
    ".transcript.json": render_podcast_json,  # Podcasting 2.0 JSON transcript, for podcast apps
}
