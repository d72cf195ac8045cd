"""The `[feed]` table of sofacast.toml, read into typed settings with one clear error per bad value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sofacast.audio.podcast_mp3 import AudioSettings
from sofacast.errors import WorkspaceError
from sofacast.records import Show

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


_TYPES: dict[str, type | tuple[type, ...]] = {
    "link": str, "locked": bool, "guid": str, "artwork": str, "audio": str, "bitrate": str, "channels": int,
    "loudness": (int, float), "intro": str, "outro": str, "related": int, "previous": int,
}


def _problem(what: str, fix: str) -> WorkspaceError:
    return WorkspaceError(f"sofacast.toml [feed]: {what}", fix)


def _local_file(root: Path, value: str | None, key: str) -> Path | None:
    if not value:
        return None
    path = (root / value).resolve()
    if not path.is_file():
        raise _problem(f"{key} = {value!r} does not exist", f"Put the file at {path}, or remove {key}.")
    return path


def feed_settings(show: Show, root: Path) -> FeedSettings:
    table: dict[str, Any] = show.feed
    for key, value in table.items():
        expected = _TYPES.get(key)
        if expected is None:
            raise _problem(f"unknown setting '{key}'", f"Known settings: {', '.join(_TYPES)}.")
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise _problem(f"'{key}' has the wrong type ({type(value).__name__})", "See the README's feed section for each setting.")
    if not show.base_url.startswith(("http://", "https://")):
        raise WorkspaceError("sofacast.toml: base_url must be the http(s) address the workspace is served at",
                             'Set base_url = "https://example.org/show/".')
    base = show.base_url if show.base_url.endswith("/") else show.base_url + "/"
    audio_mode = table.get("audio", "mp3")
    if audio_mode not in ("mp3", "original"):
        raise _problem(f"audio = {audio_mode!r}", 'Use "mp3" (podcast-ready MP3, the default) or "original".')
    channels = table.get("channels", 1)
    if channels not in (1, 2):
        raise _problem(f"channels = {channels}", "Use 1 (mono, usual for speech) or 2.")
    audio = None if audio_mode == "original" else AudioSettings(
        bitrate=table.get("bitrate", "96k"), channels=channels, loudness=float(table.get("loudness", -16.0)),
        intro=_local_file(root, table.get("intro"), "intro"), outro=_local_file(root, table.get("outro"), "outro"))
    return FeedSettings(
        feed_url=base + "feeds/" + FEED_FILE, show_page=table.get("link", base), locked=table.get("locked", True),
        guid=table.get("guid"), artwork=_local_file(root, table.get("artwork"), "artwork"), audio=audio,
        related=table.get("related", 3), previous=table.get("previous", 3),
    )


def public_url(show: Show, path: Path, root: Path) -> str:
    """The address of a workspace file, served under base_url."""
    base = show.base_url if show.base_url.endswith("/") else show.base_url + "/"
    return base + "/".join(quote(part) for part in path.resolve().relative_to(root.resolve()).parts)
