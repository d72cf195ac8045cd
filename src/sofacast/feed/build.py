"""Assemble the RSS document with feedgen (and its podcast extension) plus our Podcasting 2.0 extension.

Lookup tables map records to feed fields. Text goes in plain (lxml escapes it for XML), show notes
through the HTML allow-list, and every link is an http(s) URL. Items are newest first, as apps list
them; each item's plain-text description opens with its chapters as timestamps, Spotify/YouTube style.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from sofacast.feed.apple import split_category
from sofacast.feed.podcast_index import Chapter, Person, PodcastIndexEntryExtension, PodcastIndexExtension, TranscriptLink
from sofacast.feed.settings import FeedSettings, PersonLinks
from sofacast.feed.soundbite import Soundbite
from sofacast.formats.timestamps import short_clock
from sofacast.records import Show
from sofacast.sanitize import clean_html, plain_text, safe_url

GENERATOR = "sofacast"
UNTITLED = "Untitled"  # only when a title holds nothing but markup (the schema refuses that in sofacast.toml)
# YouTube (and Spotify) read timestamps in a description as chapters only when the first is at 0:00 and
# there are at least three, each at least ten seconds long; otherwise the list would only be noise.
TIMESTAMPS_MIN_CHAPTERS = 3
TIMESTAMPS_MIN_SECONDS = 10.0


@dataclass
class PublishedEpisode:
    """Everything the feed says about one episode, already resolved to URLs and numbers."""

    slug: str
    guid: str
    title: str
    published: datetime
    link: str
    summary: str  # plain text
    notes_html: str  # content:encoded
    enclosure_url: str
    enclosure_length: int
    enclosure_type: str
    duration: int  # whole seconds
    season: int | None = None
    number: int | None = None
    explicit: bool | None = None
    image: str = ""
    transcripts: list[TranscriptLink] = field(default_factory=list)
    chapters_url: str = ""
    people: list[Person] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)  # the same as the chapters file, in enclosure time
    soundbite: Soundbite | None = None  # in enclosure time
    episode_type: str = "full"


def published_at(text: str) -> datetime:
    """episode.toml's date or datetime, as an aware datetime (a bare date is taken as midnight UTC)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def build_feed(show: Show, settings: FeedSettings, guid: str, image_url: str, episodes: list[PublishedEpisode]) -> bytes:
    image_url = safe_url(image_url) or ""
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    title = plain_text(show.title) or UNTITLED
    fg.title(title)
    fg.description(plain_text(show.description) or title)
    fg.link(href=settings.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=settings.show_page, rel="alternate")
    fg.language(show.language)
    fg.generator(GENERATOR)
    fg.author({"name": plain_text(show.author or show.owner_name), "email": plain_text(show.owner_email)})
    fg.copyright(f"© {plain_text(show.owner_name or show.author)}")
    if image_url:
        fg.image(url=image_url, title=title, link=settings.show_page)
    # The newest episode's date, not "now": rebuilding an unchanged show gives an identical file.
    newest = max((e.published for e in episodes), default=datetime(2000, 1, 1, tzinfo=UTC))
    fg.lastBuildDate(newest)
    fg.pubDate(newest)
    _itunes_channel(fg, show, image_url)
    _podcast_channel(fg.podcastindex, show, settings, guid)
    for episode in sorted(episodes, key=lambda e: (e.published, e.number or 0, e.slug), reverse=True):
        _add_item(fg, episode)
    return fg.rss_str(pretty=True)


def _itunes_channel(fg: FeedGenerator, show: Show, image_url: str) -> None:
    podcast = fg.podcast
    podcast.itunes_author(plain_text(show.author or show.owner_name))
    podcast.itunes_owner(name=plain_text(show.owner_name or show.author), email=plain_text(show.owner_email))
    podcast.itunes_summary(plain_text(show.description))
    podcast.itunes_type("episodic")
    if image_url:
        podcast.itunes_image(image_url)
    podcast.itunes_category([{"cat": parent, "sub": sub} if sub else {"cat": parent}
                             for parent, sub in map(split_category, map(plain_text, show.categories))])


def _podcast_channel(extension: PodcastIndexExtension, show: Show, settings: FeedSettings, guid: str) -> None:
    extension.guid = guid
    extension.locked = settings.locked
    extension.locked_owner = plain_text(show.owner_email)
    extension.explicit = show.explicit
    extension.show_page = settings.show_page
    extension.people = [_host(plain_text(host), settings.people.get(plain_text(host), PersonLinks())) for host in show.hosts]
    extension.tags = settings.channel


def _host(name: str, links: PersonLinks) -> Person:
    return Person(name, "host", href=links.href, img=links.img)


def timestamps(chapters: list[Chapter], duration: float) -> str:
    """'00:00 Introduction' and one line per chapter, or "" when apps would not take them as chapters."""
    ends = [c.start for c in chapters[1:]] + [duration]
    usable = (len(chapters) >= TIMESTAMPS_MIN_CHAPTERS and chapters[0].start == 0
              and all(end - c.start >= TIMESTAMPS_MIN_SECONDS for c, end in zip(chapters, ends, strict=True)))
    return "\n".join(f"{short_clock(c.start, pad_minutes=True)} {plain_text(c.title)}" for c in chapters) if usable else ""


def description(episode: PublishedEpisode) -> str:
    """The plain-text description: the chapters as timestamps, a blank line, then the summary."""
    return "\n\n".join(part for part in (timestamps(episode.chapters, episode.duration), plain_text(episode.summary)) if part)


def _add_item(fg: FeedGenerator, episode: PublishedEpisode) -> None:
    entry = fg.add_entry(order="append")
    entry.title(plain_text(episode.title) or UNTITLED)
    entry.guid(episode.guid, permalink=False)
    entry.link(href=episode.link)
    entry.published(episode.published)
    text = description(episode)
    if text:  # never the title again: RSS needs a title or a description, and the title is there
        entry.description(text)
        entry.podcast.itunes_summary(text)
    entry.content(clean_html(episode.notes_html), type="CDATA")
    entry.enclosure(episode.enclosure_url, str(episode.enclosure_length), episode.enclosure_type)
    entry.podcast.itunes_duration(episode.duration)
    entry.podcast.itunes_episode_type(episode.episode_type or "full")
    if episode.number is not None:
        entry.podcast.itunes_episode(episode.number)
    if episode.season is not None:
        entry.podcast.itunes_season(episode.season)
    if episode.image:
        entry.podcast.itunes_image(episode.image)
    extension: PodcastIndexEntryExtension = entry.podcastindex
    extension.explicit = episode.explicit
    extension.transcripts = episode.transcripts
    extension.chapters_url = episode.chapters_url or None
    extension.people = episode.people
    extension.chapters = episode.chapters
    extension.soundbite = episode.soundbite
    extension.season = episode.season
    extension.episode = episode.number
