"""`sofacast feed`: build feeds/feed.xml from the workspace, validate it, and only then replace the old one."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sofacast import atomic
from sofacast.errors import FeedError
from sofacast.feed.build import PublishedEpisode, build_feed, published_at
from sofacast.feed.episodes import EpisodeContext, episode_link, publish_episode
from sofacast.feed.guids import GuidLedger
from sofacast.feed.settings import FEED_FILE, FeedSettings, feed_settings, public_url
from sofacast.feed.validate import Expected, Finding, validate_feed
from sofacast.records import Episode, Show
from sofacast.shownotes.related import TopicIndex
from sofacast.shownotes.render import Link
from sofacast.workspace import Workspace

# Called with (episodes done, episodes in all, what is being done).
FeedProgress = Callable[[int, int, str], None]


@dataclass
class FeedResult:
    path: Path
    episodes: list[PublishedEpisode]
    written: bool  # False: the feed was already exactly this


def feed_path(workspace: Workspace) -> Path:
    return workspace.feeds_dir / FEED_FILE


def episodes_in_feed(workspace: Workspace) -> list[Episode]:
    """Published episodes (not drafts), oldest first."""
    episodes = [e for e in workspace.episodes() if e.extra.get("draft") is not True]
    for episode in episodes:
        try:
            published_at(episode.published)
        except ValueError:
            raise FeedError(f"episode {episode.slug}: published: {episode.published!r} is not a date",
                            'Write it as published = "2026-09-07" (or a full ISO 8601 datetime) in its episode.toml.') from None
    return sorted(episodes, key=lambda e: (published_at(e.published), e.number or 0, e.slug))


def topic_index(workspace: Workspace, show: Show, episodes: list[Episode]) -> TopicIndex:
    documents = {}
    for episode in episodes:
        path = workspace.transcript_path(episode.slug)
        if path.is_file():
            documents[episode.slug] = " ".join(s.get("text", "") for s in json.loads(path.read_text("utf-8")).get("segments", []))
        else:
            documents[episode.slug] = f"{episode.title} {episode.description}"
    names = {*show.hosts, *(g.name for e in episodes for g in e.guests), show.title}
    return TopicIndex(documents, ignore={word.lower() for name in names for word in name.replace("'", " ").split()})


def expectations(settings: FeedSettings, ledger: GuidLedger, episodes: list[PublishedEpisode],
                 known_podcast_guid: str | None) -> Expected:
    return Expected(feed_url=settings.feed_url, show_page=settings.show_page, podcast_guid=known_podcast_guid,
                    enclosure_sizes={e.enclosure_url: e.enclosure_length for e in episodes}, artwork=settings.artwork,
                    episode_names={guid: slug for slug, guid in ledger.episodes.items()})


def build_and_check(workspace: Workspace, on_progress: FeedProgress | None = None) -> tuple[bytes, list[PublishedEpisode], GuidLedger, list[Finding]]:
    show = workspace.show()
    settings = feed_settings(show, workspace.root)
    ledger = GuidLedger.load(workspace.feeds_dir)
    known_podcast_guid = ledger.podcast
    podcast_guid = ledger.show_guid(settings.feed_url, settings.guid)
    episodes = episodes_in_feed(workspace)
    index = topic_index(workspace, show, episodes)
    context = EpisodeContext(workspace, show, settings)
    links = {e.slug: Link(e.title, episode_link(context, e)) for e in episodes}
    published = []
    for position, episode in enumerate(episodes):
        if on_progress:
            on_progress(position, len(episodes), f"Preparing {episode.slug}")
        earlier = [e.slug for e in episodes[:position]]
        previous = [links[slug] for slug in reversed(earlier[-settings.previous:])] if settings.previous else []
        related = [Link(links[r.slug].title, links[r.slug].url, "shares: " + ", ".join(r.shared_terms))
                   for r in index.related(episode.slug, earlier, limit=settings.related)] if settings.related else []
        guid = ledger.episode_guid(episode.slug, episode.extra.get("guid") if isinstance(episode.extra.get("guid"), str) else None)
        published.append(publish_episode(context, episode, guid, previous, related))
    image_url = public_url(show, settings.artwork, workspace.root) if settings.artwork else show.image_url
    document = build_feed(show, settings, podcast_guid, image_url, published)
    findings = validate_feed(document, expectations(settings, ledger, published, known_podcast_guid))
    if on_progress:
        on_progress(len(episodes), len(episodes), "Checking the feed")
    return document, published, ledger, findings


def write_feed(workspace: Workspace, on_progress: FeedProgress | None = None) -> FeedResult:
    document, published, ledger, findings = build_and_check(workspace, on_progress)
    target = feed_path(workspace)
    if findings:
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        raise FeedError(f"the new feed is invalid, {findings[0].line()}{more}",
                        f"Fix that, then run sofacast feed again; {target.name} was left as it was. "
                        "'sofacast validate' lists every finding.")
    ledger.save()
    return FeedResult(target, published, atomic.write_bytes_if_changed(target, document))
