"""Keep an episode's podcast MP3 up to date: re-encode only when the audio changed, re-tag when the tags did."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sofacast import atomic
from sofacast.audio import id3_tags, podcast_mp3
from sofacast.audio.id3_tags import EpisodeTags
from sofacast.audio.podcast_mp3 import AudioSettings

SUFFIX = ".podcast.mp3"


@dataclass(frozen=True)
class PodcastAudio:
    path: Path
    offset: float  # seconds the episode's own audio starts after (the intro clip)
    encoded: bool  # re-encoded in this run
    retagged: bool


def podcast_mp3_path(media: Path) -> Path:
    return media.with_name(media.stem + SUFFIX)


def ensure_podcast_mp3(media: Path, settings: AudioSettings, tags: EpisodeTags) -> PodcastAudio:
    target = podcast_mp3_path(media)
    audio_fingerprint = podcast_mp3.fingerprint(media, settings)
    offset = podcast_mp3.intro_seconds(settings)
    if target.is_file() and id3_tags.read_marker(target, id3_tags.AUDIO_KEY) == audio_fingerprint:
        if id3_tags.read_marker(target, id3_tags.TAGS_KEY) == tags.digest():
            return PodcastAudio(target, offset, encoded=False, retagged=False)
        _replace(target, lambda scratch: shutil.copyfile(target, scratch), tags, audio_fingerprint)
        return PodcastAudio(target, offset, encoded=False, retagged=True)
    _replace(target, lambda scratch: podcast_mp3.render(media, scratch, settings), tags, audio_fingerprint)
    return PodcastAudio(target, offset, encoded=True, retagged=True)


def _replace(target: Path, make, tags: EpisodeTags, audio_fingerprint: str) -> None:
    """Make the file under a temporary name in the scratch folder, tag it, then rename it over the old one."""
    with atomic.scratch_file(target, suffix=".tmp.mp3") as scratch:
        make(scratch)
        id3_tags.write_tags(scratch, tags, audio_fingerprint)
        atomic.move_into(scratch, target)
