"""Typed records shared by every module. Times are float seconds; formatting happens at the edges."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    word: str
    probability: float = 1.0


@dataclass
class Segment:
    id: int
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    speaker: str | None = None


@dataclass
class Transcript:
    episode: str
    language: str
    duration: float
    engine: str
    model: str
    options: dict[str, Any]
    segments: list[Segment]
    speakers: dict[str, str] = field(default_factory=dict)
    # How the transcript was made, so a re-run can tell whether it is up to date.
    source: dict[str, Any] = field(default_factory=dict)


@dataclass
class Guest:
    name: str
    bio: str = ""
    url: str = ""


@dataclass
class Episode:
    slug: str
    title: str
    number: int | None = None
    season: int | None = None
    published: str = ""  # ISO 8601 date or datetime
    description: str = ""
    source_url: str = ""
    media: str = ""
    duration: float | None = None
    thumbnail: str = ""
    guests: list[Guest] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    # Anything else a human put in episode.toml (speakers, chunks overrides, ...) is kept verbatim.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Show:
    title: str
    description: str = ""
    author: str = ""
    owner_name: str = ""
    owner_email: str = ""
    language: str = "en"
    categories: list[str] = field(default_factory=list)
    explicit: bool = False
    image_url: str = ""
    base_url: str = ""
    hosts: list[str] = field(default_factory=list)
    feed: dict[str, Any] = field(default_factory=dict)
