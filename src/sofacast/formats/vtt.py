"""WebVTT with <v Name> voice tags, as podcast apps show captions (podcast:transcript rel="captions")."""

from sofacast.formats.cues import cues
from sofacast.formats.timestamps import clock
from sofacast.records import Transcript


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(transcript: Transcript) -> str:
    blocks = ["WEBVTT"]
    for cue in cues(transcript.segments):
        voice = f"<v {_escape(cue.speaker)}>" if cue.speaker else ""
        blocks.append(f"{clock(cue.start)} --> {clock(cue.end)}\n{voice}{_escape(cue.text)}")
    return "\n\n".join(blocks) + "\n"
