"""What the website says about each episode, read from the workspace: plain records, no HTML.

An episode page holds its people, its chapters (the questions) and its transcript as sections: one
per Q&A chunk (the question as its heading), each a list of paragraphs, each paragraph one speaker's
consecutive sentences with their times. Every text is cleaned as the feed cleans it (no markup, no control or
bidi-override characters: `sanitize.plain_text`), the show's own and the voice book's names included; the
templates escape it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sofacast.addresses import public_url
from sofacast.audio.published import published_audio
from sofacast.feed.build import UNTITLED, published_at
from sofacast.feed.episodes import hosts, person
from sofacast.feed.guids import GuidLedger
from sofacast.feed.settings import FeedSettings, feed_settings
from sofacast.feed.write import earlier_episodes, episodes_in_feed, topic_index
from sofacast.records import Episode, Segment, Show
from sofacast.sanitize import plain_text, title_text
from sofacast.site.settings import SiteSettings, site_settings
from sofacast.site.video import SourceVideo, source_video
from sofacast.slugs import slugify
from sofacast.speakers.voiceprints import Voiceprints
from sofacast.transcripts import chapters_or_none, chunks_or_none, derived_path, transcript_or_none
from sofacast.workspace import Workspace

INTRODUCTION = "Introduction"
CLOSING = "Closing"


@dataclass(frozen=True)
class Sentence:
    start: float
    end: float
    text: str


@dataclass
class Paragraph:
    speaker: str
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Section:
    title: str  # the question, or INTRODUCTION / CLOSING
    start: float
    end: float
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass(frozen=True)
class PersonOnPage:
    name: str  # as the voice book calls them now (a rename there renames them here)
    role: str  # "host" or "guest"
    bio: str = ""
    url: str = ""  # their own page elsewhere, or ""
    slug: str = ""  # their guest page on the site
    photo: Path | None = None  # a photo file in the workspace ([people."Name"] photo); remote photos are not shown


@dataclass(frozen=True)
class ChapterLink:
    start: float
    title: str


@dataclass
class EpisodePage:
    slug: str
    title: str
    number: int | None
    published: str  # ISO date
    duration: float  # seconds
    description: str
    audio: Path | None  # the published audio file in the workspace
    people: list[PersonOnPage]
    chapters: list[ChapterLink]
    sections: list[Section]
    downloads: dict[str, Path]  # label -> file in the workspace (transcripts, chapters)
    video: SourceVideo | None = None  # offered when [site] video = true and the source is a video page
    previous: list[str] = field(default_factory=list)  # slugs, newest first: as the show notes link them
    related: list[RelatedEpisode] = field(default_factory=list)  # earlier episodes closest in topic


@dataclass(frozen=True)
class RelatedEpisode:
    slug: str
    shared_terms: tuple[str, ...]


@dataclass
class SitePages:
    show: Show
    feed_url: str
    artwork: Path | None
    artwork_url: str  # where the feed publishes the artwork (social cards need an absolute address)
    settings: SiteSettings
    episodes: list[EpisodePage]  # newest first


def site_pages(workspace: Workspace) -> SitePages:
    """Every published episode's page, newest first (the feed's episodes: drafts and held-back ones stay out)."""
    show = workspace.show()
    settings, site = feed_settings(show, workspace.root), site_settings(show, workspace.root)
    episodes, _failures = episodes_in_feed(workspace, GuidLedger.load(workspace.feeds_dir))
    book = Voiceprints.load(workspace.root)
    texts: dict[str, str] = {}
    pages = [episode_page(workspace, show, settings, site, episode, book, texts) for episode in episodes]
    index = topic_index(workspace, show, episodes, texts) if settings.related else None
    slugs = [episode.slug for episode in episodes]
    for position, page in enumerate(pages):
        page.previous, related = earlier_episodes(index, slugs, position, settings)
        page.related = [RelatedEpisode(r.slug, r.shared_terms) for r in related]
    artwork_url = public_url(show, settings.artwork, workspace.root) if settings.artwork else show.image_url
    return SitePages(shown(show), settings.feed_url, settings.artwork, artwork_url, site, pages[::-1])


def shown(show: Show) -> Show:
    """The show as its pages name it: sofacast.toml's texts cleaned as the feed cleans them, so markup is not shown
    as text and a right-to-left override cannot reorder every page."""
    return replace(show, title=plain_text(show.title) or UNTITLED, description=plain_text(show.description),
                   author=plain_text(show.author), hosts=[name for name in map(plain_text, show.hosts) if name])


def episode_page(workspace: Workspace, show: Show, settings: FeedSettings, site: SiteSettings, episode: Episode,
                 book: Voiceprints, texts: dict[str, str]) -> EpisodePage:
    """The episode's page; its transcript's text goes into `texts` (for the related episodes)."""
    audio = published_audio(workspace, show, episode, settings.audio)
    transcript = transcript_or_none(workspace, episode.slug, with_words=False)
    segments = transcript.segments if transcript else []
    if transcript is not None:
        texts[episode.slug] = " ".join(segment.text for segment in segments)
    duration = float(episode.duration or (segments[-1].end if segments else 0.0))
    stored = chapters_or_none(workspace, episode.slug) or []
    chapters = [ChapterLink(float(c["startTime"]), plain_text(c["title"])) for c in stored]
    return EpisodePage(
        slug=episode.slug, title=plain_text(episode.title), number=episode.number,
        published=published_at(episode.published).date().isoformat(), duration=duration,
        description=plain_text(episode.description), audio=audio.path if audio.path.is_file() else None,
        people=people_on_page(show, settings, site, episode, book), chapters=chapters,
        sections=sections(chunks_or_none(workspace, episode.slug) or [], segments),
        downloads={label: path for label, path in _downloads(workspace, episode.slug).items() if path.is_file()},
        video=source_video(episode.source_url) if site.video else None,
    )


def people_on_page(show: Show, settings: FeedSettings, site: SiteSettings, episode: Episode,
                   book: Voiceprints) -> list[PersonOnPage]:
    """The hosts and guests, by the voice book's names, with links as the feed's podcast:person gives them and
    photos from the workspace."""
    found = []
    for role, people in (("host", hosts(show, episode)), ("guest", episode.guests)):
        for who in people:
            listed = person(who, role, settings.people)
            # The voice book's names are typed by hand (`voices rename`) or hand-edited: clean, and as long as
            # episode.toml allows a name.
            name = title_text(book.name_of(listed.name)) or listed.name
            photo = site.photos.get(name) or site.photos.get(listed.name)
            found.append(PersonOnPage(name, role, plain_text(who.bio), listed.href or "", person_slug(name), photo))
    return found


def person_slug(name: str) -> str:
    return slugify(name, fallback="person")


def sections(chunks: list[dict[str, Any]], segments: list[Segment]) -> list[Section]:
    """The transcript cut at the chunks' boundaries (one section for all of it without chunks)."""
    if not chunks:
        return [Section(INTRODUCTION, 0.0, segments[-1].end, _paragraphs(segments))] if segments else []
    ordered = sorted(chunks, key=lambda c: float(c["start"]))
    found = []
    for position, chunk in enumerate(ordered):
        start = float(chunk["start"])
        end = float(ordered[position + 1]["start"]) if position + 1 < len(ordered) else float("inf")
        inside = [s for s in segments if start <= s.start < end]
        title = plain_text(chunk.get("question")) or (INTRODUCTION if position == 0 else CLOSING)
        found.append(Section(title, start, float(chunk["end"]), _paragraphs(inside)))
    return found


def _paragraphs(segments: list[Segment]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    for segment in segments:
        speaker = title_text(segment.speaker) or "Unknown speaker"  # from the voice book: see people_on_page
        if not paragraphs or paragraphs[-1].speaker != speaker:
            paragraphs.append(Paragraph(speaker))
        paragraphs[-1].sentences.append(Sentence(segment.start, segment.end, plain_text(segment.text)))
    return paragraphs


def _downloads(workspace: Workspace, slug: str) -> dict[str, Path]:
    """The files offered for download (copied into the site), each refused if it is a link out of the workspace."""
    return {"Transcript (WebVTT)": derived_path(workspace, slug, ".vtt"),
            "Transcript (SRT)": derived_path(workspace, slug, ".srt"),
            "Transcript (text)": derived_path(workspace, slug, ".txt"),
            "Chapters (JSON)": derived_path(workspace, slug, ".chapters.json")}
