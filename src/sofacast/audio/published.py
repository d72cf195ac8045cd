"""The audio listeners get: which file it is, where it is served, and how far the intro shifts it.

The podcast MP3 is kept up to date here (re-encoded only when the audio changed, re-tagged when the
tags did); `published_audio` is the one answer to "which file, at what address, shifted by how much"
for every link into an episode's audio (feed enclosures, chapters, search deep links).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sofacast import atomic
from sofacast.addresses import file_link
from sofacast.audio import id3_tags, podcast_mp3
from sofacast.audio.id3_tags import EpisodeTags
from sofacast.audio.podcast_mp3 import AudioSettings
from sofacast.records import Episode, Show
from sofacast.workspace import Workspace

SUFFIX = ".podcast.mp3"


@dataclass(frozen=True)
class PodcastAudio:
    path: Path
    offset: float  # seconds the episode's own audio starts after (the intro clip)
    encoded: bool  # re-encoded in this run
    retagged: bool


@dataclass(frozen=True)
class PublishedAudio:
    path: Path  # the file listeners get: the podcast MP3, or the media as pulled
    url: str  # its address under base_url (its path in the workspace when there is no base_url)
    offset: float  # seconds the episode's own audio starts after in that file (the intro clip)

    def at(self, seconds: float) -> str:
        """A link that starts playing at `seconds` into the episode's own audio (a transcript time)."""
        return f"{self.url}#t={int(self.offset + seconds)}"


def podcast_mp3_path(media: Path) -> Path:
    return media.with_name(media.stem + SUFFIX)


def published_audio(workspace: Workspace, show: Show, episode: Episode, settings: AudioSettings | None) -> PublishedAudio:
    """The episode's published audio as it stands: the podcast MP3 once made (with `settings`), else the media."""
    media = workspace.media_path(episode)
    mp3 = podcast_mp3_path(media)
    if settings is not None and mp3.is_file():
        return PublishedAudio(mp3, file_link(show, mp3, workspace.root), podcast_mp3.intro_seconds(settings))
    return PublishedAudio(media, file_link(show, media, workspace.root), 0.0)


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
