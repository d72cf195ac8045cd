"""The `[feed]` table of sofacast.toml, read into typed settings with one clear error per bad value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sofacast.addresses import base_url
from sofacast.audio.podcast_mp3 import AudioSettings
from sofacast.errors import WorkspaceError
from sofacast.records import Show
from sofacast.sanitize import safe_url

FEED_FILE = "feed.xml"


@dataclass(frozen=True)
class FeedSettings:
    feed_url: str
    show_page: str
    locked: bool
    guid: str | None
    artwork: Path | None  # a local image, published at base_url + its path; checked for Apple's rules
    audio: AudioSettings | None  # None: publish the media as pulled
    related: int
    previous: int


def _problem(what: str, fix: str) -> WorkspaceError:
    return WorkspaceError(f"sofacast.toml [feed]: {what}", fix)


def _local_file(root: Path, value: str | None, key: str) -> Path | None:
    """A file named in [feed]: it must exist and lie inside the workspace (symlinks resolved)."""
    if not value:
        return None
    path = (root / value).resolve()
    if not path.is_relative_to(root.resolve()):
        raise _problem(f"{key} = {value!r} points outside the workspace (to {path})",
                       f"Copy the file into the workspace and set {key} to its path there.")
    if not path.is_file():
        raise _problem(f"{key} = {value!r} does not exist", f"Put the file at {path}, or remove {key}.")
    return path


def feed_settings(show: Show, root: Path) -> FeedSettings:
    table: dict[str, Any] = show.feed  # types and ranges already checked by the schema
    if safe_url(show.base_url) is None:
        raise WorkspaceError("sofacast.toml: base_url must be the http(s) address the workspace is served at",
                             'Set base_url = "https://example.org/show/".')
    base = base_url(show)
    intro, outro = _local_file(root, table.get("intro"), "intro"), _local_file(root, table.get("outro"), "outro")
    audio = None if table.get("audio", "mp3") == "original" else AudioSettings(
        bitrate=table.get("bitrate", "96k"), channels=table.get("channels", 1), loudness=float(table.get("loudness", -16.0)),
        intro=intro, outro=outro)
    return FeedSettings(
        feed_url=base + "feeds/" + FEED_FILE, show_page=safe_url(table.get("link")) or base, locked=table.get("locked", True),
        guid=table.get("guid"), artwork=_local_file(root, table.get("artwork"), "artwork"), audio=audio,
        related=table.get("related", 3), previous=table.get("previous", 3),
    )

