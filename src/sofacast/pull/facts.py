"""What a source says about one episode, whoever read it (a feed, a page, yt-dlp, a file's own tags).

Every reader fills a `SourceFacts`; `merged` lets the better-informed reader win field by field. Text is
plain (HTML already turned into text once, on the way in); URLs are checked http(s) or empty.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any

from sofacast.records import Guest


@dataclass(frozen=True)
class TranscriptRef:
    """A publisher's own transcript of the episode, as its feed links it (podcast:transcript)."""

    url: str
    mime: str
    language: str = ""


@dataclass(frozen=True)
class ChapterRef:
    start: float
    title: str


@dataclass(frozen=True)
class SourceFacts:
    title: str = ""
    description: str = ""  # plain text; list items as "• " lines, so questions can be read from it
    published: str = ""  # ISO 8601 date or datetime
    published_from: str = ""  # where the date was read, as the producer is told ("the feed", "ID3 date", ...)
    number: int | None = None
    season: int | None = None
    episode_type: str = ""  # "full", "trailer", "bonus" or "" (not said)
    duration: float | None = None
    thumbnail: str = ""
    guests: tuple[Guest, ...] = ()
    hosts: tuple[Guest, ...] = ()
    questions: tuple[str, ...] = ()
    transcripts: tuple[TranscriptRef, ...] = ()
    chapters_url: str = ""  # podcast:chapters (JSON)
    chapters: tuple[ChapterRef, ...] = ()  # psc:chapters, inline in the feed
    page_url: str = ""  # the page the media was found on, when it was followed from there (an iframe)


def merged(better: SourceFacts, fallback: SourceFacts) -> SourceFacts:
    """`better`, with each field it leaves empty taken from `fallback` (the date's origin goes with the date)."""
    taken = {f.name: getattr(fallback, f.name) for f in fields(SourceFacts)
             if getattr(better, f.name) in (None, "", ()) and getattr(fallback, f.name) not in (None, "", ())}
    if "published" in taken:
        taken["published_from"] = fallback.published_from
    return replace(better, **taken)



def iso_from_timestamp(timestamp: Any) -> str:
    """A Unix timestamp (as feeds, yt-dlp and file systems give them) as an ISO 8601 UTC time; "" for none or nonsense."""
    try:
        return datetime.fromtimestamp(float(timestamp), tz=UTC).isoformat(timespec="seconds") if timestamp else ""
    except (TypeError, ValueError, OverflowError, OSError):
        return ""
