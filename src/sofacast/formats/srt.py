"""SubRip, with a 'Name: ' prefix where the speaker is known.

Players read <i>, <b> and <font> tags in SubRip, so cues are plain text without anything tag-like.
"""

from sofacast.formats.cues import cues
from sofacast.formats.timestamps import clock
from sofacast.records import Transcript
from sofacast.sanitize import plain_text


def render_srt(transcript: Transcript) -> str:
    blocks = []
    for number, cue in enumerate(cues(transcript.segments), start=1):
        speaker = plain_text(cue.speaker)
        prefix = f"{speaker}: " if speaker else ""
        blocks.append(f"{number}\n{clock(cue.start, ',')} --> {clock(cue.end, ',')}\n{prefix}{plain_text(cue.text)}")
    return "\n\n".join(blocks) + "\n" if blocks else ""
