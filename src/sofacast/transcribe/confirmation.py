"""`sofacast voices confirm`: an editor's word on who speaks in an episode, applied at once.

The names go into the episode's `[speakers]` table (kept by every later run, `--force` included), the
transcript and its renderings are named again from the stored voices (no audio is decoded), and the voice
book learns each confirmed voice — the only way it learns a voice that no remembered voice matched.
"""

from __future__ import annotations

from dataclasses import dataclass

from sofacast.errors import SofacastError
from sofacast.formats.transcript_json import transcript_to_dict
from sofacast.speakers import labelling
from sofacast.speakers.voice_book import confirmed_speakers, save_speakers_table
from sofacast.speakers.voiceprints import Voiceprints
from sofacast.transcribe.pipeline import TranscribeResult, write_transcript
from sofacast.transcripts import read_transcript
from sofacast.workspace import Workspace


class NoTranscriptError(SofacastError):
    """There is no transcript to confirm names in."""


@dataclass(frozen=True)
class Confirmation:
    slug: str
    confirmed: dict[str, str]  # label -> name, as given or as the transcript showed them
    result: TranscribeResult  # the transcript named again
    learned: list[str]  # the people whose voices the book now has from this episode


def confirm_speakers(workspace: Workspace, slug: str, given: list[str]) -> Confirmation:
    episode = workspace.load_episode(slug)
    transcript = read_transcript(workspace, slug)
    if transcript is None:
        raise NoTranscriptError(f"{slug} has no transcript yet", f"Run 'sofacast transcribe {slug}' first")
    table = confirmed_speakers(transcript, given)
    save_speakers_table(workspace, episode, table)
    before = transcript_to_dict(transcript)
    voiceprints = Voiceprints.load(workspace.root)
    labelling.apply_names(transcript, workspace.show(), episode, voiceprints)
    voiceprints.save()
    learned = sorted(name for name, episodes in voiceprints.people.items() if slug in episodes)
    if before == transcript_to_dict(transcript):
        result = TranscribeResult(slug, up_to_date=True, transcript=transcript)
    else:
        result = TranscribeResult(slug, up_to_date=False, transcript=transcript, written=write_transcript(workspace, transcript))
    return Confirmation(slug, table, result, learned)
