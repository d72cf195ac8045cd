"""The `[feed]` table of sofacast.toml, read into typed settings with one clear error per bad value."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from sofacast.addresses import base_url
from sofacast.audio.podcast_mp3 import AudioSettings
from sofacast.errors import WorkspaceError
from sofacast.feed.apple import AUDIO_TYPES
from sofacast.feed.podcast_index import ChannelTags, Funding, License, Location, RemoteFeed, Trailer, Txt
from sofacast.records import Show
from sofacast.sanitize import plain_text, safe_url

FEED_FILE = "feed.xml"


@dataclass(frozen=True)
class PersonLinks:
    """A person's photo and web page from sofacast.toml's [people."Name"], as http(s) URLs (or "")."""

    img: str = ""
    href: str = ""


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
    channel: ChannelTags = field(default_factory=ChannelTags)
    people: dict[str, PersonLinks] = field(default_factory=dict)  # by name


def _local_file(root: Path, value: str | None, key: str) -> Path | None:
    return workspace_file(root, value, key, "sofacast.toml [feed]") if value else None


def workspace_file(root: Path, value: str, key: str, where: str) -> Path:
    """A file sofacast.toml names (`where` says which table): it must exist and lie inside the workspace (symlinks
    resolved)."""
    path = (root / value).resolve()
    if not path.is_relative_to(root.resolve()):
        raise WorkspaceError(f"{where}: {key} = {value!r} points outside the workspace (to {path})",
                             f"Copy the file into the workspace and set {key} to its path there.")
    if not path.is_file():
        raise WorkspaceError(f"{where}: {key} = {value!r} does not exist", f"Put the file at {path}, or remove {key}.")
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
        related=table.get("related", 3), previous=table.get("previous", 3), channel=channel_tags(show),
        people=people_links(show),
    )


def people_links(show: Show) -> dict[str, PersonLinks]:
    return {plain_text(name): PersonLinks(safe_url(links.get("img")) or "", safe_url(links.get("url")) or "")
            for name, links in show.people.items()}


def _aware(value: str | date) -> datetime:
    """A TOML date or datetime, or ISO 8601 text, as an aware datetime (a bare date is midnight UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _trailer(table: dict[str, Any]) -> Trailer:
    url = safe_url(table["url"]) or ""
    kind = table.get("type") or AUDIO_TYPES.get(PurePosixPath(urlsplit(url).path).suffix.lower(), "")
    return Trailer(url=url, title=plain_text(table["title"]), published=_aware(table["published"]),
                   length=table.get("length"), type=kind, season=table.get("season"))


def channel_tags(show: Show) -> ChannelTags:
    """sofacast.toml's Podcasting 2.0 channel tags (checked by the schema) as the feed's records."""
    tags: dict[str, Any] = show.podcast
    terms, location = tags.get("license"), tags.get("location")
    return ChannelTags(
        funding=tuple(Funding(safe_url(f["url"]) or "", plain_text(f["text"])) for f in tags.get("funding", [])),
        podroll=tuple(RemoteFeed(r["guid"], safe_url(r.get("url")) or "", plain_text(r.get("title")))
                      for r in tags.get("podroll", [])),
        txt=tuple(Txt(plain_text(t["text"]), plain_text(t.get("purpose"))) for t in tags.get("txt", [])),
        license=License(plain_text(terms["name"]), safe_url(terms.get("url")) or "") if terms else None,
        location=Location(plain_text(location["name"]), location.get("geo", ""), location.get("osm", ""),
                          location.get("country", ""), location.get("rel") or "") if location else None,
        trailers=tuple(_trailer(t) for t in tags.get("trailer", [])),
    )

