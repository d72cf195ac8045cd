"""SubRip, with a 'Name: ' prefix where the speaker is known."""

from sofacast.formats.cues import cues
from sofacast.formats.timestamps import clock
from sofacast.records import Transcript


def render_srt(transcript: Transcript) -> str:
    blocks = []
    for number, cue in enumerate(cues(transcript.segments), start=1):
        prefix = f"{cue.speaker}: " if cue.speaker else ""
        blocks.append(f"{number}\n{clock(cue.start, ',')} --> {clock(cue.end, ',')}\n{prefix}{cue.text}")
    return "\n\n".join(blocks) + "\n" if blocks else ""
